"""The load-test script in smoke mode (3 clients, 2 s), so it cannot rot unnoticed."""

from __future__ import annotations

import json
import subprocess
import sys

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
