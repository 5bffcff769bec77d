"""A real HTTP server for tests: the application on a loopback port, in a thread.

Use :func:`serving` as a context manager; it yields the base URL. Tests talk to it with
real clients (requests, SPARQLWrapper, rdflib, a browser).
"""

from __future__ import annotations

import contextlib
import threading

from werkzeug.serving import make_server

from publisher.core.config import Settings
from publisher.web import create_app


@contextlib.contextmanager
def serving(settings: Settings, app=None, port: int = 0):
    """Serve the app on 127.0.0.1 (on a free port unless one is given) during the block."""
    app = app or create_app(settings)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
