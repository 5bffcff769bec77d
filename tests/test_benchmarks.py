"""The benchmark scripts keep working: deterministic valid data, and a smoke run end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import generate  # noqa: E402


def test_generator_writes_the_same_bytes_for_the_same_seed_and_size(tmp_path):
    first = generate.generate(3000, tmp_path / "one", ROOT, seed=7)
    second = generate.generate(3000, tmp_path / "two", ROOT, seed=7)
    other = generate.generate(3000, tmp_path / "three", ROOT, seed=8)
    assert first["digest"] == second["digest"]
    assert other["digest"] != first["digest"]
    assert 2700 <= first["source_triples"] <= 3300


@pytest.mark.timeout(600)
def test_smoke_benchmark_builds_valid_synthetic_data_and_measures_every_target(tmp_path):
    out = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--smoke", "-q",
         "--work", str(tmp_path), "--out", str(out)],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    data = json.loads(out.read_text())
    measured = {(r["target"], r["workload"]) for r in data["rows"] if r["requests"] > 0}
    workloads = {r["workload"] for r in data["rows"]}
    for target in "abc":
        assert {w for t, w in measured if t == target} >= {
            "entity lookup", "count by country", "ORDER BY + OFFSET page", "DESCRIBE"
        }, target
    assert any(w.startswith("hub page HTML") for w in workloads)
    assert all("errors" in r and "p95_ms" in r and "ratio_to_c" in r for r in data["rows"])
    assert data["build"]["source_triples"] >= 9000
    assert "| entity lookup | 1 | (b) our server |" in result.stdout


@pytest.mark.timeout(600)
def test_request_path_prints_the_cpu_of_each_path(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "request_path.py"), "--requests", "30",
         "--var", str(tmp_path / "var")],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    figures = {line.rsplit(None, 1)[0].strip(): float(line.rsplit(None, 1)[1])
               for line in result.stdout.splitlines()[1:]}
    assert len(figures) == 4 and all(value > 0 for value in figures.values())
