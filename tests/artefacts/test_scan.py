"""The build's one pass over the store gives what each artefact's own query or pass gives.

The build scans its in-memory store; these tests scan the published (on-disk) store again
and compare with the queries that define each artefact and with what the build wrote.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

from publisher.artefacts import catalog, changes, incoming_counts, search_index, stats
from publisher.artefacts.queries import Queries
from publisher.artefacts.scan import scan
from publisher.core.scheme import Scheme

BASE = "https://data.clusterscord.eu/"
SCHEME = Scheme(BASE)


def test_labels_are_the_rows_of_the_search_labels_query(built, store):
    labels = search_index.Labels(SCHEME)
    scan(store.raw, [labels])
    predicates = [ox.NamedNode(iri) for iri in search_index.BOOSTS]
    expected = set()
    for row in Queries(built.generation).run(store.raw, "build", "search-labels",
                                             values=("p", predicates)):
        iri, label = row["s"].value, row["label"]
        kind = search_index.index_type(SCHEME, iri)
        if kind is not None:
            predicate = row["p"].value
            expected.add((iri, kind, label.language or "", predicate,
                          search_index.BOOSTS[predicate], label.value))
    assert len(labels.rows) == len(set(labels.rows)) == len(expected) > 500
    assert set(labels.rows) == expected


def test_incoming_links_count_as_the_grouped_query_counts(built, store):
    links = incoming_counts.IncomingLinks(SCHEME)
    scan(store.raw, [links])
    expected = incoming_counts.count(Queries(built.generation), store.raw, SCHEME)
    assert links.rows() == sorted(expected)
    assert len(expected) > 100


def test_statistics_of_the_published_store_are_those_the_build_counted_in_memory(built, store):
    build_graph = ox.NamedNode(SCHEME.graph(catalog.BUILD_GRAPH))
    statistics = stats.Statistics(SCHEME)
    scan(store.raw, [statistics], skip_graphs=frozenset({build_graph}))
    counted = statistics.result()
    assert counted == built.generation.manifest()["stats"]
    [row] = store.raw.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    later = sum(1 for _ in store.raw.quads_for_pattern(None, None, None, build_graph))
    assert int(row["n"].value) - later == counted["triples"]


def test_entity_hashes_of_the_published_store_are_those_of_the_change_history(built, store):
    written = json.loads(built.generation.changes_path.read_text(encoding="utf-8"))["hashes"]
    again = changes.entity_hashes(store.raw, SCHEME)
    assert again == written
    assert len(written) > 100


def test_a_scan_skips_the_default_graph_and_the_graphs_it_is_told_to():
    seen = []

    class Recorder:
        def add(self, graph, subject, predicate, obj):
            seen.append((graph.value, predicate))

    store = ox.Store()
    p, g, h = (ox.NamedNode(f"http://example.org/{n}") for n in "pgh")
    store.extend([ox.Quad(p, p, p, g), ox.Quad(p, p, p, h), ox.Quad(p, p, p)])
    scan(store, [Recorder()], skip_graphs=frozenset({h}))
    assert seen == [("http://example.org/g", "http://example.org/p")]


def test_catalogue_coverage_and_examples_are_the_rows_of_their_queries(built, store):
    collected = catalog.Collected(SCHEME)
    scan(store.raw, [collected])
    queries = Queries(built.generation)
    catalog_graph = ox.NamedNode(SCHEME.graph(catalog.CATALOG_GRAPH))
    places = {row["place"].value for row in queries.run(
        store.raw, "catalog", "coverage-places", catalog=catalog_graph)}
    assert collected.places == places and len(places) > 5
    firsts = [row["first"].value for row in queries.run(
        store.raw, "catalog", "examples", prefix=ox.Literal(SCHEME.entity_prefix))]
    assert collected.examples() == firsts and len(firsts) > 5


def test_typed_iris_of_the_pass_are_the_rows_of_the_typed_subjects_query(built, store):
    statistics = stats.Statistics(SCHEME)
    scan(store.raw, [statistics])
    rows = Queries(built.generation).run(store.raw, "build", "typed-subjects")
    expected = {(row["s"].value, row["c"].value) for row in rows}
    assert sorted(statistics.typed_iris()) == sorted(expected)
    assert len(expected) > 100


def test_a_collector_that_names_its_predicates_gets_only_their_quads():
    seen, everything = [], []

    class Picky:
        predicates = frozenset({"http://example.org/p"})

        def add(self, graph, subject, predicate, obj):
            seen.append(predicate)

    class Greedy:
        def add(self, graph, subject, predicate, obj):
            everything.append(predicate)

    store = ox.Store()
    p, q, g = (ox.NamedNode(f"http://example.org/{n}") for n in "pqg")
    store.extend([ox.Quad(p, p, p, g), ox.Quad(p, q, p, g)])
    scan(store, [Picky(), Greedy()])
    assert seen == ["http://example.org/p"]
    assert sorted(everything) == ["http://example.org/p", "http://example.org/q"]
