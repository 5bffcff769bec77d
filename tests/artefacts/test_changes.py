"""The change history: added, changed and removed entities per build; an LDES replicates it."""

from __future__ import annotations

import gzip
import json
import subprocess

import pyoxigraph as ox
import pytest

from publisher.artefacts import changes
from publisher.build.pipeline import build
from publisher.core.config import load_settings
from publisher.core.generation import Generations
from publisher.core.scheme import Scheme
from tests import mini_project
from tests.artefacts.test_feed_replica import strict_nquads
from tests.harvest_fixtures import NPM_BIN, free_port, settings_at, with_catalog
from tests.live import serving

BASE = "https://data.clusterscord.eu/id/thing/"
THING_C = """
  <https://data.clusterscord.eu/id/thing/c> a cc:Thing ; skos:prefLabel "C"@en ;
      cc:size "5"^^xsd:integer ; cc:span [ cc:from 1 ; cc:to [ cc:at 2 ] ] .
}
"""


def change_log(settings) -> changes.ChangeLog:
    return changes.read(Generations(settings.var).current().changes_path)


def latest(settings, entities_only: bool = True) -> dict[str, str]:
    """The versions of the latest build (of entities; of every resource if asked)."""
    log = change_log(settings)
    generation = log.generation
    return {v["entity"]: v["change"] for v in log.history if v["generation"] == generation
            and (not entities_only or v["entity"].startswith(BASE))}


def edit(root, old: str, new: str) -> None:
    path = root / "data" / "things.trig"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.fixture
def project(tmp_path):
    root = with_catalog(mini_project.make(tmp_path / "project"))
    return load_settings(root=root, environ={}, var_dir=tmp_path / "var")


def test_first_build_emits_every_entity_as_added(project):
    build(project)
    assert latest(project) == {BASE + "a": "added", BASE + "b": "added"}
    every = latest(project, entities_only=False)
    assert set(every.values()) == {"added"}
    assert {BASE + "a", BASE + "b"} < set(every)  # with the ontology, provenance, catalogue
    assert Generations(project.var).current().manifest()["changes"]["versions"] == len(every)


def test_rebuild_reports_added_changed_and_removed_entities(project):
    build(project)
    edit(project.root, '"3"^^xsd:integer', '"30"^^xsd:integer')
    edit(project.root, "\n}\n", THING_C)
    build(project)
    assert latest(project) == {BASE + "a": "changed", BASE + "c": "added"}
    edit(project.root, 'cc:next <https://data.clusterscord.eu/id/thing/a> .',
         'cc:next <https://data.clusterscord.eu/id/thing/c> .')
    edit(project.root, '<https://data.clusterscord.eu/id/thing/a> a cc:Thing ;\n'
                       '      skos:prefLabel "A"@en ; cc:size "30"^^xsd:integer .', '')
    build(project)
    # b now points at c; a is gone; c gains the inferred cc:previous from the rules graph
    assert latest(project) == {BASE + "a": "removed", BASE + "b": "changed",
                               BASE + "c": "changed"}
    log = change_log(project)
    assert len([v for v in log.history if v["entity"].startswith(BASE)]) == 2 + 2 + 3
    assert {iri for iri in log.hashes if iri.startswith(BASE)} == {BASE + "b", BASE + "c"}
    assert {iri for iri in log.last_modified() if iri.startswith(BASE)} == {BASE + "b",
                                                                          BASE + "c"}


def test_blank_node_labels_never_count_as_a_change(project):
    edit(project.root, "\n}\n", THING_C)
    build(project)
    before = change_log(project).hashes
    build(project)
    assert change_log(project).hashes == before
    assert latest(project, entities_only=False) == {}
    manifest = Generations(project.var).current().manifest()
    assert manifest["changes"] == {**manifest["changes"], "added": 0, "changed": 0, "removed": 0}


def test_hash_covers_nested_blank_node_structures():
    store = ox.Store()
    thing, p = ox.NamedNode(BASE + "x"), ox.NamedNode("http://example.org/p")
    graph = ox.NamedNode("https://data.clusterscord.eu/graph/g")
    outer, inner = ox.BlankNode(), ox.BlankNode()
    store.extend([ox.Quad(thing, p, outer, graph), ox.Quad(outer, p, inner, graph),
                  ox.Quad(inner, p, ox.Literal("1"), graph)])
    before = changes.entity_hashes(store, Scheme("https://data.clusterscord.eu/"))
    store.remove(ox.Quad(inner, p, ox.Literal("1"), graph))
    store.add(ox.Quad(inner, p, ox.Literal("2"), graph))
    after = changes.entity_hashes(store, Scheme("https://data.clusterscord.eu/"))
    assert changes.compare(before, after) == [(BASE + "x", "changed")]


def test_each_version_keeps_its_state_across_builds_and_from_the_legacy_file(project):
    first = build(project)
    edit(project.root, '"3"^^xsd:integer', '"4"^^xsd:integer')
    second = build(project)
    with changes.States(second.path) as states:
        before = states.get(f"{first.id} {BASE}a")
        after = states.get(f"{second.id} {BASE}a")
        assert states.get(f"{second.id} {BASE}b") is None  # unchanged: no new version
    assert before is not None and '"3"^^' in before
    assert after is not None and '"4"^^' in after
    # A generation made before the states moved to SQLite kept them as gzipped JSON.
    legacy = changes.states_path(second.path)
    with changes.States(second.path) as states:
        carried = {key: states.get(key) for key in
                   (f"{first.id} {BASE}a", f"{second.id} {BASE}a")}
    legacy.unlink()
    (second.path / changes.LEGACY_STATES_FILE).write_bytes(
        gzip.compress(json.dumps(carried).encode("utf-8")))
    edit(project.root, '"4"^^xsd:integer', '"5"^^xsd:integer')
    third = build(project)
    with changes.States(third.path) as states:
        for key, text in carried.items():
            assert states.get(key) == text
        assert '"5"^^' in (states.get(f"{third.id} {BASE}a") or "")


def test_ldes_client_replicates_every_version_the_builds_produced(tmp_path):
    client = NPM_BIN / "ldes-client"
    assert client.exists(), "ldes-client is missing: run `make setup` (npm ci)"
    port = free_port()
    root = with_catalog(mini_project.make(tmp_path / "project"))
    settings = settings_at(root, tmp_path / "var", port).replace(changes_page_size=2)
    build(settings)
    edit(root, '"3"^^xsd:integer', '"4"^^xsd:integer')
    edit(root, "\n}\n", THING_C)
    build(settings)
    edit(root, 'skos:prefLabel "Bé"@cs', 'skos:prefLabel "Bé"@cs , "B"@en')
    build(settings)
    history = change_log(settings).history
    versions = len(history)
    assert len([v for v in history if "/id/" in v["entity"]]) == 2 + 2 + 1
    with serving(settings, port=port) as url:
        result = subprocess.run([str(client), f"{url}/changes"], capture_output=True,
                                text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    quads = ox.parse(strict_nquads(result.stdout), format=ox.RdfFormat.N_QUADS)
    members = {q.subject for q in quads if q.predicate.value.endswith("/isVersionOf")}
    assert len(members) == versions
