"""The application's pool of killable query workers, one per web worker process."""

from __future__ import annotations

import threading

from flask import current_app, request

from publisher.serve.querypool import QueryPool
from publisher.web.site import site

_pool_lock = threading.Lock()


def pool() -> QueryPool:
    """This application's worker pool (one per web worker process, started on demand)."""
    extensions = current_app.extensions
    if "sparql_pool" not in extensions:
        with _pool_lock:
            extensions.setdefault("sparql_pool", QueryPool(site().settings))
    return extensions["sparql_pool"]


def client_address() -> str:
    """Whose query it is, for the fair share: the peer (or, behind a trusted proxy, the
    address the proxy appended last to X-Forwarded-For)."""
    if site().settings.trust_forwarded:
        forwarded = request.headers.get("X-Forwarded-For", "").rsplit(",", 1)[-1].strip()
        if forwarded:
            return forwarded
    return request.remote_addr or ""
