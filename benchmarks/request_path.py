"""Where one request's CPU goes in a web worker, in process: cache hits and a /sparql miss.

Builds the project (or uses ``--var``), then drives the ASGI front
(:mod:`publisher.web.asgi`) as granian would, with no network, and prints CPU
microseconds of the web process per request (query workers are other processes):

- a cache hit answered on the event loop (the front's own path), and the same hit
  answered through a thread and the WSGI application (the path every hit took before);
- an uncached entity lookup on /sparql: the whole application, and the query-worker
  round trip alone (the job submitted to the pool, its answer read), so the difference is
  what the web framework costs.

    .venv/bin/python benchmarks/request_path.py [--requests 5000] [--var DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from publisher.build.pipeline import build  # noqa: E402
from publisher.core.config import load_settings  # noqa: E402
from publisher.core.generation import Generations  # noqa: E402
from publisher.web import cache, create_app, sparql  # noqa: E402
from publisher.web.asgi import Front  # noqa: E402
from publisher.web.querying import pool as query_pool  # noqa: E402

JSON_RESULTS = "application/sparql-results+json"


def scope(path: str, query: str = "", accept: str = "text/html") -> dict:
    """A GET as the load client sends it (no Accept-Encoding: answers go uncompressed)."""
    return {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(),
            "query_string": query.encode(), "http_version": "1.1", "scheme": "http",
            "headers": [(b"host", b"localhost"), (b"accept", accept.encode()),
                        (b"user-agent", b"bench")],
            "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 80)}


async def exchange(front: Front, request: dict) -> int:
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    await front(request, receive, send)
    return sent[0]["status"]


def cpu_us(run, n: int) -> float:
    """CPU microseconds of this process per call, over n calls after a warm-up."""
    for _ in range(min(200, n)):
        run()
    started = time.process_time()
    for _ in range(n):
        run()
    return (time.process_time() - started) / n * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--var", type=Path, help="a var directory with a published build")
    args = parser.parse_args()
    var = args.var or Path(tempfile.mkdtemp(prefix="request-path-"))
    settings = load_settings(root=ROOT, var_dir=var, environ={})
    if Generations(var).current_or_none() is None:
        build(settings)
    logging.getLogger("clusterscord.access").disabled = True  # no log lines in the figures
    app = create_app(settings)
    hits = cache.of(app)
    assert hits is not None, "the generation cache is off (cache_max_bytes = 0)"
    settings_off = settings.replace(cache_max_bytes=0)
    uncached = create_app(settings_off)
    with uncached.app_context():
        pool = query_pool()
    pool.warm()
    loop = asyncio.new_event_loop()
    n = args.requests

    def timed(front: Front, request: dict) -> float:
        assert loop.run_until_complete(exchange(front, request)) == 200
        return cpu_us(lambda: loop.run_until_complete(exchange(front, request)), n)

    try:
        page = scope("/")
        figures = {
            "cache hit, answered on the event loop": timed(Front(app, settings, cache=hits), page),
            "cache hit, through a thread and the WSGI app": timed(Front(app, settings), page),
        }
        profile = Generations(var).current().path / "display.json"
        entity = json.loads(profile.read_text(encoding="utf-8"))["main_project"]
        lookup = f"SELECT ?p ?o WHERE {{ <{entity}> ?p ?o }}"
        miss = scope("/sparql", "query=" + quote(lookup), JSON_RESULTS)
        figures["/sparql lookup, uncached: the whole application"] = timed(
            Front(uncached, settings_off), miss)
        with uncached.test_request_context("/sparql", headers={"Accept": JSON_RESULTS}):
            job = sparql.make_job(sparql.Operation(lookup, None, None),
                                  sparql.media_types(None))
        figures["/sparql lookup, uncached: the query-worker round trip alone"] = cpu_us(
            lambda: b"".join(pool.submit(job, "127.0.0.1")), n)
    finally:
        loop.close()
        pool.close()
        other = app.extensions.get("sparql_pool")
        if other is not None:
            other.close()
    print(f"{args.requests} requests each; CPU µs of the web process per request")
    for name, value in figures.items():
        print(f"  {name:<62} {value:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
