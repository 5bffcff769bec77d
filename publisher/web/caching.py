"""HTTP caching and CORS for responses that only change with a build.

Every response derived from the store is immutable until the next build, so its ETag
is the generation id plus the variant, and Last-Modified is the build time.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask import Response, request

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": (
        "ETag, Last-Modified, Link, Content-Location, Vary, X-Result-Truncated"
    ),
}


def etag_for(generation_id: str, *variant: str) -> str:
    digest = hashlib.sha256("\x1f".join((generation_id, *variant)).encode()).hexdigest()
    return digest[:32]


def cacheable(response: Response, manifest: dict, *variant: str, max_age: int = 300) -> Response:
    """Add validators for this generation and answer 304 when the client has it already."""
    response.set_etag(etag_for(manifest["id"], *variant))
    response.last_modified = datetime.fromisoformat(manifest["built_at"].replace("Z", "+00:00"))
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    return response.make_conditional(request)


def with_cors(response: Response) -> Response:
    for name, value in CORS_HEADERS.items():
        response.headers[name] = value
    return response


def add_vary(response: Response, header: str = "Accept") -> Response:
    response.vary.add(header)
    return response
