"""Run the web application under a production server: granian (the default) or gunicorn.

granian parses HTTP in Rust and holds idle, slow-sending and slow-reading connections on
its event loop; :mod:`publisher.web.asgi` puts read and write deadlines on every exchange
and runs the Flask application on a bounded pool of threads per worker process. Workers
are forked with the settings already in this module; each opens the published store
read-only and starts its query processes at once; one that dies is started again, one
grown past ``workers_max_rss_mb`` (or older than ``workers_lifetime_s``) is replaced, and
SIGTERM lets requests in flight finish. The limits on the request (target, header fields,
body) are the same under both servers.

gunicorn (``server = "gunicorn"``) keeps a thread per connection while it reads the
request or writes the answer: it belongs behind a buffering proxy. Its workers are
recycled after about ``max_requests``; an exiting worker stops its query processes and
leaves with ``os._exit`` (the interpreter's own teardown destroyed the embedded store after
its runtime and crashed, SIGSEGV, every time).
"""

from __future__ import annotations

import logging
import os
import sys

from gunicorn.app.base import BaseApplication

from publisher.core.config import Settings
from publisher.web import create_app
from publisher.web.limits import HeaderedWorker, head_buffer_bytes


class _Gunicorn(BaseApplication):
    def __init__(self, settings: Settings):
        self.settings = settings
        super().__init__()

    def load_config(self):
        s = self.settings
        options = {
            "bind": f"{s.host}:{s.port}",
            "workers": s.workers,
            "worker_class": HeaderedWorker,  # gthread; its own error answers get our headers
            # No request-line limit of gunicorn's own (it caps one at 8,190 bytes): the app
            # answers 414 past request_target_bytes, so a GET query of max_query_chars works.
            "limit_request_line": 0,
            "threads": s.threads,
            "timeout": max(30, int(s.query_timeout_s * 3)),
            "graceful_timeout": 10,
            "limit_request_field_size": s.max_header_bytes,
            # Longer than a client's pause between requests, even when the workers are busy:
            # a short one closes connections the client is about to reuse.
            "keepalive": s.keepalive_s,
            "max_requests": s.max_requests,
            "max_requests_jitter": s.max_requests // 10,
            "accesslog": "-",
            "access_log_format": '%(h)s "%(r)s" %(s)s %(B)s %(M)sms',
            "control_socket_disable": True,
            # Nobody may set SCRIPT_NAME or the scheme by header unless a proxy is trusted.
            "forwarded_allow_ips": "*" if s.trust_forwarded else "",
            "post_worker_init": _warm_worker,
            "worker_exit": _leave_worker,
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self):
        return create_app(self.settings)


def _query_pool(app):
    from publisher.web.querying import pool

    with app.app_context():
        return pool()


def _warm_worker(worker) -> None:
    """gunicorn hook, in a new worker once the application is loaded: start its pool."""
    _query_pool(worker.wsgi).warm()


def _leave_worker(_arbiter, worker) -> None:
    """gunicorn hook, in an exiting worker: stop its query processes, flush, leave at once."""
    app = getattr(worker, "wsgi", None)
    if app is not None:
        pool = app.extensions.get("sparql_pool")
        if pool is not None:
            pool.close()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


_granian_settings: Settings | None = None
# How often granian reads a worker's resident memory (for workers_max_rss_mb).
RSS_SAMPLE_S = 5


def granian_app():
    """granian's application factory, called in each forked worker: the app, its pool warm."""
    from publisher.web import cache
    from publisher.web.asgi import Front

    settings = _granian_settings
    app = create_app(settings)
    pool = _query_pool(app)
    pool.warm()
    return Front(app, settings, cache=cache.of(app), on_shutdown=pool.close)


def _serve_granian(settings: Settings) -> None:
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings

    global _granian_settings
    _granian_settings = settings
    Granian(
        "publisher.web.server:granian_app",
        factory=True,
        address=settings.host,
        port=settings.port,
        interface=Interfaces.ASGI,
        http=HTTPModes.http1,
        websockets=False,
        workers=settings.workers,
        # Idle keep-alive connections and slow header senders are closed after keepalive_s;
        # the head buffer holds the longest allowed request target and the header fields.
        http1_settings=HTTP1Settings(
            keep_alive=True, header_read_timeout=settings.keepalive_s * 1000,
            max_buffer_size=head_buffer_bytes(settings),
        ),
        respawn_failed_workers=True,
        respawn_interval=0.5,
        workers_lifetime=settings.workers_lifetime_s or None,
        workers_max_rss=settings.workers_max_rss_mb or None,
        rss_sample_interval=RSS_SAMPLE_S,
        workers_kill_timeout=max(10, int(settings.query_timeout_s) + 5),
        log_access=False,
    ).serve()


def serve(settings: Settings, dev: bool = False) -> None:
    if dev:
        create_app(settings).run(host=settings.host, port=settings.port, debug=False)
        return
    print(f"serving on http://{settings.host}:{settings.port}/ ({settings.server})", flush=True)
    if settings.server == "granian":
        _serve_granian(settings)
    else:
        _Gunicorn(settings).run()
