"""Benchmark: entity pages per second (HTML and Turtle) and a hub with 10,000 incoming links.

Generates a small, deterministic synthetic project (the mini ontology and shapes, plus
``--entities`` organisations each linked to a hub region, with labels, a nested address and
a membership), builds it with the real pipeline into a temporary directory, serves it on a
loopback port, and prints requests per second for:

* an ordinary entity page, HTML and Turtle;
* the hub page (10,000 incoming links, counted and paged), HTML and JSON;
* the same description computed in-process (``Describer.describe``, with the build's
  materialised incoming-link counts, as the site uses them) as the baseline.

Usage: ``python benchmarks/pages.py [--entities 10000] [--seconds 5] [--threads 4]``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from publisher.artefacts import incoming_counts  # noqa: E402
from publisher.artefacts.display import Display  # noqa: E402
from publisher.build.pipeline import build  # noqa: E402
from publisher.core.config import load_settings  # noqa: E402
from publisher.serve.describe import Describer  # noqa: E402
from publisher.store.oxigraph import OxigraphStore  # noqa: E402
from tests import mini_project  # noqa: E402
from tests.live import serving  # noqa: E402

B = "https://data.clusterscord.eu/"


def synthetic(root: Path, entities: int) -> Path:
    """Write the synthetic project: a hub region with `entities` organisations in it."""
    mini_project.make(root)
    lines = [
        "@prefix cc: <https://data.clusterscord.eu/def/> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix org: <http://www.w3.org/ns/org#> .",
        "@prefix schema: <http://schema.org/> .",
        f"<{B}graph/synthetic> {{",
        f'  <{B}id/region/HUB> a skos:Concept ; skos:prefLabel "Hub region"@en , "Uzel"@cs .',
        f'  <{B}id/project/p> a org:OrganizationalCollaboration ; skos:prefLabel "P"@en .',
    ]
    for n in range(entities):
        lines.append(
            f"  <{B}id/organisation/o{n}> a org:FormalOrganization ; "
            f'skos:prefLabel "Organisation {n}"@en , "Organizace {n}"@cs ; '
            f'skos:altLabel "O{n}" ; cc:region <{B}id/region/HUB> ; '
            f'schema:address [ a schema:PostalAddress ; schema:addressLocality "Town {n % 97}" ] .'
        )
        lines.append(
            f"  <{B}id/membership/m{n}> a org:Membership ; org:member <{B}id/organisation/o{n}> ;"
            f" org:organization <{B}id/project/p> ; skos:prefLabel \"Membership {n}\"@en ."
        )
    lines.append("}")
    (root / "data" / "synthetic.trig").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def hammer(url: str, seconds: float, threads: int, headers: dict) -> float:
    """Requests per second against url from `threads` clients for `seconds`."""
    deadline = time.perf_counter() + seconds
    counts = [0] * threads

    def run(i: int) -> None:
        session = requests.Session()
        while time.perf_counter() < deadline:
            response = session.get(url, headers=headers, timeout=60)
            response.raise_for_status()
            counts[i] += 1

    started = time.perf_counter()
    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(counts) / (time.perf_counter() - started)


def in_process(describer: Describer, iri: str, seconds: float) -> float:
    deadline = time.perf_counter() + seconds
    done = 0
    started = time.perf_counter()
    while time.perf_counter() < deadline:
        describer.describe(iri)
        done += 1
    return done / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("clusterscord.access").disabled = True

    with tempfile.TemporaryDirectory() as tmp:
        root = synthetic(Path(tmp) / "project", args.entities)
        settings = load_settings(root=root, environ={})
        started = time.perf_counter()
        generation = build(settings)
        triples = generation.manifest()["stats"]["triples"]
        print(f"synthetic build: {triples} triples, {args.entities} incoming links to the hub, "
              f"{time.perf_counter() - started:.1f} s")

        describer = Describer(OxigraphStore(generation), Display.load(generation.display_path),
                              settings.page_size,
                              incoming_counts=incoming_counts.open_for(generation.path))
        entity, hub = B + "id/organisation/o42", B + "id/region/HUB"
        print(f"in-process describe, entity: {in_process(describer, entity, args.seconds):8.1f}/s")
        print(f"in-process describe, hub:    {in_process(describer, hub, args.seconds):8.1f}/s")

        with serving(settings) as base:
            cases = [
                ("entity page, HTML", "/doc/organisation/o42", {"Accept": "text/html"}),
                ("entity page, Turtle", "/doc/organisation/o42.ttl", {}),
                ("hub page, HTML (10k incoming)", "/doc/region/HUB", {"Accept": "text/html"}),
                ("hub page, Turtle", "/doc/region/HUB.ttl", {}),
                ("hub page, JSON", "/doc/region/HUB.json", {}),
                ("search.json", "/search.json?q=organisation%2042", {}),
            ]
            for name, path, headers in cases:
                rate = hammer(base + path, args.seconds, args.threads, headers)
                print(f"{name:32s} {rate:8.1f} pages/s  ({args.threads} clients, "
                      "werkzeug threaded server)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
