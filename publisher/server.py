"""Run the web application under a production WSGI server (gunicorn, threaded workers).

Each worker opens the published store read-only; workers are recycled after a bounded
number of requests and shut down gracefully on SIGTERM.
"""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from publisher.config import Settings
from publisher.web import create_app


class _Gunicorn(BaseApplication):
    def __init__(self, settings: Settings):
        self.settings = settings
        super().__init__()

    def load_config(self):
        s = self.settings
        options = {
            "bind": f"{s.host}:{s.port}",
            "workers": s.workers,
            "worker_class": "gthread",
            "threads": s.threads,
            "timeout": max(30, int(s.query_timeout_s * 3)),
            "graceful_timeout": 10,
            # Longer than a client's pause between requests, even when the workers are busy:
            # a short one closes connections the client is about to reuse.
            "keepalive": s.keepalive_s,
            "max_requests": 10000,
            "max_requests_jitter": 1000,
            "accesslog": "-",
            "access_log_format": '%(h)s "%(r)s" %(s)s %(B)s %(M)sms',
            "control_socket_disable": True,
            "forwarded_allow_ips": "*" if s.trust_forwarded else "127.0.0.1",
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self):
        return create_app(self.settings)


def serve(settings: Settings, dev: bool = False) -> None:
    if dev:
        create_app(settings).run(host=settings.host, port=settings.port, debug=False)
        return
    print(f"serving on http://{settings.host}:{settings.port}/")
    _Gunicorn(settings).run()
