"""The load-test script: a smoke run (3 clients, 2 s), and its client's retry rule."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections import defaultdict

from benchmarks import load_test
from tests.conftest import ROOT


def test_load_test_smoke_run_serves_every_route_class_without_errors(built, tmp_path):
    report = tmp_path / "load.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "load_test.py"), "--clients", "3",
         "--seconds", "2", "--warmup", "0.5", "--workers", "2", "--threads", "2",
         "--var", str(built.settings.var), "--json", str(report)],
        capture_output=True, text=True, timeout=180, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "p99 ms" in result.stdout
    routes = json.loads(report.read_text())["routes"]
    assert set(routes) == {"entity page", "search", "sparql", "all"}
    assert routes["all"]["errors"] == 0
    assert all(routes[name]["requests"] > 0 for name in routes)


def run_client_against(close_on: set[int], fresh_close: bool = False) -> dict:
    """One load client against a tiny server that drops chosen requests unanswered.

    Requests are numbered from 1 across connections; a dropped request closes its
    connection before any byte of the answer, as a recycled worker does.
    """
    seen = {"requests": 0}

    async def handle(reader, writer):
        fresh = True
        while await reader.readuntil(b"\r\n\r\n"):
            seen["requests"] += 1
            if seen["requests"] in close_on and (fresh_close or not fresh):
                writer.close()
                return
            fresh = False
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()

    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        results = defaultdict(lambda: {"latencies": [], "errors": [], "retries": 0})
        async with server:
            await load_test.client(0, "127.0.0.1", port, [("r", "/x")],
                                   asyncio.get_running_loop().time() + 0.3, 0, results)
        return results["r"]

    return asyncio.run(main())


def test_a_reused_connection_closed_before_the_answer_is_retried_once_and_counted():
    result = run_client_against(close_on={3})
    assert result["retries"] == 1
    assert result["errors"] == []
    assert len(result["latencies"]) > 3


def test_a_fresh_connection_closed_before_the_answer_is_an_error_not_a_retry():
    result = run_client_against(close_on={1}, fresh_close=True)
    assert result["retries"] == 0
    assert len(result["errors"]) == 1
