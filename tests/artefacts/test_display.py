"""The display profile of the real build: names of properties come from the right shapes."""

from __future__ import annotations

import pytest

from publisher.artefacts.display import Display

SKOS = "http://www.w3.org/2004/02/skos/core#"
ADMS_IDENTIFIER = "http://www.w3.org/ns/adms#Identifier"
REGION = "http://schema.org/AdministrativeArea"
BASE = "https://data.clusterscord.eu/"


@pytest.fixture(scope="module")
def display(built):
    return Display.load(built.generation.display_path)


def test_a_node_shape_without_target_class_names_the_class_of_its_values(display):
    # ccsh:Identifier has no sh:targetClass: the values of adms:identifier are its class.
    assert display.property_names(SKOS + "notation", [ADMS_IDENTIFIER]) == {
        "en": "code", "cs": "kód"}
    assert display.property_names("http://purl.org/dc/terms/creator", [ADMS_IDENTIFIER])[
        "en"] == "issued by"


def test_a_property_outside_the_nodes_shapes_takes_its_ontology_label_not_another_shapes(
        display):
    assert display.property_names(SKOS + "notation", [REGION])["en"] == "NUTS code"
    for types in ([], ["http://example.org/Unshaped"]):
        names = display.property_names(SKOS + "notation", types)
        assert names == {"en": "code", "cs": "kód"}, types
    assert display.property_names("http://example.org/unknown", []) == {}


def test_every_named_graph_carries_its_confidence(display):
    assert display.confidence(BASE + "graph/seed") == "high"
    assert display.confidence(BASE + "graph/slides") == "medium"
    assert display.confidence(BASE + "graph/ce13a") == "low"
    assert display.confidence(BASE + "graph/ce13b") == "low"
    assert display.confidence(BASE + "graph/no-such-graph") is None
