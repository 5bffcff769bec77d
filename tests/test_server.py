"""The production server (gunicorn): recycled workers exit cleanly and leave no query
processes behind, and answers keep coming while they are replaced."""

from __future__ import annotations

import time

import requests

from publisher.build import build
from publisher.config import load_settings
from tests import pages_fixture
from tests.production import production

QUERY = "SELECT ?s WHERE { ?s a ?t } LIMIT 3"


def test_recycled_workers_exit_cleanly_without_orphans_and_answers_continue(tmp_path):
    root = pages_fixture.make(tmp_path / "project", links=3)
    settings = load_settings(root=root, environ={})
    build(settings)
    with production(settings.var, tmp_path / "server.log", root=root, workers=1, threads=2,
                    max_requests=40, cache_max_bytes=0) as server:
        session = requests.Session()
        for n in range(150):
            path = "/sparql" if n % 2 else "/doc/thing/hub.ttl"
            response = session.get(server.base + path, params={"query": QUERY} if n % 2 else {},
                                   headers={"Accept": "application/sparql-results+json"
                                            if n % 2 else "text/turtle"}, timeout=30)
            assert response.status_code == 200
        log = server.log_text()
        assert log.count("Worker exiting") >= 2
        assert "SIGSEGV" not in log and "Traceback" not in log
        time.sleep(0.5)
        # The live worker's pool (at most query_workers processes) and nothing more.
        query_processes = [pid for pid in server.tree()[1:] if _is_query_worker(pid)]
        assert len(query_processes) <= settings.query_workers


def _is_query_worker(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return b"spawn_main" in handle.read()
    except OSError:
        return False
