"""Run the web application under a production WSGI server (gunicorn or granian).

Each worker opens the published store read-only; workers are recycled after a bounded
number of requests and shut down gracefully on SIGTERM. A new worker starts its query
processes as soon as it has loaded the application (so its first query does not wait for
them); an exiting worker stops them and leaves with ``os._exit``: the interpreter's own
teardown destroyed the embedded store after its runtime and crashed (SIGSEGV) every time.

With ``server = "granian"`` the same application runs under granian (HTTP parsed in Rust,
the WSGI call on a pool of blocking threads per worker process): 4-5 times gunicorn's
rate for cached answers, about 1.4 times for uncached lookups (benchmarks/README.md).
Workers are forked with the settings already in this module; a worker that dies is
started again; it is not recycled after a number of requests (granian has no such limit).
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
            # Longer than a client's pause between requests, even when the workers are busy:
            # a short one closes connections the client is about to reuse.
            "keepalive": s.keepalive_s,
            "max_requests": s.max_requests,
            "max_requests_jitter": s.max_requests // 10,
            "accesslog": "-",
            "access_log_format": '%(h)s "%(r)s" %(s)s %(B)s %(M)sms',
            "control_socket_disable": True,
            "forwarded_allow_ips": "*" if s.trust_forwarded else "127.0.0.1",
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


def granian_app():
    """granian's application factory, called in each forked worker: the app, its pool warm."""
    app = create_app(_granian_settings)
    _query_pool(app).warm()
    return app


def _serve_granian(settings: Settings) -> None:
    from granian import Granian
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings

    global _granian_settings
    _granian_settings = settings
    Granian(
        "publisher.web.server:granian_app",
        factory=True,
        address=settings.host,
        port=settings.port,
        interface=Interfaces.WSGI,
        workers=settings.workers,
        blocking_threads=settings.threads,
        http1_settings=HTTP1Settings(keep_alive=True,
                                     max_buffer_size=head_buffer_bytes(settings)),
        respawn_failed_workers=True,
        workers_kill_timeout=10,
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
