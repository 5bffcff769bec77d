"""Bounded load test of the production server: entity pages, search and a query mix.

Starts ``clusterscord serve`` (the default server, granian, with its read-only workers on
one published store) on a loopback port, runs ``--clients`` concurrent keep-alive clients
(asyncio, one connection each, each from its own loopback address as distinct visitors
are: the server shares uncached queries per client address) for ``--seconds`` seconds,
stops the server and prints throughput, p50/p95/p99 latency and errors per route class.
Each client waits ``--think`` seconds between requests (0: back to back, the saturation
figure). Traffic stays on the loopback interface; the run stops by itself. Exit status 1
when any request failed.

    .venv/bin/python benchmarks/load_test.py                 # 50 clients, 60 s
    .venv/bin/python benchmarks/load_test.py --think 0       # saturation
    .venv/bin/python benchmarks/load_test.py --seconds 2 --clients 3 --var var
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from targets import our_server  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEARCH_TERMS = ("cluster", "praha", "ústí", "region", "innovation", "partner", "energy", "cz",
                "project", "nuts", "kranj", "slov")
QUERY_MIX = {
    "count by type": "SELECT ?t (COUNT(?s) AS ?n) WHERE { ?s a ?t } GROUP BY ?t",
    "labels": "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
              "SELECT ?s ?l WHERE { ?s skos:prefLabel ?l } LIMIT 50",
    "memberships": "PREFIX org: <http://www.w3.org/ns/org#> "
                   "SELECT ?m ?o ?r WHERE { ?m org:member ?o ; org:role ?r }",
    "ask": "ASK { ?s ?p ?o }",
}
WEIGHTS = {"entity page": 6, "search": 2, "sparql": 2}
MAX_REQUESTS_PER_CLIENT = 1_000_000


def request_mix(base: str) -> dict[str, list[str]]:
    """Request targets per route class, from the published data (via its sitemap)."""
    sitemap = requests.get(base + "/sitemap.xml", timeout=60).text
    pages = sorted(set(re.findall(r"<loc>[a-z]+://[^/]+(/doc/[^<]+)</loc>", sitemap)))
    if not pages:
        raise SystemExit("the published build lists no entity pages in its sitemap")
    return {
        "entity page": pages,
        "search": [f"/search?{urlencode({'q': term})}" for term in SEARCH_TERMS],
        "sparql": [f"/sparql?{urlencode({'query': q, 'format': 'json'})}"
                   for q in QUERY_MIX.values()],
    }


class StaleConnection(ConnectionError):
    """A reused keep-alive connection closed before any byte of the response."""


async def read_response(reader: asyncio.StreamReader, reused: bool = False) -> int:
    """Read one HTTP/1.1 response (Content-Length or chunked); return its status.

    On a reused connection, a close before the status line is a StaleConnection.
    """
    try:
        status_line = await reader.readline()
    except (ConnectionResetError, BrokenPipeError) as exc:
        if reused:
            raise StaleConnection(str(exc)) from exc
        raise
    if not status_line:
        if reused:
            raise StaleConnection("the server closed a reused connection")
        raise ConnectionError("the server closed the connection")
    status = int(status_line.split()[1])
    length, chunked = None, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status


def client_address(number: int) -> str:
    """A loopback source address of its own for each client (127.0.0.2 onwards)."""
    return f"127.0.{1 + number // 250}.{2 + number % 250}"


async def client(number: int, host: str, port: int, plan: list[tuple[str, str]],
                 deadline: float, think: float, results: dict) -> None:
    """One keep-alive client. Like browsers, curl and urllib3 (RFC 9112 §9.3.1), it
    retries a GET once on a new connection when a reused connection was closed before
    any response byte (a worker recycling); such retries are counted, not hidden."""
    rng = random.Random(number)
    reader = writer = None
    served = 0
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= deadline:
            break
        route, target = rng.choice(plan)
        started = time.perf_counter()
        request = (f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                   "Accept: text/html\r\nUser-Agent: load-test\r\n\r\n").encode()
        status = None
        for attempt in (1, 2):
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(
                        host, port, local_addr=(client_address(number), 0))
                    served = 0
                try:
                    writer.write(request)
                    await writer.drain()
                except (ConnectionResetError, BrokenPipeError) as exc:
                    if served:
                        raise StaleConnection(str(exc)) from exc
                    raise
                status = await asyncio.wait_for(read_response(reader, served > 0), timeout=60)
                served += 1
                break
            except StaleConnection:
                writer.close()
                reader = writer = None
                if attempt == 1:
                    results[route]["retries"] += 1
                    continue
                results[route]["errors"].append(f"{target}: closed again on retry")
            except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError) as exc:
                results[route]["errors"].append(f"{target}: {exc!r}")
                if writer is not None:
                    writer.close()
                reader = writer = None
            break
        if status is None:
            continue
        elapsed = time.perf_counter() - started
        if status == 200:
            results[route]["latencies"].append(elapsed)
        else:
            results[route]["errors"].append(f"{target}: HTTP {status}")
        if think:
            await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
    if writer is not None:
        writer.close()


def percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))] * 1000


async def run_load(base: str, clients: int, seconds: float, think: float,
                   warmup: float) -> dict:
    """Warm up (every worker opens the store and starts its query workers), then measure."""
    mix = request_mix(base)
    plan = [(route, target) for route, targets in mix.items()
            for target in targets for _ in range(WEIGHTS[route] * 60 // len(targets) or 1)]
    host, port = base.removeprefix("http://").split(":")
    for phase_seconds in (warmup, seconds):  # the warm-up results are dropped
        results: dict = defaultdict(lambda: {"latencies": [], "errors": [], "retries": 0})
        started = time.monotonic()
        deadline = started + phase_seconds
        await asyncio.gather(*(client(n, host, int(port), plan, deadline, think, results)
                               for n in range(clients)))
    return summarise(results, time.monotonic() - started)


def summarise(results: dict, seconds: float) -> dict:
    table = {}
    everything = []
    for route in (*WEIGHTS, *(r for r in results if r not in WEIGHTS)):
        if route not in results:
            continue
        ordered = sorted(results[route]["latencies"])
        everything += ordered
        table[route] = row(ordered, results[route]["errors"], seconds,
                           results[route]["retries"])
    table["all"] = row(sorted(everything),
                       [e for r in results.values() for e in r["errors"]], seconds,
                       sum(r["retries"] for r in results.values()))
    return {"seconds": round(seconds, 1), "routes": table}


def row(ordered: list[float], errors: list[str], seconds: float, retries: int = 0) -> dict:
    return {
        "requests": len(ordered), "errors": len(errors), "retries": retries,
        "req_per_s": round(len(ordered) / seconds, 1),
        "p50_ms": round(percentile(ordered, 0.50), 1),
        "p95_ms": round(percentile(ordered, 0.95), 1),
        "p99_ms": round(percentile(ordered, 0.99), 1),
        "error_samples": errors[:5],
    }


def print_table(report: dict, clients: int, workers: int, threads: int, think: float) -> None:
    print(f"{clients} clients, {report['seconds']} s, think {think} s, "
          f"{workers} workers × {threads} threads")
    print(f"{'route':<12} {'requests':>9} {'errors':>7} {'retries':>8} {'req/s':>8} "
          f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for route, r in report["routes"].items():
        print(f"{route:<12} {r['requests']:>9} {r['errors']:>7} {r['retries']:>8} "
              f"{r['req_per_s']:>8} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['p99_ms']:>8}")
        for sample in r["error_samples"]:
            print(f"    error: {sample}")


def published_var(var: Path | None, scratch: Path) -> Path:
    """The var directory to serve: the one given, or a fresh build of the project."""
    if var is not None:
        return var.resolve()
    var = scratch / "var"
    env = {**os.environ, "CLUSTERSCORD_VAR_DIR": str(var)}
    subprocess.run([sys.executable, "-m", "publisher.cli", "--root", str(ROOT), "-q", "build"],
                   check=True, env=env, cwd=ROOT)
    return var


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean pause of a client between requests, s (0: none)")
    parser.add_argument("--warmup", type=float, default=5.0,
                        help="seconds of load before measuring (not counted)")
    parser.add_argument("--workers", type=int, default=2, help="web worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker")
    parser.add_argument("--var", type=Path, help="a var directory with a published build "
                        "(default: build the project into a temporary one)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="load-test-") as scratch:
        scratch = Path(scratch)
        os.environ["CLUSTERSCORD_VAR_DIR"] = str(published_var(args.var, scratch))
        with our_server(ROOT, args.workers, args.threads, scratch / "server.log") as (base, _p):
            report = asyncio.run(run_load(base, args.clients, args.seconds, args.think,
                                          args.warmup))
    print_table(report, args.clients, args.workers, args.threads, args.think)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 1 if report["routes"]["all"]["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
