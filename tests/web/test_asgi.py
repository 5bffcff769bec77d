"""The ASGI front: a cache hit is answered on the event loop, exactly as the application
would replay it, even while every thread is held by other requests."""

from __future__ import annotations

import asyncio
import threading

import pytest

from publisher.core.config import Settings
from publisher.web.asgi import Front
from publisher.web.cache import GenerationCache

ETAG = '"v1"'


class Application:
    """A WSGI application: ``/slow`` holds its thread until released; others answer."""

    def __init__(self):
        self.release = threading.Event()
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        if environ["PATH_INFO"] == "/slow":
            self.release.wait(30)
        body = f"answer to {environ['PATH_INFO']}".encode()
        start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8"),
                                  ("Content-Length", str(len(body))), ("ETag", ETAG),
                                  ("Cache-Control", "public, max-age=60")])
        return [body]


def scope(path: str, method: str = "GET", headers=()) -> dict:
    return {"type": "http", "method": method, "path": path, "raw_path": path.encode(),
            "query_string": b"", "headers": [(b"host", b"localhost"), *headers],
            "http_version": "1.1", "scheme": "http", "client": ("127.0.0.1", 5000),
            "server": ("127.0.0.1", 80)}


async def call(front: Front, request: dict) -> tuple[int, dict, bytes]:
    """One exchange: status, header fields and the whole body the front sent."""
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    await front(request, receive, send)
    headers = {name.decode(): value.decode() for name, value in sent[0]["headers"]}
    return sent[0]["status"], headers, b"".join(m.get("body", b"") for m in sent[1:])


@pytest.fixture()
def front():
    application = Application()
    cache = GenerationCache(application, lambda: "generation-1", max_bytes=1 << 20,
                            max_entry_bytes=1 << 16, max_body_bytes=4096)
    front = Front(cache, Settings(threads=1), cache=cache)
    yield front, cache, application
    application.release.set()
    front.executor.shutdown(wait=True)


def test_a_hit_is_answered_while_every_thread_is_busy(front):
    front, cache, application = front

    async def scenario():
        first = await call(front, scope("/page"))  # a miss: the application answers
        held = asyncio.ensure_future(call(front, scope("/slow")))  # holds the only thread
        await asyncio.sleep(0.2)
        assert not held.done()
        again = await asyncio.wait_for(call(front, scope("/page")), 10)
        application.release.set()
        await held
        return first, again

    first, again = asyncio.run(scenario())
    assert again == first
    assert first[0] == 200 and first[2] == b"answer to /page"
    assert (cache.hits, application.calls) == (1, 2)


def test_a_miss_is_counted_once_and_the_next_request_hits(front):
    front, cache, application = front
    asyncio.run(call(front, scope("/page")))
    assert (cache.hits, cache.misses) == (0, 1)
    asyncio.run(call(front, scope("/page")))
    assert (cache.hits, cache.misses, application.calls) == (1, 1, 1)


def test_head_and_conditional_hits(front):
    front, cache, application = front
    status, headers, _ = asyncio.run(call(front, scope("/page")))
    head = asyncio.run(call(front, scope("/page", method="HEAD")))
    assert head == (200, headers, b"")
    status, validators, body = asyncio.run(
        call(front, scope("/page", headers=[(b"if-none-match", ETAG.encode())])))
    assert (status, body) == (304, b"")
    assert validators["etag"] == ETAG and "content-length" not in validators
    assert "content-type" not in validators
    assert (cache.hits, application.calls) == (2, 1)


def test_the_loop_and_the_application_replay_a_hit_alike(front):
    """A GET with a (empty) body goes the WSGI way, through a thread; the same answer."""
    front, cache, application = front
    miss = asyncio.run(call(front, scope("/page")))
    on_the_loop = asyncio.run(call(front, scope("/page")))
    through_a_thread = asyncio.run(call(front, scope("/page", headers=[(b"content-length", b"0")])))
    assert miss == on_the_loop == through_a_thread
    assert (cache.hits, application.calls) == (2, 1)
