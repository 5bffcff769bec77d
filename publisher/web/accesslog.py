"""A structured access log: one JSON line per request, with its time and generation.

Operators can grep, count and chart it without parsing free text; query time is the
time the application spent on the request.
"""

from __future__ import annotations

import json
import logging
import time

from flask import Flask, g, request

logger = logging.getLogger("clusterscord.access")


def to_stderr(log: logging.Logger, form: str) -> None:
    """Give a logger of ours its own stderr handler at INFO, once (not the root's)."""
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(form))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


def install(app: Flask) -> None:
    """Time every request and log it when the response leaves."""
    to_stderr(logger, "%(message)s")

    @app.before_request
    def start_timer():
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        started = g.get("request_started")
        record = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "ms": round((time.perf_counter() - started) * 1000, 2) if started else None,
            "bytes": response.calculate_content_length(),
            "generation": g.get("generation_id"),
            "remote": request.remote_addr,
            "ua": request.user_agent.string[:200] or None,
        }
        logger.info(json.dumps(record, ensure_ascii=False))
        return response
