"""Figures for the harvest surfaces of a published build: build steps, dump sizes, responses.

Prints what the build spent on the change history, the dumps and the catalogue (from
the manifest), the size of each dump, and how long the live server takes to answer the
catalogue, VoID, a change-feed page, the sitemap and a whole N-Quads download.

Usage::

    python benchmarks/harvest.py --root var/bench/1m [--var DIR] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from publisher.core.config import load_settings  # noqa: E402
from publisher.core.generation import Generations  # noqa: E402
from tests.live import serving  # noqa: E402

STEPS = ("change history", "dumps", "catalogue")


def timed(url: str, repeat: int, **headers) -> tuple[float, int]:
    laps, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        response = requests.get(url, headers=headers, timeout=600)
        size = len(response.content)
        laps.append(time.perf_counter() - start)
        response.raise_for_status()
    return statistics.median(laps), size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--var", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    settings = load_settings(root=args.root, environ={}, var_dir=args.var)
    generation = Generations(settings.var).current()
    manifest = generation.manifest()
    stats = manifest["stats"]
    print(f"build {manifest['id']}: {stats['triples']} triples, {stats['entities']} entities")
    for step in STEPS:
        print(f"  build step {step:<15} {manifest['timings'].get(step, float('nan')):8.2f} s")
    for entry in manifest.get("dumps", []):
        print(f"  dump {entry['format']:<7} {entry['bytes']:>14,} bytes  {entry['file']}")
    print(f"  change history: {manifest['changes']['versions']} versions")
    nquads = next(e["file"] for e in manifest["dumps"] if e["format"] == "nq")
    paths = [("/catalog", {"Accept": "text/turtle"}), ("/void", {"Accept": "text/turtle"}),
             ("/changes", {}), ("/changes/0", {}), ("/sitemap.xml", {}),
             (f"/dumps/{nquads}", {})]
    with serving(settings) as url:
        requests.get(url + "/catalog", timeout=600)
        for path, headers in paths:
            seconds, size = timed(url + path, args.repeat, **headers)
            print(f"  GET {path:<60} {seconds * 1000:9.1f} ms  {size:>12,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
