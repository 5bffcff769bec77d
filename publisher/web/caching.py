"""HTTP caching and CORS for responses that only change with a build.

Every response derived from the store is immutable until the next build, so its ETag
is the generation id plus the variant, and Last-Modified is the build time. Everything
published is public and read-only, so every route answers a CORS preflight with its own
methods and the request headers browsers send, and every answer allows any origin.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TypeVar

from flask import Flask, Response, request
from werkzeug.wrappers import Response as BaseResponse

from publisher.core.generation import Manifest

# Any response, Flask's own or Werkzeug's (as redirect and send_file give): returned as given.
R = TypeVar("R", bound=BaseResponse)

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": (
        "ETag, Last-Modified, Link, Content-Location, Vary, X-Result-Truncated"
    ),
}


# Request headers a script from another origin sends beyond the safelisted ones: validators,
# cache directives, the XHR marker, and Accept or Content-Type past the safelisted forms.
ALLOWED_REQUEST_HEADERS = (
    "Accept, Accept-Language, Content-Type, Cache-Control, If-None-Match, If-Modified-Since, "
    "X-Requested-With"
)
PREFLIGHT_MAX_AGE_S = 86400


def etag_for(generation_id: str, *variant: str) -> str:
    digest = hashlib.sha256("\x1f".join((generation_id, *variant)).encode()).hexdigest()
    return digest[:32]


def cacheable(response: R, manifest: Manifest, *variant: str, max_age: int = 300) -> R:
    """Add validators for this generation and answer 304 when the client has it already
    (the response itself, made conditional in place)."""
    response.set_etag(etag_for(manifest["id"], *variant))
    response.last_modified = datetime.fromisoformat(manifest["built_at"].replace("Z", "+00:00"))
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    response.make_conditional(request)
    return response


def with_cors(response: R) -> R:
    for name, value in CORS_HEADERS.items():
        response.headers[name] = value
    return response


def add_vary(response: R, header: str = "Accept") -> R:
    response.vary.add(header)
    return response


def preflight(methods) -> Response:
    """204 to a CORS preflight: the route's methods and the request headers allowed."""
    response = Response(status=204)
    response.headers["Access-Control-Allow-Methods"] = ", ".join(methods)
    response.headers["Access-Control-Allow-Headers"] = ALLOWED_REQUEST_HEADERS
    response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE_S)
    return with_cors(response)


def install_cors(app: Flask) -> None:
    """Answer preflights on every route; allow any origin on every answer."""

    @app.before_request
    def answer_preflight():
        if (request.method == "OPTIONS" and request.url_rule is not None
                and "Access-Control-Request-Method" in request.headers):
            order = ("GET", "HEAD", "POST", "OPTIONS")
            methods = request.url_rule.methods or ()
            return preflight(sorted(methods, key=lambda m: (m not in order, order.index(m)
                                                           if m in order else 0, m)))
        return None

    @app.after_request
    def allow_any_origin(response: Response) -> Response:
        for name, value in CORS_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
