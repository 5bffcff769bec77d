"""The generation cache: answers derived from the store, kept until the next build.

Data only changes with a build, so every successful GET (and /sparql POST) answer is
immutable until the ``current`` pointer moves. This WSGI middleware sits in front of
Flask: a hit skips routing, the store and rendering and replays the stored status, headers
and body byte for byte (a conditional request gets its 304 from the stored validators).

An entry's key is a SHA-256 digest of what the answer depends on, as the application
resolves it: the generation, the method, script root, path and query string, the body
of a POST (only bodies up to ``cache_max_body_bytes`` are cached), the headers answers
vary on (Accept, Accept-Language, Accept-Encoding, Content-Type, Host, the forwarded host
and scheme) and the page language from the ``lang`` cookie, parsed as the application
parses it. So a key costs 32 bytes whatever the request sent, and every byte of an entry
is counted. Only 200 answers without Set-Cookie and under ``cache_max_entry_bytes`` are
stored; the whole cache stays under ``cache_max_bytes`` (least recently used entries go
first); one cache per worker process. Dumps (already files), static assets and the health
probes pass straight through.

An entry also keeps its header fields as the ASGI front sends them (and those of its 304),
made once when it is stored: the front (:mod:`publisher.web.asgi`) answers a GET or HEAD
hit with :meth:`GenerationCache.hit` on its event loop, with no thread, no WSGI call and no
header conversion.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from werkzeug.datastructures import Headers
from werkzeug.http import (
    is_resource_modified,
    parse_cookie,
    parse_date,
    remove_entity_headers,
    unquote_etag,
)

from publisher.core.scheme import DUMPS_PATH, ENDPOINT_PATH
from publisher.web.i18n import COOKIE, LANGUAGES

logger = logging.getLogger("clusterscord.access")

BYPASS_PREFIXES = (DUMPS_PATH, "/static/", "/health", "/ready")
POST_PATHS = (ENDPOINT_PATH, ENDPOINT_PATH + "/")
VARY_HEADERS = ("HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE", "HTTP_ACCEPT_ENCODING", "CONTENT_TYPE",
                "HTTP_HOST", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PROTO")
# What a stored entry costs beyond its body and headers: the digest key, the entry
# object, its place in the ordered dict.
ENTRY_OVERHEAD = 512
# Where the front leaves the key it computed for a request the cache could not answer.
KEY = "clusterscord.cache_key"

RawHeaders = tuple[tuple[bytes, bytes], ...]


@dataclass(frozen=True)
class Entry:
    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str | None
    last_modified: datetime | None
    raw: RawHeaders  # the header fields as the ASGI front sends them
    raw_not_modified: RawHeaders  # those of the 304 a conditional request gets

    @classmethod
    def of(cls, status: str, headers, body: bytes) -> Entry:
        headers = tuple((name, value) for name, value in headers)
        etag, last_modified = _validators(headers)
        validators = Headers(list(headers))
        remove_entity_headers(validators)
        return cls(status, headers, body, etag, last_modified, _raw(headers),
                   _raw(validators.to_wsgi_list()))

    @property
    def size(self) -> int:
        fields = sum(len(k) + len(v) for k, v in (*self.headers, *self.raw, *self.raw_not_modified))
        return len(self.body) + fields + ENTRY_OVERHEAD

    def not_modified(self, environ) -> bool:
        """Whether a conditional GET or HEAD gets a 304 from this entry's validators."""
        if "HTTP_IF_NONE_MATCH" not in environ and "HTTP_IF_MODIFIED_SINCE" not in environ:
            return False
        if self.etag is None and self.last_modified is None:
            return False
        return not is_resource_modified(environ, etag=self.etag, last_modified=self.last_modified)


class GenerationCache:
    """WSGI middleware; ``pointer`` returns the published generation's id (None: none)."""

    def __init__(self, app, pointer, max_bytes: int, max_entry_bytes: int,
                 max_body_bytes: int):
        self.app = app
        self.pointer = pointer
        self.max_bytes = max_bytes
        self.max_entry_bytes = min(max_entry_bytes, max_bytes)
        self.max_body_bytes = max_body_bytes
        self._entries: OrderedDict[bytes, Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._generation: str | None = None
        self.size = 0
        self.hits = self.misses = 0

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "")
        if not _cacheable(method, path, environ):
            return self.app(environ, start_response)
        generation = self.pointer()
        if generation is None:
            return self.app(environ, start_response)
        asked = environ.pop(KEY, None)
        if asked is not None and asked[0] == generation:
            key, entry = asked[1], None  # the front looked it up a moment ago: a miss
            self._count_miss()
        else:
            body = b""
            if method == "POST":
                body = self._read_body(environ)
                if body is None:
                    return self.app(environ, start_response)
            key = self._key(environ, generation, "GET" if method == "HEAD" else method, path,
                            body)
            entry = self._get(key, generation)
        if entry is not None:
            return self._replay(entry, environ, start_response, method, generation)
        if method == "HEAD":
            return self.app(environ, start_response)
        return self._record(key, generation, environ, start_response)

    def hit(self, environ) -> tuple[int, RawHeaders, bytes] | None:
        """The stored answer to a GET or HEAD as (status, raw header fields, body), for a
        caller that sends it itself; None when the application must answer (the key is
        left in ``environ`` for that call, which then counts the miss)."""
        started = time.perf_counter()
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "")
        if method == "POST" or not _cacheable(method, path, environ):
            return None
        generation = self.pointer()
        if generation is None:
            return None
        key = self._key(environ, generation, "GET", path, b"")
        entry = self._get(key, generation, count_miss=False)
        if entry is None:
            environ[KEY] = (generation, key)
            return None
        if entry.not_modified(environ):
            _log(environ, 304, 0, started, generation)
            return 304, entry.raw_not_modified, b""
        _log(environ, 200, len(entry.body), started, generation)
        return 200, entry.raw, b"" if method == "HEAD" else entry.body

    # -- keys and storage -------------------------------------------------------------

    def _read_body(self, environ) -> bytes | None:
        """A short POST body (put back for the application); None: not cacheable."""
        try:
            length = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            return None
        if length < 0 or length > self.max_body_bytes:
            return None
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        return body

    def _key(self, environ, generation: str, method: str, path: str, body: bytes) -> bytes:
        parts = (generation, method, environ.get("SCRIPT_NAME", ""), path,
                 environ.get("QUERY_STRING", ""),
                 *(environ.get(name, "") for name in VARY_HEADERS),
                 _language_cookie(environ.get("HTTP_COOKIE", "")))
        # The repr of a tuple of strings quotes and escapes each one: no two differ alike.
        digest = hashlib.sha256(repr(parts).encode("utf-8", "surrogateescape"))
        digest.update(body)
        return digest.digest()

    def _get(self, key: bytes, generation: str, count_miss: bool = True) -> Entry | None:
        with self._lock:
            if generation != self._generation:
                self._entries.clear()
                self.size, self._generation = 0, generation
            entry = self._entries.get(key)
            if entry is None:
                if count_miss:
                    self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def _put(self, key: bytes, generation: str, entry: Entry) -> None:
        with self._lock:
            if generation != self._generation or key in self._entries:
                return
            self._entries[key] = entry
            self.size += entry.size
            while self.size > self.max_bytes and self._entries:
                _old, evicted = self._entries.popitem(last=False)
                self.size -= evicted.size

    def _count_miss(self) -> None:
        with self._lock:
            self.misses += 1

    def __len__(self) -> int:
        return len(self._entries)

    # -- answering --------------------------------------------------------------------

    def _replay(self, entry: Entry, environ, start_response, method: str, generation: str):
        started = time.perf_counter()
        if method != "POST" and entry.not_modified(environ):
            start_response("304 Not Modified",
                           [(k.decode("latin-1"), v.decode("latin-1"))
                            for k, v in entry.raw_not_modified])
            _log(environ, 304, 0, started, generation)
            return []
        start_response(entry.status, list(entry.headers))
        _log(environ, 200, len(entry.body), started, generation)
        return [] if method == "HEAD" else [entry.body]

    def _record(self, key: bytes, generation: str, environ, start_response):
        seen: dict = {}

        def capture(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.app(environ, capture)
        if not self._storable(seen):
            return result
        return self._collect(result, key, generation, seen)

    def _storable(self, seen: dict) -> bool:
        if not seen.get("status", "").startswith("200"):
            return False
        for name, value in seen["headers"]:
            lowered = name.lower()
            if lowered == "set-cookie":
                return False
            if lowered == "cache-control" and ("no-store" in value or "private" in value):
                return False
            if lowered == "content-length" and int(value) > self.max_entry_bytes:
                return False
        return True

    def _collect(self, result, key: bytes, generation: str, seen: dict):
        """Pass the body through, keeping a copy; store it once it is whole, before its
        last chunk leaves (a client may ask again as soon as it has the answer)."""
        chunks: list[bytes] | None = []
        size = 0
        try:
            iterator = iter(result)
            pending = next(iterator, None)
            while pending is not None:
                following = next(iterator, None)
                size += len(pending)
                if chunks is not None and size <= self.max_entry_bytes:
                    chunks.append(pending)
                else:
                    chunks = None
                if following is None and chunks is not None:
                    self._put(key, generation,
                              Entry.of(seen["status"], seen["headers"], b"".join(chunks)))
                yield pending
                pending = following
        finally:
            if hasattr(result, "close"):
                result.close()


def _cacheable(method: str, path: str, environ) -> bool:
    """Whether the cache may answer or keep this request at all."""
    return not (method not in ("GET", "HEAD", "POST") or path.startswith(BYPASS_PREFIXES)
                or (method == "POST" and path not in POST_PATHS)
                or "HTTP_RANGE" in environ or "HTTP_IF_MATCH" in environ)


def _raw(headers) -> RawHeaders:
    return tuple((name.lower().encode("latin-1"), value.encode("latin-1"))
                 for name, value in headers)


def _language_cookie(header: str) -> str:
    """The page language the cookie sets, parsed as the application parses it ('' none)."""
    if COOKIE not in header:
        return ""
    value = parse_cookie(header).get(COOKIE)
    return value if value in LANGUAGES else ""


def _validators(headers) -> tuple[str | None, datetime | None]:
    etag: str | None = None
    last_modified: datetime | None = None
    for name, value in headers:
        lowered = name.lower()
        if lowered == "etag":
            etag = unquote_etag(value)[0]
        elif lowered == "last-modified":
            last_modified = parse_date(value)
    return etag, last_modified


def _log(environ, status: int, size: int, started: float, generation: str) -> None:
    """The access log line a hit would otherwise miss (the application never saw it)."""
    if not logger.isEnabledFor(logging.INFO):
        return
    logger.info(json.dumps({
        "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "method": environ.get("REQUEST_METHOD"),
        "path": environ.get("PATH_INFO"),
        "status": status,
        "ms": round((time.perf_counter() - started) * 1000, 2),
        "bytes": size,
        "generation": generation,
        "remote": environ.get("REMOTE_ADDR"),
        "ua": (environ.get("HTTP_USER_AGENT") or "")[:200] or None,
        "cache": "hit",
    }, ensure_ascii=False))


def of(app) -> GenerationCache | None:
    """The generation cache in front of a Flask application, if it has one."""
    return app.wsgi_app if isinstance(app.wsgi_app, GenerationCache) else None


def install(app, settings, generations) -> None:
    """Put the cache in front of the Flask application (``cache_max_bytes`` 0: none)."""
    if settings.cache_max_bytes <= 0 or settings.cache_max_entry_bytes <= 0:
        return
    link = generations.current_link

    def pointer() -> str | None:
        try:
            return os.path.basename(os.readlink(link))
        except OSError:
            return None

    app.wsgi_app = GenerationCache(app.wsgi_app, pointer, settings.cache_max_bytes,
                                   settings.cache_max_entry_bytes, settings.cache_max_body_bytes)
