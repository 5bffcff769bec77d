"""Descriptions of the real graph: one structure with everything every format renders."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from publisher.artefacts.display import Display
from publisher.core.iris import RULES_GRAPH
from publisher.core.scheme import Scheme
from publisher.serve.describe import Describer

BASE = "https://data.clusterscord.eu/"
PROJECT = BASE + "id/project/clusters-cord"


@pytest.fixture(scope="module")
def describer(built, store):
    display = Display.load(built.generation.display_path)
    derived = frozenset({Scheme(BASE).graph(RULES_GRAPH)})
    return Describer(store, display, page_size=5, derived_graphs=derived)


def test_unknown_iri_has_no_description(describer):
    assert describer.describe(BASE + "id/project/nothing-here") is None


def test_project_has_labels_types_and_groups_ordered_by_the_shapes(describer):
    d = describer.describe(PROJECT)
    assert {"en", "cs"} <= set(d.labels)
    assert "http://schema.org/Project" in d.type_iris
    assert d.groups[-1].key == "" or all(g.key for g in d.groups)
    assert len(d.groups) >= 2


def test_structured_values_are_nested_with_their_sources(describer):
    d = describer.describe(PROJECT)
    [period] = [p for p in d.properties if p.predicate == "http://purl.org/dc/terms/temporal"]
    assert all(v.kind == "node" and v.properties for v in period.values)
    assert period.disputed  # March (seed) and April 2010 (slides)
    starts = {c.value for v in period.values for p in v.properties
              if p.predicate.endswith("startDate") for c in p.values}
    assert {"2010-03", "2010-04"} <= starts


def test_every_stated_fact_names_its_graph_and_linked_iris_have_labels(describer):
    d = describer.describe(PROJECT)
    for prop in d.properties:
        for value in prop.values:
            assert value.sources, prop.predicate
            if value.kind == "iri" and value.value.startswith(BASE + "id/"):
                assert value.labels, value.value


def test_incoming_links_are_counted_per_predicate_and_paged(describer):
    d = describer.describe(PROJECT)
    [members] = [b for b in d.incoming if b.predicate == "http://www.w3.org/ns/org#organization"]
    assert members.count == 16
    assert len(members.items) == 5 and members.next_offset == 5
    later = describer.describe(PROJECT, members.predicate, 15)
    [tail] = [b for b in later.incoming if b.predicate == members.predicate]
    assert len(tail.items) == 1 and tail.next_offset is None


def test_rdf_triples_hold_outgoing_nested_and_linked_labels(describer):
    d = describer.describe(PROJECT)
    subjects = {t.subject for t in d.triples}
    assert ox.NamedNode(PROJECT) in subjects
    assert any(isinstance(s, ox.BlankNode) for s in subjects)
    lead = ox.NamedNode(BASE + "id/organisation/rra-uk")
    assert any(t.subject == lead for t in d.triples) or any(
        t.subject.value.startswith(BASE + "id/membership/") for t in d.triples
        if isinstance(t.subject, ox.NamedNode)
    )
