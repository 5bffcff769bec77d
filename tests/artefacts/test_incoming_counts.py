"""Incoming-link counts materialised at build time agree with the store, and are used."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from publisher.artefacts import incoming_counts
from publisher.artefacts.display import Display
from publisher.core.iris import RULES_GRAPH
from publisher.core.scheme import Scheme
from publisher.serve.describe import Describer

BASE = "https://data.clusterscord.eu/"
HUBS = [BASE + "id/project/clusters-cord", BASE + "id/region/CZ", BASE + "id/role/partner",
        BASE + "id/organisation/rra-uk", BASE + "def/WorkPackage"]


@pytest.fixture(scope="module")
def counts(built):
    opened = incoming_counts.open_for(built.generation.path)
    assert opened is not None, "the build wrote no incoming.sqlite"
    return opened


def live(store, iri):
    rows = store.select(store.view("incoming-counts"), o=ox.NamedNode(iri))
    return sorted((row["p"].value, int(row["n"].value)) for row in rows)


def test_build_writes_counts_equal_to_counting_in_the_store(built, store, counts):
    for iri in HUBS:
        assert sorted(counts.counts(iri)) == live(store, iri), iri
    assert counts.counts(BASE + "id/project/nothing-here") == []
    manifest = built.generation.manifest()
    assert manifest["incoming_counts"]["pairs"] > 100


def test_counts_cover_only_iris_under_the_base(counts):
    assert counts.covers(BASE + "id/region/CZ")
    assert not counts.covers("http://publications.europa.eu/resource/authority/country/CZE")


def test_descriptions_with_materialised_counts_equal_those_counted_live(built, store, counts):
    display = Display.load(built.generation.display_path)
    derived = frozenset({Scheme(BASE).graph(RULES_GRAPH)})
    fast = Describer(store, display, 5, derived, counts)
    slow = Describer(store, display, 5, derived)
    for iri in HUBS:
        a, b = fast.describe(iri), slow.describe(iri)
        assert [(x.predicate, x.count, [i.value for i in x.items]) for x in a.incoming] == [
            (x.predicate, x.count, [i.value for i in x.items]) for x in b.incoming], iri
