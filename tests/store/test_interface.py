"""The store interface answers what the endpoint and the start-up check need, itself."""

from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest

from publisher.serve.preflight import DamagedStoreError, check_published
from publisher.store.backends import open_store
from tests.sparql_fixtures import publish_quads, settings_for

G1, G2 = ox.NamedNode("urn:x:g1"), ox.NamedNode("urn:x:g2")
S, P = ox.NamedNode("urn:x:s"), ox.NamedNode("urn:x:p")
QUADS = [ox.Quad(S, P, ox.Literal("one"), G1), ox.Quad(S, P, ox.Literal("two"), G2)]
COUNT = "SELECT (COUNT(*) AS ?n) {} WHERE {{ ?s ?p ?o }}"


def published(tmp_path, quads):
    settings = settings_for(tmp_path / "project", var_dir=tmp_path / "var")
    return settings, publish_quads(settings.var, quads, root=settings.root)


def count(result) -> int:
    return int(next(iter(result))["n"].value)


def test_client_queries_take_the_union_their_own_from_or_the_graphs_given(tmp_path):
    settings, generation = published(tmp_path, QUADS)
    store = open_store(settings, generation)
    base = settings.base_iri + "sparql"
    assert count(store.client_query(COUNT.format(""), base_iri=base)) == 2
    assert count(store.client_query(COUNT.format(f"FROM {G1}"), base_iri=base)) == 1
    assert count(store.client_query(COUNT.format(""), base_iri=base, default_graph=[G2],
                                    named_graphs=[])) == 1
    relative = "SELECT ?x WHERE { BIND(<here> AS ?x) }"
    [row] = list(store.client_query(relative, base_iri=base))
    assert row["x"] == ox.NamedNode(settings.base_iri + "here")


def test_the_start_up_check_asks_the_store_through_its_interface(tmp_path):
    settings, generation = published(tmp_path, QUADS)
    assert open_store(settings, generation).answers()
    assert check_published(settings) == generation.id


def test_an_empty_store_whose_manifest_counts_triples_is_refused(tmp_path):
    settings, generation = published(tmp_path, [])
    assert not open_store(settings, generation).answers()
    manifest = generation.manifest_path.read_text().replace('"triples": 0', '"triples": 5')
    generation.manifest_path.write_text(manifest)
    with pytest.raises(DamagedStoreError, match="is empty but its manifest counts 5"):
        check_published(settings)


def test_a_generation_without_its_query_texts_is_refused_saying_what_to_run(tmp_path):
    settings, generation = published(tmp_path, QUADS)
    shutil.rmtree(generation.path / "sparql")
    with pytest.raises(DamagedStoreError, match="run 'clusterscord build'"):
        check_published(settings)
