"""How long a request target may be, and the answers past it, under either server.

A SPARQL query of up to ``max_query_chars`` characters must work in a GET (SPARQLWrapper
and rdflib send GET by default). Percent-encoded, a character takes up to 12 bytes (four
UTF-8 bytes, each as ``%XX``), so the request target may be :func:`request_target_bytes`
long. gunicorn caps its own request-line limit at 8,190 bytes, so it runs without one
(``limit_request_line = 0``) and the application answers 414 past the limit, in its own
words with the usual security and CORS headers (outside ``/sparql`` past gunicorn's
usual 4,094 bytes: no other route needs more). granian's buffer for a request head is
sized from the same limit, but its HTTP library (hyper) holds a URI's length in 16 bits:
past ``GRANIAN_URI_BYTES`` it answers a bare 414 itself, so under granian a GET carries
a query of about 45,000 characters (percent-encoded SPARQL), and a longer one goes by POST.
gunicorn's own error answers (a malformed request line or header, which never reach the
application) get the security and CORS headers too, from :class:`HeaderedWorker`.
"""

from __future__ import annotations

from flask import Flask, Response, request
from gunicorn.workers.gthread import ThreadWorker

from publisher.core.config import Settings

BYTES_PER_CHAR = 12
SPARQL_PATHS = ("/sparql", "/sparql/")
# Every other route: gunicorn's own default request-line limit (no page needs more).
OTHER_TARGET_BYTES = 4094
# Room beside the query in a request target: the path and the other protocol parameters.
TARGET_SLACK_BYTES = 8192
# Room for the request headers in granian's head buffer (gunicorn limits them itself).
HEADER_BYTES = 64 * 1024
# The longest request target granian's HTTP library accepts (http::Uri, u16::MAX - 1).
GRANIAN_URI_BYTES = 65_534


def request_target_bytes(settings: Settings) -> int:
    return settings.max_query_chars * BYTES_PER_CHAR + TARGET_SLACK_BYTES


def head_buffer_bytes(settings: Settings) -> int:
    """granian's ``max_buffer_size``: a request head holding the longest allowed target."""
    return request_target_bytes(settings) + HEADER_BYTES


def install(app: Flask, settings: Settings) -> None:
    """Answer 414 in the project's words when the request target is past the limit: the
    SPARQL endpoint's, or everywhere else gunicorn's usual request-line limit."""
    limit = request_target_bytes(settings)

    @app.before_request
    def target_too_long():
        size = len(request.environ.get("QUERY_STRING", "")) + len(request.path)
        if request.path in SPARQL_PATHS:
            if size > limit:
                return too_long(f"the request target has {size} bytes; the limit is {limit} "
                                f"(a query of up to {settings.max_query_chars} characters)")
        elif size > OTHER_TARGET_BYTES:
            return too_long(f"the request target has {size} bytes; the limit is "
                            f"{OTHER_TARGET_BYTES} outside /sparql")
        return None


def too_long(message: str) -> Response:
    text = f"414 URI Too Long: {message}; send a longer query by POST\n"
    return Response(text, status=414, mimetype="text/plain")


def _extra_headers() -> bytes:
    from publisher.web import SECURITY_HEADERS
    from publisher.web.caching import CORS_HEADERS

    lines = [f"{name}: {value}\r\n" for name, value in {**SECURITY_HEADERS, **CORS_HEADERS}.items()]
    return "".join(lines).encode("latin-1")


class _HeaderedSocket:
    """A client socket whose first write (gunicorn's error answer) gains our headers."""

    def __init__(self, sock):
        self._sock = sock
        self._done = False

    def __getattr__(self, name):
        return getattr(self._sock, name)

    def sendall(self, data: bytes):
        if not self._done and data.startswith(b"HTTP/"):
            self._done = True
            status, sep, rest = data.partition(b"\r\n")
            data = status + sep + _extra_headers() + rest
        return self._sock.sendall(data)

    def send(self, data: bytes):
        return self.sendall(data) or len(data)


class HeaderedWorker(ThreadWorker):
    """gunicorn's threaded worker; its own 400/414/431 answers carry our headers."""

    def handle_error(self, req, client, addr, exc):
        return super().handle_error(req, _HeaderedSocket(client), addr, exc)
