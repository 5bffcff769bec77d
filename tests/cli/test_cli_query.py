"""``clusterscord query`` answers as the endpoint does, and refuses what it refuses."""

from __future__ import annotations

import subprocess
import sys

import requests

from publisher.web import create_app
from tests.live import serving

QUERY = "SELECT ?type (COUNT(*) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY ?type"


def run(built, *args):
    return subprocess.run(
        [sys.executable, "-m", "publisher.cli", "--root", str(built.settings.root), *args],
        capture_output=True, timeout=120,
        env={"CLUSTERSCORD_VAR_DIR": str(built.settings.var), "PATH": "/usr/bin:/bin"},
    )


def test_cli_query_gives_the_endpoints_bytes(built):
    cli = run(built, "query", QUERY, "--format", "csv")
    assert cli.returncode == 0, cli.stderr
    app = create_app(built.settings)
    with serving(built.settings, app) as base:
        web = requests.get(base + "/sparql", params={"query": QUERY, "format": "csv"}, timeout=60)
    app.extensions["sparql_pool"].close()
    assert cli.stdout == web.content
    assert len(cli.stdout.splitlines()) > 2


def test_cli_query_refuses_updates_and_reports_syntax_errors(built):
    update = run(built, "query", "CLEAR ALL")
    assert update.returncode == 1 and b"read-only" in update.stderr
    broken = run(built, "query", "SELECT * {")
    assert broken.returncode == 1 and b"error at 1:" in broken.stderr


def test_cli_query_runs_a_named_query(built):
    answer = run(built, "query", "--name", "partners-by-country", "--format", "json")
    assert answer.returncode == 0, answer.stderr
    assert b'"bindings":[{' in answer.stdout
