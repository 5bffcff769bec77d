"""Published generations made directly from quads, for endpoint tests.

The W3C protocol tests need their own graphs (data1.nt–data3.nt under the IRIs the
manifest names); this writes such a generation the way a build publishes one.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from publisher.artefacts.queries import write_texts
from publisher.core.config import load_settings
from publisher.core.generation import Generations
from publisher.core.scheme import Scheme

REPO = Path(__file__).resolve().parents[1]
VENDOR_TESTS = REPO / "tests" / "w3c"
PROTOCOL_TESTS = VENDOR_TESTS / "sparql11-protocol"
KASEI = "http://kasei.us/2009/09/sparql/data/"


def publish_quads(var: Path, quads: list[ox.Quad], base_iri: str = "https://data.clusterscord.eu/",
                  root: Path = REPO):
    """Publish a generation holding exactly these quads and the query texts of the project
    at root (as a build writes them); return it."""
    generations = Generations(var)
    built_at = datetime.now(UTC)
    with generations.lock():
        work = generations.begin(built_at.strftime("%Y%m%dT%H%M%S%fZ") + "-fixture")
        store = ox.Store(str(work.store_path))
        store.extend(quads)
        store.flush()
        graphs = Counter(q.graph_name.value for q in quads)
        manifest = {
            "id": work.id,
            "built_at": built_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "base_iri": base_iri,
            "stats": {"triples": len(quads), "graphs": dict(sorted(graphs.items()))},
        }
        del store
        manifest["queries"] = write_texts(root, work, Scheme(base_iri))
        work.manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
        return generations.publish(work)


def protocol_quads() -> list[ox.Quad]:
    """data1.nt–data3.nt, each in the named graph the manifest gives it."""
    quads = []
    for n in (1, 2, 3):
        graph = ox.NamedNode(f"{KASEI}data{n}.rdf")
        path = PROTOCOL_TESTS / f"data{n}.nt"
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES):
            quads.append(ox.Quad(triple.subject, triple.predicate, triple.object, graph))
    return quads


def settings_for(root: Path, **overrides):
    """Settings for a project rooted at root (no file, no environment)."""
    return load_settings(root=root, environ={}, **overrides)
