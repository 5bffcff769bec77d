"""The ASGI front of the WSGI application: every exchange has read and write deadlines.

granian parses HTTP in Rust and hands each request here, on its event loop. The body is
read without holding a thread, within ``read_timeout_s`` and ``max_request_bytes`` (408,
413; a chunked body that breaks off: 400). Only a complete request reaches the Flask
application, on a bounded pool of ``threads`` threads; its answer goes back to the client
chunk by chunk, each chunk accepted within ``send_timeout_s``, and the whole answer within
the deadline the application may set for it (a query's time limit covers its stream):
past either, the connection is closed. A slow sender, an idle connection or a slow reader
so costs a small task and its buffers, never a thread or a query worker. The limits on
header fields (their size, one Host, one length, no underscore in a name) are checked here
on the raw header list; :mod:`publisher.web.guard` then applies those of every server.

A GET or HEAD without a body that the generation cache can answer is answered here, on the
event loop, from the entry's prepared header fields (:meth:`GenerationCache.hit`): no
thread, no WSGI call. It stays answered while every thread is busy with other requests.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote_to_bytes

from publisher.core.config import Settings
from publisher.web.accesslog import to_stderr
from publisher.web.guard import REFUSAL_POLICY

# An application sets environ[DEADLINE] (time.monotonic() seconds) to bound its own answer.
DEADLINE = "clusterscord.deadline"
# Answers are handed over in pieces of about this size (one trip to a thread for most).
BATCH_BYTES = 256 * 1024

logger = logging.getLogger("clusterscord.server")
access = logging.getLogger("clusterscord.access")


class _Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class Front:
    """ASGI application around a WSGI one (``app``), with the deadlines of ``settings``."""

    def __init__(self, app, settings: Settings, cache=None, on_shutdown=None):
        self.app = app
        self.settings = settings
        self.cache = cache  # the generation cache in front of app, or None
        self.on_shutdown = on_shutdown
        self.executor = ThreadPoolExecutor(settings.threads, thread_name_prefix="wsgi")
        to_stderr(logger, "[%(levelname)s] %(message)s")

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        environ = None
        try:
            headers = _check_head(scope, self.settings)
            if (self.cache is not None and scope["method"] in ("GET", "HEAD")
                    and "content-length" not in headers and "transfer-encoding" not in headers):
                environ = _environ(scope, headers, b"")
                hit = self.cache.hit(environ)
                if hit is not None:
                    await self._replay(send, scope, *hit)
                    return
            body = await self._read_body(receive, headers)
        except _Refused as refused:
            await _refuse(send, refused.status, refused.message)
            _log_refusal(scope, refused.status)
            return
        if environ is None or body:
            environ = _environ(scope, headers, body)
        loop = asyncio.get_running_loop()
        try:
            started = await loop.run_in_executor(self.executor, _start, self.app, environ)
        except Exception as exc:  # noqa: BLE001 - answered plainly, logged on one line
            logger.error("%s %s failed before its answer: %r", scope["method"], scope["path"], exc)
            await _refuse(send, 500, "the server failed to answer this request")
            return
        try:
            await self._answer(send, environ, started)
        except TimeoutError:
            logger.warning("%s %s: the client did not take the answer in time; closed",
                           scope["method"], scope["path"])
        except Exception as exc:  # noqa: BLE001 - the answer is cut; the client sees it end
            logger.warning("%s %s: the answer was cut: %s", scope["method"], scope["path"], exc)

    async def _lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.executor.shutdown(wait=False, cancel_futures=True)
                if self.on_shutdown is not None:
                    self.on_shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _read_body(self, receive, headers: dict[str, str]) -> bytes:
        limit = self.settings.max_request_bytes
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                raise _Refused(400, "Content-Length is not a number")
            if int(declared) > limit:
                raise _Refused(413, f"the request body is larger than the limit of {limit} bytes")
        body = bytearray()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.read_timeout_s
        while True:
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise _Refused(408, f"the request body did not arrive within "
                                    f"{self.settings.read_timeout_s:g} s") from None
            if message["type"] == "http.disconnect":
                raise _Refused(400, "the request body is malformed or was cut off")
            body += message.get("body", b"")
            if len(body) > limit:
                raise _Refused(413, f"the request body is larger than the limit of {limit} bytes")
            if not message.get("more_body"):
                return bytes(body)

    async def _replay(self, send, scope, status: int, headers, body: bytes) -> None:
        """Send a stored answer, taken by the client within ``send_timeout_s``."""
        try:
            async with asyncio.timeout(self.settings.send_timeout_s):
                await send({"type": "http.response.start", "status": status,
                            "headers": headers})
                await send({"type": "http.response.body", "body": body})
        except TimeoutError:
            logger.warning("%s %s: the client did not take the answer in time; closed",
                           scope["method"], scope["path"])
        except Exception as exc:  # noqa: BLE001 - the answer is cut; the client sees it end
            logger.warning("%s %s: the answer was cut: %s", scope["method"], scope["path"], exc)

    async def _answer(self, send, environ, started) -> None:
        status, headers, chunks, rest = started
        loop = asyncio.get_running_loop()
        try:
            await self._send(send, {"type": "http.response.start", "status": status,
                                    "headers": headers})
            while True:
                pieces = [chunk for chunk in chunks if chunk]
                for index, chunk in enumerate(pieces):
                    more = rest is not None or index < len(pieces) - 1
                    await self._send(send, {"type": "http.response.body", "body": chunk,
                                            "more_body": more}, environ.get(DEADLINE))
                if rest is None:
                    if not pieces:
                        await self._send(send, {"type": "http.response.body", "body": b""})
                    break
                chunks, done = await loop.run_in_executor(self.executor, _batch, rest)
                if done:
                    rest = None
        finally:
            if rest is not None:
                await loop.run_in_executor(self.executor, _close, rest)

    async def _send(self, send, message: dict, deadline: float | None = None) -> None:
        """One message, taken within ``send_timeout_s`` and before ``deadline`` (monotonic
        seconds) when there is one; TimeoutError otherwise."""
        timeout = self.settings.send_timeout_s
        if deadline is not None:
            timeout = min(timeout, deadline - time.monotonic())
            if timeout <= 0:
                raise TimeoutError
        async with asyncio.timeout(timeout):
            await send(message)


def _check_head(scope, settings: Settings) -> dict[str, str]:
    """The request's header fields (joined by name), or _Refused by the limits."""
    size = 0
    joined: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        size += len(raw_name) + len(raw_value) + 4
        name = raw_name.decode("latin-1").lower()
        if "_" in name:
            continue  # like gunicorn: X_Forwarded_For must not pass for X-Forwarded-For
        value = raw_value.decode("latin-1")
        if name in joined:
            if name in ("host", "content-length", "content-type"):
                raise _Refused(400, f"more than one {name} header")
            joined[name] += ("; " if name == "cookie" else ",") + value
        else:
            joined[name] = value
    if size > settings.max_header_bytes:
        raise _Refused(431, f"the request header fields are larger than "
                            f"{settings.max_header_bytes} bytes")
    if "content-length" in joined and "transfer-encoding" in joined:
        raise _Refused(400, "Content-Length and Transfer-Encoding together")
    return joined


def _environ(scope, headers: dict[str, str], body: bytes) -> dict:
    """The WSGI environ of a request; SCRIPT_NAME is always empty (never from the client)."""
    raw_path = scope.get("raw_path") or scope["path"].encode("utf-8")
    server = scope.get("server") or ("127.0.0.1", 80)
    client = scope.get("client") or ("", 0)
    query = (scope.get("query_string") or b"").decode("latin-1")
    environ = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(raw_path).decode("latin-1"),
        "QUERY_STRING": query,
        "RAW_URI": raw_path.decode("latin-1") + ("?" + query if query else ""),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": str(client[0]),
        "REMOTE_PORT": str(client[1]),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for name, value in headers.items():
        if name == "content-type":
            environ["CONTENT_TYPE"] = value
        elif name not in ("content-length", "transfer-encoding"):
            environ["HTTP_" + name.upper().replace("-", "_")] = value
    if body or scope["method"] in ("POST", "PUT", "PATCH"):
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ


def _start(app, environ):
    """In a thread: call the application; its status, headers, first batch and the rest."""
    seen: dict = {}
    written: list[bytes] = []

    def start_response(status, headers, exc_info=None):
        if exc_info and seen:
            raise exc_info[1].with_traceback(exc_info[2])
        seen["status"], seen["headers"] = status, headers
        return written.append

    result = app(environ, start_response)
    iterator = iter(result)
    try:
        chunks, done = _batch_of(iterator)
    except BaseException:
        _close_result(result)
        raise
    if not seen:
        raise RuntimeError("the application answered without start_response")
    status = int(seen["status"].split(" ", 1)[0])
    headers = [(name.lower().encode("latin-1"), value.encode("latin-1"))
               for name, value in seen["headers"]]
    if done:
        _close_result(result)
        return status, headers, written + chunks, None
    return status, headers, written + chunks, _Rest(result, iterator)


class _Rest:
    def __init__(self, result, iterator):
        self.result, self.iterator = result, iterator


def _batch_of(iterator) -> tuple[list[bytes], bool]:
    chunks, size = [], 0
    for chunk in iterator:
        chunks.append(chunk)
        size += len(chunk)
        if size >= BATCH_BYTES:
            return chunks, False
    return chunks, True


def _batch(rest: _Rest) -> tuple[list[bytes], bool]:
    chunks, done = _batch_of(rest.iterator)
    if done:
        _close_result(rest.result)
    return chunks, done


def _close(rest: _Rest) -> None:
    _close_result(rest.result)


def _close_result(result) -> None:
    close = getattr(result, "close", None)
    if close is not None:
        close()


def _log_refusal(scope, status: int) -> None:
    """The access log line of a request refused before the application saw it."""
    access.info(json.dumps({
        "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "method": scope.get("method"), "path": scope.get("path"), "status": status,
        "remote": (scope.get("client") or ("",))[0], "refused": "before the application",
    }, ensure_ascii=False))


async def _refuse(send, status: int, message: str) -> None:
    body = (message + "\n").encode("utf-8")
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
        (b"x-content-type-options", b"nosniff"),
        (b"content-security-policy", REFUSAL_POLICY.encode()),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"strict-origin-when-cross-origin"),
    ]})
    await send({"type": "http.response.body", "body": body})

