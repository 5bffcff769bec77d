"""What /sparql costs over pyoxigraph: a fixed query mix, in-process and over HTTP.

Builds the project into a temporary var directory (or uses --var), serves it with
``clusterscord serve`` (its default server) on a free loopback port, then runs each query of the
mix REPEAT times directly on pyoxigraph (evaluate + serialize SPARQL JSON) and through
/sparql (POST application/sparql-query, Accept SPARQL JSON; protocol parsing, the worker
pool, the pipe and HTTP included). Prints per-query medians in milliseconds and the ratio.

    .venv/bin/python benchmarks/sparql_overhead.py [--repeat 21] [--var DIR]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from publisher.build.pipeline import build  # noqa: E402
from publisher.core.config import load_settings  # noqa: E402
from publisher.core.generation import Generations  # noqa: E402
from publisher.store.oxigraph import OxigraphStore  # noqa: E402

MIX = {
    "ask": "ASK { ?s ?p ?o }",
    "count-all": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "types": "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type ORDER BY DESC(?n)",
    "labels-500": "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label } LIMIT 500",
    "all-triples-2000": "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 2000",
    "construct-500": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 500",
}
JSON_RESULTS = "application/sparql-results+json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def direct(store: OxigraphStore, query: str) -> bytes:
    import pyoxigraph as ox

    result = store.query(query)
    if isinstance(result, ox.QueryTriples):
        return ox.serialize(result, format=ox.RdfFormat.TURTLE)
    return result.serialize(format=ox.QueryResultsFormat.JSON)


def over_http(session: requests.Session, url: str, query: str) -> bytes:
    accept = "text/turtle" if query.startswith("CONSTRUCT") else JSON_RESULTS
    response = session.post(url, data=query.encode(), timeout=60, headers={
        "Content-Type": "application/sparql-query", "Accept": accept,
    })
    response.raise_for_status()
    return response.content


def median_ms(run, repeat: int) -> float:
    run()  # warm up (opens stores, starts workers)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def wait_until_ready(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited before it was ready")
        try:
            if requests.get(base + "/ready", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not become ready within 60 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--var", type=Path, help="a var directory with a published build")
    args = parser.parse_args()

    var = args.var or Path(tempfile.mkdtemp(prefix="sparql-bench-"))
    settings = load_settings(root=ROOT, var_dir=var, environ={})
    if Generations(var).current_or_none() is None:
        build(settings)
    generation = Generations(var).current()
    store = OxigraphStore(generation)
    triples = generation.manifest()["stats"]["triples"]

    port = free_port()
    env = {**os.environ, "CLUSTERSCORD_VAR_DIR": str(var), "CLUSTERSCORD_PORT": str(port),
           "CLUSTERSCORD_HOST": "127.0.0.1", "CLUSTERSCORD_WORKERS": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "publisher.cli", "--root", str(ROOT), "serve"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base, server)
        session = requests.Session()
        print(f"{triples} triples; median of {args.repeat} runs; 1 web worker, "
              f"{settings.query_workers} query workers\n")
        print(f"{'query':<18} {'pyoxigraph ms':>14} {'/sparql ms':>11} {'ratio':>7} {'bytes':>9}")
        for name, query in MIX.items():
            inside = median_ms(lambda q=query: direct(store, q), args.repeat)
            outside = median_ms(lambda q=query: over_http(session, base + "/sparql", q),
                                args.repeat)
            size = len(over_http(session, base + "/sparql", query))
            print(f"{name:<18} {inside:>14.2f} {outside:>11.2f} {outside / inside:>7.1f} "
                  f"{size:>9}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
