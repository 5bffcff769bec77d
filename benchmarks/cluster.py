"""Benchmark: one node against two nodes behind nginx, the embedded store against Virtuoso.

Builds the project's own data twice (the embedded store, and Virtuoso as the remote store,
started on loopback ports with ``deploy/virtuoso/``), then measures, in one run:

* **lookups**: ``GET /sparql?query=SELECT ?p ?o WHERE { <entity> ?p ?o }``, a different
  entity each request, each query text distinct (so no cache answers it);
* **pages**: ``GET /doc/…`` entity pages in HTML, a distinct URL each request;

against four deployments: {embedded store, Virtuoso} × {one node, two nodes behind nginx
(``deploy/nginx/``, its cache bypassed by the distinct URLs)}. Each node is ``clusterscord
serve`` with one web worker process and the generation cache off, so the figures compare
the stores and the node count, not the caches. The client runs ``--clients`` threads from
one address, so the per-client query share is raised for the run.

Usage: ``python benchmarks/cluster.py [--seconds 5] [--clients 8]`` (needs virtuoso-t and
nginx; ``.ci/run`` installs both).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from publisher.build.pipeline import build  # noqa: E402
from publisher.core.config import load_settings  # noqa: E402
from publisher.core.generation import Generations  # noqa: E402
from publisher.store.oxigraph import OxigraphStore  # noqa: E402
from tests import nginx_server, virtuoso_server  # noqa: E402
from tests.production import production  # noqa: E402

NODE = {"workers": 1, "threads": 8, "query_workers": 2, "cache_max_bytes": 0,
        "query_per_client": 64, "trust_forwarded": "true", "max_requests": 0}


def entities(var: Path, base: str, limit: int = 200) -> list[str]:
    store = OxigraphStore(Generations(var).current())
    rows = store.select(
        "SELECT DISTINCT ?s WHERE { ?s skos:prefLabel ?l "
        f'FILTER(STRSTARTS(STR(?s), "{base}id/")) }} ORDER BY ?s LIMIT {limit}')
    return [row["s"].value for row in rows]


def measure(base: str, kind: str, iris: list[str], settings_base: str, seconds: float,
            clients: int) -> dict:
    """Requests per second and median latency of one workload against one address."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def client(n: int):
        session = requests.Session()
        i = 0
        while time.monotonic() < stop:
            i += 1
            iri = iris[(n * 7919 + i) % len(iris)]
            started = time.perf_counter()
            try:
                if kind == "lookup":
                    query = f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }} # {n}-{i}"
                    response = session.get(
                        base + "/sparql", params={"query": query}, timeout=30,
                        headers={"Accept": "application/sparql-results+json"})
                else:
                    path = "/doc/" + iri.removeprefix(settings_base + "id/")
                    response = session.get(f"{base}{path}?n={n}-{i}", timeout=30,
                                           headers={"Accept": "text/html"})
                status = str(response.status_code)
            except requests.RequestException as exc:
                status = type(exc).__name__
            elapsed = time.perf_counter() - started
            with lock:
                if status == "200":
                    latencies.append(elapsed)
                else:
                    errors[status] = errors.get(status, 0) + 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"rate": len(latencies) / seconds,
            "median_ms": statistics.median(latencies) * 1000 if latencies else float("nan"),
            "errors": errors}


@contextlib.contextmanager
def deployment(work: Path, name: str, settings, store_settings: dict, nodes: int):
    """``nodes`` serve processes over settings.var; yields the address clients use."""
    with contextlib.ExitStack() as stack:
        env = {**NODE, **store_settings, "base_iri": settings.base_iri}
        running = [stack.enter_context(production(settings.var, work / f"{name}-{n}.log",
                                                  root=settings.root, **env))
                   for n in range(nodes)]
        if nodes == 1:
            yield running[0].base
        else:
            yield stack.enter_context(nginx_server.running(
                work / f"{name}-nginx", [node.base.removeprefix("http://") for node in running]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="cluster-bench-") as tmp, \
            virtuoso_server.running(Path(tmp) / "virtuoso", memory_mb=512) as virtuoso:
        work = Path(tmp)
        stores = {"embedded": {}, "Virtuoso": virtuoso.settings()}
        for store_name, store_settings in stores.items():
            settings = load_settings(root=ROOT, environ={}, var_dir=work / f"var-{store_name}",
                                     **store_settings)
            started = time.perf_counter()
            build(settings)
            built_s = time.perf_counter() - started
            iris = entities(settings.var, settings.base_iri)
            print(f"# {store_name}: built in {built_s:.1f} s, {len(iris)} entities",
                  flush=True)
            for nodes in (1, 2):
                label = "1 node" if nodes == 1 else "2 nodes + nginx"
                with deployment(work, f"{store_name}-{nodes}", settings, store_settings,
                                nodes) as base:
                    for kind in ("lookup", "page"):
                        measure(base, kind, iris, settings.base_iri, 1.0, args.clients)  # warm
                        figures = measure(base, kind, iris, settings.base_iri, args.seconds,
                                          args.clients)
                        results.append((store_name, label, kind, figures))
                        print(f"{store_name:9} {label:16} {kind:7} {figures['rate']:8.1f}/s "
                              f"median {figures['median_ms']:7.1f} ms  failed "
                              f"{figures['errors'] or 'none'}", flush=True)
    print()
    print(f"{os.cpu_count()} cores; {args.clients} client threads; {args.seconds:g} s per figure;"
          " each node: 1 web worker, 8 threads, 2 query workers, generation cache off")
    print("| store | nodes | lookups/s | lookup median ms | pages/s | page median ms |")
    print("|---|---|---:|---:|---:|---:|")
    rows: dict[tuple[str, str], dict] = {}
    for store_name, label, kind, figures in results:
        rows.setdefault((store_name, label), {})[kind] = figures
    for (store_name, label), kinds in rows.items():
        lookup, page = kinds["lookup"], kinds["page"]
        print(f"| {store_name} | {label} | {lookup['rate']:.0f} | {lookup['median_ms']:.1f} | "
              f"{page['rate']:.0f} | {page['median_ms']:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
