"""The production servers: recycled workers exit cleanly and leave no query processes
behind, and answers keep coming while they are replaced (granian by memory, gunicorn by
request count); a killed worker is restarted; SIGTERM leaves nothing behind."""

from __future__ import annotations

import os
import signal
import time

import requests

from publisher.build.pipeline import build
from publisher.core.config import load_settings
from tests import pages_fixture
from tests.production import production

QUERY = "SELECT ?s WHERE { ?s a ?t } LIMIT 3"


def test_recycled_workers_exit_cleanly_without_orphans_and_answers_continue(tmp_path):
    root = pages_fixture.make(tmp_path / "project", links=3)
    settings = load_settings(root=root, environ={})
    build(settings)
    with production(settings.var, tmp_path / "server.log", root=root, server="gunicorn",
                    workers=1, threads=2, max_requests=40, cache_max_bytes=0) as server:
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


def test_granian_replaces_a_worker_grown_past_its_memory_limit_and_answers_continue(tmp_path):
    root = pages_fixture.make(tmp_path / "project", links=3)
    settings = load_settings(root=root, environ={})
    build(settings)
    # Every worker is past 1 MiB at once: each is replaced at every sample (5 s).
    with production(settings.var, tmp_path / "server.log", root=root, workers=1,
                    workers_max_rss_mb=1, cache_max_bytes=0) as server:
        session = requests.Session()
        deadline = time.monotonic() + 40
        answered = 0
        while server.log_text().count("Spawning worker") < 3:
            assert time.monotonic() < deadline, server.log_text()
            try:
                response = session.get(server.base + "/sparql", params={"query": QUERY},
                                       headers={"Accept": "application/sparql-results+json"},
                                       timeout=30)
                assert response.status_code == 200
                answered += 1
            except requests.ConnectionError:
                session = requests.Session()  # a replaced worker closed its connections
            time.sleep(0.2)
        assert answered >= 10
        log = server.log_text()
        assert "Traceback" not in log and "SIGSEGV" not in log
        time.sleep(1)
        query_processes = [pid for pid in server.tree()[1:] if _is_query_worker(pid)]
        assert len(query_processes) <= 2 * settings.query_workers


def _is_query_worker(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return b"spawn_main" in handle.read()
    except OSError:
        return False


def test_granian_serves_logs_restarts_a_killed_worker_and_leaves_nothing_on_sigterm(tmp_path):
    root = pages_fixture.make(tmp_path / "project", links=3)
    settings = load_settings(root=root, environ={})
    build(settings)
    with production(settings.var, tmp_path / "server.log", root=root, workers=1,
                    threads=2) as server:
        session = requests.Session()

        def answers() -> None:
            sparql = session.get(server.base + "/sparql", params={"query": QUERY}, timeout=30,
                                 headers={"Accept": "application/sparql-results+json"})
            assert sparql.status_code == 200 and len(sparql.json()["results"]["bindings"]) == 3
            page = session.get(server.base + "/doc/thing/hub.ttl", timeout=30,
                               headers={"Accept": "text/turtle"})
            assert page.status_code == 200 and page.headers["X-Content-Type-Options"]

        answers()
        web_workers = [pid for pid in server.tree()[1:] if not _is_query_worker(pid)]
        assert web_workers
        os.kill(web_workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 60
        while True:
            try:
                session = requests.Session()
                answers()
                break
            except (requests.RequestException, AssertionError):
                assert time.monotonic() < deadline, server.log_text()
                time.sleep(0.5)
        tree = server.tree()
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=30) == 0
        time.sleep(1)
        assert not [pid for pid in tree if os.path.exists(f"/proc/{pid}")
                    and "Z" not in _state(pid)]
        log = server.log_text()
        assert '"path": "/sparql", "status": 200' in log and "Traceback" not in log


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rpartition(")")[2].split()[0]
    except OSError:
        return "Z"
