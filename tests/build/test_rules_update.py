"""Rules run as updates inside the store derive exactly what the CONSTRUCT path derives."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from publisher.build import rules
from publisher.build.sources import load_sources
from publisher.core.scheme import Scheme

ROOT = Path(__file__).resolve().parents[2]
SCHEME = Scheme("https://data.clusterscord.eu/")


def derived(store: ox.Store) -> Counter:
    """The derived graphs' quads, blank nodes blurred."""
    prefix = SCHEME.graph("rules")
    return Counter(
        tuple("_:" if isinstance(t, ox.BlankNode) else t
              for t in (q.subject, q.predicate, q.object, q.graph_name))
        for q in store if q.graph_name.value.startswith(prefix))


def applied(monkeypatch, *, construct: bool, listed: bool = False
            ) -> tuple[int, Counter, ox.Store]:
    store = ox.Store()
    store.bulk_extend(load_sources(ROOT, SCHEME).quads)
    with monkeypatch.context() as patch:
        if construct:  # every rule through the CONSTRUCT path, triple by triple
            patch.setattr(rules, "_split_construct", lambda _text: None)
        if listed:  # every level over a dataset listing its graphs, never the union
            patch.setattr(rules, "_covers_every_graph", lambda _store, _graphs: False)
        added = rules.apply(ROOT, SCHEME, store)
    return added, derived(store), store


def test_updates_derive_the_same_quads_in_the_same_graphs_as_construct(monkeypatch):
    added, quads, store = applied(monkeypatch, construct=False)
    reference_added, reference, _ = applied(monkeypatch, construct=True)
    assert added == reference_added > 1000
    assert quads == reference
    assert {g.value for g in store.named_graphs()} >= {SCHEME.graph(n) for n in (
        "rules", "rules-medium", "rules-low")}
    for weaker, stronger in (("rules-medium", "rules"), ("rules-low", "rules"),
                             ("rules-low", "rules-medium")):  # each triple at one level
        assert not (triples_of(store, weaker) & triples_of(store, stronger))


def triples_of(store: ox.Store, name: str) -> set[ox.Triple]:
    graph = ox.NamedNode(SCHEME.graph(name))
    return {ox.Triple(q.subject, q.predicate, q.object)
            for q in store.quads_for_pattern(None, None, None, graph)}


@pytest.mark.parametrize("text", [
    "PREFIX x: <http://e.org/#{}>\n# CONSTRUCT { in a comment }\n"
    "CONSTRUCT { ?s x:p \"}\" } WHERE { ?s ?p ?o }",
    "construct{?s <http://e.org/{p}> ?o}where{?s ?p ?o}",
])
def test_a_rule_splits_at_its_template_whatever_braces_iris_strings_and_comments_hold(text):
    prologue, template, rest = rules._split_construct(text)
    assert "?s" in template and rest.strip().lower().startswith("where")
    assert prologue.strip() == "" or prologue.lstrip().startswith("PREFIX")


def test_a_query_that_is_no_construct_is_left_to_the_construct_path():
    assert rules._split_construct("SELECT * WHERE { ?s ?p ?o }") is None
    assert rules._split_construct("DESCRIBE <http://e.org/x>") is None


def test_a_level_over_every_graph_derives_over_the_union_what_a_listed_dataset_derives(
        monkeypatch):
    added, quads, store = applied(monkeypatch, construct=False)
    listed_added, listed, _ = applied(monkeypatch, construct=False, listed=True)
    assert added == listed_added > 1000
    assert quads == listed
    low = triples_of(store, "rules-low")
    assert low and not (low & triples_of(store, "rules"))
