"""Time a whole `clusterscord build` of synthetic data, step by step, with disk and memory.

Generates N triples of the graph's own shape (``generate.py``, cached under WORK), then runs
``clusterscord build`` on them in a child process with a fresh ``var/`` (a first build: no
previous generation), and prints a table of every step's seconds from the build's own
progress timings (wall and CPU seconds: on a shared machine the first says how long, the
second how much work), the whole build's wall and CPU time, the generation's size on disk
(store, dumps, the rest) and the build process's peak memory (max RSS). Figures come from
this output, never from a timed test.

Usage::

    python benchmarks/build_steps.py --triples 1m
    python benchmarks/build_steps.py --triples 10m --keep      # keep the built var/
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402


def project(size: int, work: Path, seed: int) -> tuple[Path, dict]:
    """The generated project for this size (made once, kept under work)."""
    root = work / f"project-{size}"
    summary_path = root / "generated.json"
    summary = json.loads(summary_path.read_text()) if summary_path.is_file() else None
    if not summary or summary["target_triples"] != size or summary.get("seed", seed) != seed:
        started = time.perf_counter()
        summary = generate.generate(size, root, ROOT, seed)
        summary["generate_seconds"] = round(time.perf_counter() - started, 2)
        summary_path.write_text(json.dumps(summary, indent=2))
    # The generated project keeps copies of the page views; keep them in step with the code.
    generate.copy_folders(root, ROOT, ("sparql/views", "sparql/queries"))
    return root, summary


def disk_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def run_build(root: Path, var: Path) -> dict:
    """One build in a child process; its wall time, peak RSS and the published manifest."""
    shutil.rmtree(var, ignore_errors=True)
    env = {**os.environ, "CLUSTERSCORD_VAR_DIR": str(var)}
    command = [sys.executable, "-m", "publisher.cli", "--root", str(root), "build"]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    lines = []
    for line in process.stderr:  # the build's progress, shown as it comes
        lines.append(line)
        print(line, end="", file=sys.stderr, flush=True)
    process.wait()
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(f"build failed ({process.returncode})")
    generation = (var / "current").resolve()
    manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    store = disk_bytes(generation / "store")
    dumps = disk_bytes(generation / "dumps")
    return {
        "wall_seconds": round(wall, 2),
        "build_seconds": manifest.get("build_seconds"),
        "timings": manifest.get("timings", {}),
        "cpu_timings": manifest.get("cpu_timings", {}),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "disk_mb": {"store": round(store / 2**20, 1), "dumps": round(dumps / 2**20, 1),
                    "other": round((disk_bytes(generation) - store - dumps) / 2**20, 1)},
        "store_triples": manifest["stats"]["triples"],
        "progress": "".join(lines),
    }


def table(result: dict) -> str:
    """The steps as a Markdown table, then the totals."""
    lines = ["| step | wall s | CPU s |", "|---|---:|---:|"]
    for name, seconds in result["timings"].items():
        cpu = result["cpu_timings"].get(name)
        lines.append(f"| {name} | {seconds:.1f} | {cpu:.1f} |" if cpu is not None
                     else f"| {name} | {seconds:.1f} | – |")
    disk = result["disk_mb"]
    lines += [
        "",
        f"{result['source_triples']:,} source triples, {result['store_triples']:,} in the "
        f"store; whole build {result['wall_seconds']:.1f} s wall, "
        f"{result['cpu_seconds']:.1f} s CPU (manifest: {result['build_seconds']} s from "
        f"loading to the manifest; load average {result['machine']['load_average_1m']}); "
        f"peak memory {result['peak_rss_mb']:,.0f} MB; disk: store {disk['store']:,.0f} MB, "
        f"dumps {disk['dumps']:,.0f} MB, other files {disk['other']:,.0f} MB.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", default="1m", help="10k, 100k, 1m, 10m or a number")
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--seed", type=int, default=2010)
    parser.add_argument("--out", type=Path, help="JSON file (default: WORK/build-SIZE.json)")
    parser.add_argument("--keep", action="store_true", help="keep the built var/ afterwards")
    args = parser.parse_args(argv)
    size = generate.parse_size(args.triples)
    root, summary = project(size, args.work, args.seed)
    var = args.work / f"build-var-{size}"
    load_before = round(os.getloadavg()[0], 2)
    result = run_build(root, var)
    if not args.keep:
        shutil.rmtree(var, ignore_errors=True)
    result.update({
        "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average_1m": load_before,
                    "load_average_1m_after": round(os.getloadavg()[0], 2)},
        "size": size, "source_triples": summary["source_triples"],
    })
    out = args.out or args.work / f"build-{size}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(table(result))
    print(f"\nJSON: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
