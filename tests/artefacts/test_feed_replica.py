"""The change feed carries state: ldes-client, keeping the latest version of each resource,
rebuilds the whole published graph quad for quad from the feed alone."""

from __future__ import annotations

import re
import subprocess
import time
from collections import defaultdict

import pyoxigraph as ox
import requests

from publisher.artefacts import changes
from publisher.build.pipeline import build
from publisher.core.generation import Generations
from tests import mini_project
from tests.harvest_fixtures import NPM_BIN, free_port, settings_at, with_catalog
from tests.production import production

THING_C = """
  <https://data.clusterscord.eu/id/thing/c> a cc:Thing ; skos:prefLabel "C"@en ;
      cc:size "5"^^xsd:integer ; cc:span [ cc:from 1 ; cc:to [ cc:at 2 ] ] .
}
"""
AS = "https://www.w3.org/ns/activitystreams#"
XSD = "http://www.w3.org/2001/XMLSchema#"
# ldes-client writes numbers and booleans bare (Turtle shorthand) in its N-Quads output.
BARE = re.compile(r"(?<=> )(true|false|[+-]?\d*\.\d+|[+-]?\d+)(?= <[^>]*> \.$| \.$)", re.M)


def strict_nquads(text: str) -> bytes:
    def typed(match: re.Match) -> str:
        value = match.group(1)
        kind = ("boolean" if value in ("true", "false")
                else "decimal" if "." in value else "integer")
        return f'"{value}"^^<{XSD}{kind}>'

    return BARE.sub(typed, text).encode("utf-8")
LDES = "https://w3id.org/ldes#"


def edit(root, old: str, new: str) -> None:
    path = root / "data" / "things.trig"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def described(quads) -> dict[str, list[str]]:
    """IRI subject → its outgoing quads as canonical lines (blank nodes expanded in place,
    so two graphs compare equal exactly when they hold the same quads up to blank labels)."""
    subjects: dict = defaultdict(list)
    for quad in quads:
        subjects[quad.subject].append((quad.graph_name, quad.predicate, quad.object))
    out = {}
    for subject, items in subjects.items():
        if isinstance(subject, ox.NamedNode):
            out[subject.value] = sorted(changes._line(subjects, g, p, o, frozenset())
                                        for g, p, o in items)
    return out


def test_ldes_client_rebuilds_the_whole_graph_from_the_feed_quad_for_quad(tmp_path):
    client = NPM_BIN / "ldes-client"
    assert client.exists(), "ldes-client is missing: run `make setup` (npm ci)"
    port = free_port()
    root = with_catalog(mini_project.make(tmp_path / "project"))
    settings = settings_at(root, tmp_path / "var", port).replace(changes_page_size=2)
    build(settings)
    time.sleep(1.1)  # versions of one entity in two builds get distinct timestamps
    edit(root, "\n}\n", THING_C)  # c added (with nested blank nodes), b changed, a removed
    edit(root, 'cc:next <https://data.clusterscord.eu/id/thing/a> .',
         'cc:next <https://data.clusterscord.eu/id/thing/c> .')
    edit(root, '<https://data.clusterscord.eu/id/thing/a> a cc:Thing ;\n'
               '      skos:prefLabel "A"@en ; cc:size "3"^^xsd:integer .', '')
    generation = build(settings)
    log = changes.read(Generations(settings.var).current().changes_path)
    assert {v["change"] for v in log.history} == {"added", "changed", "removed"}
    store = ox.Store.read_only(str(generation.store_path))
    every = list(store.quads_for_pattern(None, None, None, None))
    expected = described(every)
    # every blank node hangs under some subject, so the IRI subjects' lines cover every quad
    blanks = {q.subject for q in every if isinstance(q.subject, ox.BlankNode)}
    assert blanks <= {q.object for q in every}
    assert set(expected) == set(log.hashes)
    with production(settings.var, tmp_path / "server.log", root=root, port=port,
                    changes_page_size=2) as server:
        root_doc = requests.get(server.base + "/changes", headers={"Accept": "text/turtle"},
                                timeout=30).text
        assert f"{LDES}versionDeletePath" in root_doc or "ldes:versionDeletePath" in root_doc
        result = subprocess.run([str(client), "--materialize", "--last-version-only",
                                 f"{server.base}/changes"], capture_output=True, text=True,
                                timeout=120)
    assert result.returncode == 0, result.stderr
    quads = list(ox.parse(strict_nquads(result.stdout), format=ox.RdfFormat.N_QUADS))
    deleted = {q.subject.value for q in quads
               if q.predicate.value.endswith("#type") and q.object.value == AS + "Delete"}
    state = [q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)]
    replica = described(state)
    assert deleted == {settings.base_iri + "id/thing/a"}
    assert replica == expected
