"""Compression of answers by Accept-Encoding: brotli or gzip, chosen by the client's q-values.

A WSGI middleware just inside the generation cache, so a cacheable answer is compressed
once per generation and variant and the cache keeps the compressed body. Text answers
(HTML, RDF, SPARQL results, JSON, CSS, JavaScript, SVG) of at least ``MIN_BYTES`` are
compressed as they stream; every compressible answer says ``Vary: Accept-Encoding``.
Static files are compressed once at setup (``scripts/vendor_assets.py`` writes ``.br``
and ``.gz`` beside them) and served from those files. Never compressed: a ``Range``
answer, an answer that already has a ``Content-Encoding``, an answer marked
``no-transform``, and the dumps (immutable files with their published size and checksum;
the big ones are gzip files already). A compressed answer's
ETag becomes weak (the bytes differ, the representation does not), so the validators a
client holds still match.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import brotli

from publisher.core.scheme import DUMPS_PATH

MIN_BYTES = 1024
GZIP_LEVEL, BROTLI_QUALITY = 6, 5
PRECOMPRESSED = {"br": ".br", "gzip": ".gz"}
TEXT_TYPES = (
    "text/", "application/json", "application/javascript", "application/xml",
    "application/ld+json", "application/n-triples", "application/n-quads", "application/trig",
    "application/rdf+xml", "application/sparql-results+", "application/geo+json",
    "image/svg+xml",
)


def choose_coding(header: str) -> str | None:
    """br or gzip (in that order on equal quality), or None, from an Accept-Encoding value."""
    qualities: dict[str, float] = {}
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if name:
            qualities[name.strip().lower()] = quality
    star = qualities.get("*", 0.0)
    ranked = [(qualities.get(c, star), -i, c) for i, c in enumerate(("br", "gzip"))]
    quality, _, coding = max(ranked)
    return coding if quality > 0 else None


def compressible(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower().startswith(TEXT_TYPES)


class _Stream:
    """Compresses an iterable of chunks as it is consumed; closes the original."""

    def __init__(self, chunks, coding: str):
        self.chunks = chunks
        if coding == "br":
            engine = brotli.Compressor(quality=BROTLI_QUALITY)
            self.compress, self.finish = engine.process, engine.finish
        else:
            engine = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)
            self.compress, self.finish = engine.compress, engine.flush

    def __iter__(self):
        for chunk in self.chunks:
            out = self.compress(chunk)
            if out:
                yield out
        yield self.finish()

    def close(self):
        if hasattr(self.chunks, "close"):
            self.chunks.close()


class Compressor:
    """WSGI middleware: compress what is worth it, for clients that accept it."""

    def __init__(self, app, static_folder: str | Path, static_prefix: str = "/static/",
                 never: tuple[str, ...] = (DUMPS_PATH,)):
        self.app = app
        self.never = never
        self.static_folder = Path(static_folder)
        self.static_prefix = static_prefix

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith(self.never):
            return self.app(environ, start_response)
        coding = choose_coding(environ.get("HTTP_ACCEPT_ENCODING", ""))
        ranged = "HTTP_RANGE" in environ
        head = environ.get("REQUEST_METHOD") == "HEAD"
        state: dict = {}

        def start(status, headers, exc_info=None):
            headers = list(headers)
            found = {name.lower(): value for name, value in headers}
            if not compressible(found.get("content-type", "")):
                return start_response(status, headers, exc_info)
            headers = _add_vary(headers)
            skip = (coding is None or ranged or not status.startswith("200")
                    or "content-encoding" in found or "content-range" in found
                    or "no-transform" in found.get("cache-control", "")
                    or int(found.get("content-length") or MIN_BYTES) < MIN_BYTES)
            if skip:
                return start_response(status, headers, exc_info)
            static = self._precompressed(path, coding) if path.startswith(self.static_prefix) \
                else None
            if path.startswith(self.static_prefix) and static is None:
                return start_response(status, headers, exc_info)
            headers = [(n, _weak(v) if n.lower() == "etag" else v) for n, v in headers
                       if n.lower() != "content-length"]
            headers.append(("Content-Encoding", coding))
            if static is not None:
                state["body"] = static.read_bytes()
                headers.append(("Content-Length", str(len(state["body"]))))
            state["coding"] = coding
            return start_response(status, headers, exc_info)

        result = self.app(environ, start)
        if "body" in state:
            if hasattr(result, "close"):
                result.close()
            return [] if head else [state["body"]]
        if "coding" in state and not head:
            return _Stream(result, state["coding"])
        return result

    def _precompressed(self, path: str, coding: str) -> Path | None:
        """The file compressed at setup for this static path, when it is current."""
        relative = path[len(self.static_prefix):]
        if not relative or ".." in relative.split("/"):
            return None
        original = self.static_folder / relative
        packed = original.with_name(original.name + PRECOMPRESSED[coding])
        try:
            if packed.stat().st_mtime >= original.stat().st_mtime:
                return packed
        except OSError:
            return None
        return None


def _add_vary(headers: list) -> list:
    for i, (name, value) in enumerate(headers):
        if name.lower() == "vary":
            if "accept-encoding" not in value.lower():
                headers[i] = (name, f"{value}, Accept-Encoding")
            return headers
    return [*headers, ("Vary", "Accept-Encoding")]


def _weak(etag: str) -> str:
    return etag if etag.startswith("W/") else f"W/{etag}"


def precompress(folder: Path, min_bytes: int = MIN_BYTES) -> list[Path]:
    """Write ``.br`` and ``.gz`` beside every compressible file of a static folder (setup)."""
    import gzip
    import mimetypes

    written = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix in (".br", ".gz"):
            continue
        kind = mimetypes.guess_type(path.name)[0] or ""
        data = path.read_bytes()
        if not compressible(kind) or len(data) < min_bytes:
            continue
        for suffix, packed in ((".br", brotli.compress(data, quality=11)),
                               (".gz", gzip.compress(data, compresslevel=9, mtime=0))):
            target = path.with_name(path.name + suffix)
            target.write_bytes(packed)
            written.append(target)
    return written
