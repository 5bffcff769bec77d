"""Benchmark the publisher side by side with the servers users would otherwise pick.

One command generates synthetic data of the project's shape (cached), builds it with the
real pipeline (timing parse, validation and load), then measures the same query mix
against (a) pyoxigraph in-process, (b) our server, (c) the Oxigraph server and (d)
Virtuoso (when installed), and our entity pages, each at concurrency 1, 2, 4 and 16 for a
fixed short duration. It prints a table and writes JSON with medians, p95, req/s and the
ratios to (a) and (c).

Usage::

    python benchmarks/run.py --triples 1m              # the full comparison
    python benchmarks/run.py --smoke                   # 10k triples, seconds (run by a test)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402
import load  # noqa: E402
import targets  # noqa: E402
import workloads  # noqa: E402

from publisher.build.pipeline import build  # noqa: E402
from publisher.core.config import load_settings  # noqa: E402
from publisher.core.generation import Generations  # noqa: E402
from publisher.core.progress import Progress  # noqa: E402

NAMES = {"a": "pyoxigraph in-process", "b": "our server", "c": "Oxigraph server",
         "d": "Virtuoso", "e": "our server, no cache"}


def prepare(size: int, work: Path, seed: int, quiet: bool) -> tuple[Path, dict, dict]:
    """Generate (unless already there) and build; returns root, summary, build figures."""
    root = work / f"project-{size}"
    summary_path = root / "generated.json"
    summary = json.loads(summary_path.read_text()) if summary_path.is_file() else None
    if not summary or summary["target_triples"] != size:
        started = time.perf_counter()
        summary = generate.generate(size, root, ROOT, seed)
        summary["generate_seconds"] = round(time.perf_counter() - started, 2)
        summary_path.write_text(json.dumps(summary, indent=2))
    # The pages read their view queries at request time: keep them in step with the code.
    generate.copy_folders(root, ROOT, ("sparql/views", "sparql/queries"))
    settings = load_settings(root=root, environ={})
    generation = Generations(settings.var).current_or_none()
    stale = generation is None or (
        summary_path.stat().st_mtime > generation.manifest_path.stat().st_mtime
    )
    if stale:
        build(settings, Progress(quiet=quiet))
        generation = Generations(settings.var).current()
    manifest = generation.manifest()
    timings = manifest.get("timings", {})
    core = ("parse sources", "load store", "validate (SHACL)")
    figures = {
        "source_triples": summary["source_triples"],
        "store_triples": manifest["stats"]["triples"],
        "build_seconds_total": manifest.get("build_seconds"),
        "parse_validate_load_seconds": round(sum(timings.get(k, 0) for k in core), 2),
        "timings": timings,
    }
    return root, summary, figures


def _consume(result) -> None:
    if isinstance(result, ox.QueryBoolean):
        return
    for _ in result:
        pass


def measure(size: int, work: Path, duration: float, levels: list[int], driver: str,
            seed: int, quiet: bool, want: str) -> dict:
    root, summary, figures = prepare(size, work, seed, quiet)
    generation = Generations(load_settings(root=root, environ={}).var).current()
    mix = workloads.queries(summary)
    page_mix = workloads.pages(summary)
    http = load.wrk_http if driver == "wrk" else load.python_http
    rows: list[dict] = []
    notes: list[str] = []

    answers: dict[str, dict[str, int]] = {}

    def warm(target: str, workload, url: str) -> None:
        """One request before measuring; its answer's size is kept to compare targets."""
        try:
            response = requests.get(url, headers={"Accept": workload.accept}, timeout=120)
        except requests.RequestException:
            return
        if response.status_code == 200 and workload.kind == "query":
            answers.setdefault(workload.name, {})[target] = _size(response)

    def record(target, workload, level, measurement):
        row = {"target": target, "workload": workload.name, "concurrency": level,
               **measurement.as_dict()}
        rows.append(row)
        if not quiet:
            print(f"  {NAMES[target]:<22} {workload.name:<40} c={level:<3} "
                  f"{row['req_per_s']:>9.1f}/s p50 {row['p50_ms']:.2f} ms", file=sys.stderr)

    if "a" in want:
        store = ox.Store.read_only(str(generation.store_path))
        for workload in mix:
            result = store.query(workload.text, use_default_graph_as_union=True)
            answers.setdefault(workload.name, {})["a"] = sum(1 for _ in result)
            for level in levels:
                def call(text=workload.text):
                    _consume(store.query(text, use_default_graph_as_union=True))
                record("a", workload, level, load.inprocess(call, level, duration))
        del store

    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    memory = {}
    for target, cache_env in (("b", None), ("e", "0")):
        if target not in want:
            continue
        settings = load_settings(root=root, environ={})
        # Every load client connects from 127.0.0.1, which the fair share would treat as
        # one client (query_per_client uncached queries at once, the rest refused at once):
        # here each connection is its own client, as it is for the servers compared.
        share = str(max(levels))
        with _environment(CLUSTERSCORD_CACHE_MAX_BYTES=cache_env,
                          CLUSTERSCORD_QUERY_PER_CLIENT=share), targets.our_server(
            root, settings.workers, settings.threads, logs / f"ours-{target}.log"
        ) as (base, process):
            for workload in mix:
                warm(target, workload, targets.query_url("ours", base, workload.text))
                for level in levels:
                    url = targets.query_url("ours", base, workload.text)
                    record(target, workload, level, http(url, workload.accept, level, duration))
            for workload in page_mix:
                warm(target, workload, base + workload.text)
                for level in levels:
                    record(target, workload, level,
                           http(base + workload.text, workload.accept, level, duration))
            workers = targets.children(process.pid)
            memory[f"our_workers_rss_mb_{target}"] = [round(targets.rss_mb(p), 1)
                                                     for p in workers]
    if "c" in want:
        with targets.oxigraph_server(generation.store_path, logs / "oxigraph.log") as (
            base, process
        ):
            for workload in mix:
                warm("c", workload, targets.query_url("oxigraph", base, workload.text))
                for level in levels:
                    url = targets.query_url("oxigraph", base, workload.text)
                    record("c", workload, level, http(url, workload.accept, level, duration))
            memory["oxigraph_rss_mb"] = round(targets.rss_mb(process.pid), 1)
    if "d" in want:
        why_not = targets.virtuoso_available()
        if why_not:
            notes.append(f"(d) Virtuoso not measured: {why_not}")
        else:
            dump = next(generation.dumps_path.glob("*.nq.gz"))
            started = time.perf_counter()
            with targets.virtuoso_server(dump, work / "virtuoso", logs / "virtuoso.log") as (
                base, process
            ):
                figures["virtuoso_load_seconds"] = round(time.perf_counter() - started, 1)
                for workload in mix:
                    warm("d", workload, targets.query_url("virtuoso", base, workload.text))
                    for level in levels:
                        url = targets.query_url("virtuoso", base, workload.text)
                        record("d", workload, level,
                               http(url, workload.accept, level, duration))
                memory["virtuoso_rss_mb"] = round(targets.rss_mb(process.pid), 1)

    add_ratios(rows)
    for name, sizes in answers.items():
        if len(set(sizes.values())) > 1:
            notes.append(f"answers differ for {name!r}: {sizes} (rows or triples per target)")
    return {
        "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": _cpus(), "python": platform.python_version(),
                    "pyoxigraph": ox.__version__ if hasattr(ox, "__version__") else "?"},
        "size": size, "duration_s": duration, "concurrency": levels, "driver": driver,
        "build": figures, "memory": memory, "hub": summary["hub"],
        "notes": notes, "answers": answers, "rows": rows,
    }


@contextlib.contextmanager
def _environment(**values):
    """Set (or leave alone, for None) environment variables during the block."""
    saved = {name: os.environ.get(name) for name in values}
    for name, value in values.items():
        if value is not None:
            os.environ[name] = value
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _size(response) -> int:
    """Rows of a SPARQL JSON answer, or triples of an N-Triples one."""
    if "json" in response.headers.get("Content-Type", ""):
        data = response.json()
        return len(data["results"]["bindings"]) if "results" in data else 1
    return sum(1 for line in response.text.splitlines() if line.strip())


def _cpus() -> int:
    return os.cpu_count() or 0


def add_ratios(rows: list[dict]) -> None:
    """Each row's req/s as a ratio to (a) and (c) on the same workload and concurrency."""
    index = {(r["target"], r["workload"], r["concurrency"]): r["req_per_s"] for r in rows}
    for row in rows:
        key = (row["workload"], row["concurrency"])
        for ref in ("a", "c"):
            base = index.get((ref, *key))
            row[f"ratio_to_{ref}"] = round(row["req_per_s"] / base, 3) if base else None


def table(result: dict) -> str:
    """The results as a Markdown table (one line per workload × concurrency × target)."""
    lines = [
        "| workload | c | target | req/s | p50 ms | p95 ms | errors | ÷(a) | ÷(c) |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    order = {k: i for i, k in enumerate("abecd")}
    rows = sorted(result["rows"], key=lambda r: (r["workload"], r["concurrency"],
                                                 order[r["target"]]))
    for r in rows:
        ratios = [f"{r[k]:.2f}" if r[k] is not None else "–"
                  for k in ("ratio_to_a", "ratio_to_c")]
        lines.append(
            f"| {r['workload']} | {r['concurrency']} | ({r['target']}) {NAMES[r['target']]} | "
            f"{r['req_per_s']:.1f} | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} | {r['errors']} | "
            f"{ratios[0]} | {ratios[1]} |"
        )
    build_figures = result["build"]
    lines += [
        "",
        f"Build of {build_figures['source_triples']} source triples "
        f"({build_figures['store_triples']} in the store with rules and catalogue): "
        f"parse + validate + load {build_figures['parse_validate_load_seconds']} s, "
        f"whole build {build_figures['build_seconds_total']} s.",
        f"Memory: {json.dumps(result['memory'])}.",
        *result["notes"],
    ]
    return "\n".join(lines)


def summary(result: dict, level: int) -> str:
    """req/s per workload at one concurrency, every target side by side, with (b)÷(c)."""
    cells: dict[str, dict[str, float]] = {}
    for row in result["rows"]:
        if row["concurrency"] == level:
            cells.setdefault(row["workload"], {})[row["target"]] = row["req_per_s"]
    lines = [
        f"| workload (req/s, {level} clients) | (a) in-process | (b) ours, cache "
        "| (e) ours, no cache | (c) Oxigraph | (d) Virtuoso | (b)÷(c) | (e)÷(c) | (d)÷(c) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for workload, by in cells.items():
        counts = [f"{by[k]:.0f}" if k in by else "–" for k in "abecd"]
        ratios = [f"{by[k] / by['c']:.2f}" if k in by and by.get("c") else "–" for k in "bed"]
        lines.append(f"| {workload} | " + " | ".join(counts + ratios) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", default="100k", help="10k, 100k, 1m, 10m or a number")
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per measurement")
    parser.add_argument("--concurrency", default="1,2,4,16")
    parser.add_argument("--targets", default="abcde",
                        help="which of a, b (ours), c, d, e (ours without the cache) to measure")
    parser.add_argument("--driver", choices=("auto", "python", "wrk"), default="auto")
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--out", type=Path, help="JSON file (default: WORK/results-SIZE.json)")
    parser.add_argument("--seed", type=int, default=2010)
    parser.add_argument("--smoke", action="store_true",
                        help="10k triples, short runs, concurrency 1 and 2, Python client")
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.smoke:
        args.triples, args.duration, args.concurrency, args.driver = "10k", 0.3, "1,2", "python"
        args.targets = args.targets.replace("d", "")
    size = generate.parse_size(args.triples)
    levels = [int(c) for c in args.concurrency.split(",")]
    driver = args.driver
    if driver == "auto":
        driver = "wrk" if load.wrk_available() else "python"
    result = measure(size, args.work, args.duration, levels, driver, args.seed, args.quiet,
                     args.targets)
    out = args.out or args.work / f"results-{size}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(table(result))
    print()
    print(summary(result, 4 if 4 in levels else levels[-1]))
    failed = sum(r["errors"] for r in result["rows"])
    if failed:
        print(f"\nwarning: {failed} requests failed (see the errors column and {args.work}/logs)")
    print(f"\nJSON: {out}")
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
