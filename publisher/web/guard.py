"""The request limits every server setting shares, in front of the application and its cache.

Whatever server runs the application (granian through :mod:`publisher.web.asgi`, gunicorn,
the development server), a request reaches it only within the same limits: a request
target within :func:`publisher.web.limits.request_target_bytes` (414, from the
application), one Host (400), a body of at most
``max_request_bytes`` read whole before the application sees it, chunked or not (413; a
malformed chunked body: 400), and never a ``SCRIPT_NAME`` from the client (the site is
served at the root; links come from the base IRI). A redirect the router builds from the
request's Host (a missing trailing slash) leaves with a relative Location instead.
"""

from __future__ import annotations

import io
from urllib.parse import urlsplit

# The policy of a refusal: plain text that loads nothing and may be framed by no one.
REFUSAL_POLICY = "default-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
SECURITY = [("Content-Type", "text/plain; charset=utf-8"), ("X-Content-Type-Options", "nosniff"),
            ("Content-Security-Policy", REFUSAL_POLICY), ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "strict-origin-when-cross-origin"), ("Connection", "close")]


class Guard:
    """WSGI middleware applying the shared request limits of ``settings``."""

    def __init__(self, app, settings):
        self.app = app
        self.max_body = settings.max_request_bytes

    def __call__(self, environ, start_response):
        environ["SCRIPT_NAME"] = ""
        if "," in environ.get("HTTP_HOST", ""):
            return _refuse(start_response, 400, "more than one Host header")
        problem = self._read_body(environ)
        if problem is not None:
            return _refuse(start_response, *problem)
        return self.app(environ, _relative_redirects(environ, start_response))

    def _read_body(self, environ) -> tuple[int, str] | None:
        """Read a body of unknown length (chunked) now, within the limit; None when fine."""
        if "CONTENT_LENGTH" in environ and environ["CONTENT_LENGTH"] != "":
            try:
                declared = int(environ["CONTENT_LENGTH"])
            except ValueError:
                return 400, "Content-Length is not a number"
            if declared > self.max_body:
                return 413, f"the request body is larger than the limit of {self.max_body} bytes"
            return None
        if "chunked" not in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            return None
        try:
            body = environ["wsgi.input"].read(self.max_body + 1)
        except Exception:  # noqa: BLE001 - any parser error of the server: a malformed body
            return 400, "the chunked request body is malformed"
        if len(body) > self.max_body:
            return 413, f"the request body is larger than the limit of {self.max_body} bytes"
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return None


def _relative_redirects(environ, start_response):
    """Turn a Location on the request's own host into a path (the Host is the client's)."""
    host = _hostname(environ.get("HTTP_HOST") or environ.get("SERVER_NAME", ""))

    def start(status, headers, exc_info=None):
        if status[:1] == "3":
            fixed = []
            for name, value in headers:
                if name.lower() == "location":
                    parts = urlsplit(value)
                    if parts.netloc and _hostname(parts.netloc) == host:
                        value = (parts.path or "/") + ("?" + parts.query if parts.query else "")
                fixed.append((name, value))
            headers = fixed
        return start_response(status, headers, exc_info)

    return start


def _hostname(netloc: str) -> str | None:
    try:
        return urlsplit("//" + netloc).hostname
    except ValueError:
        return None


def _refuse(start_response, status: int, message: str):
    reasons = {400: "Bad Request", 413: "Content Too Large"}
    body = (message + "\n").encode("utf-8")
    start_response(f"{status} {reasons[status]}",
                   [*SECURITY, ("Content-Length", str(len(body)))])
    return [body]
