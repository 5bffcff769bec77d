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


def test_the_readers_of_the_profile_answer_from_the_build(display):
    assert display.type_classes("organisation")[0] == "http://schema.org/Organization"
    assert display.term_labels(BASE + "def/confidence") == {
        "en": "confidence", "cs": "spolehlivost"}
    assert display.term_comments(BASE + "def/confidence")["en"].startswith("How far the facts")
    assert "http://www.w3.org/ns/org#hasSite" in display.class_properties(
        "http://www.w3.org/ns/org#Organization")


def test_a_generation_without_a_display_profile_reads_as_empty(tmp_path):
    empty = Display.load(tmp_path / "display.json")
    assert empty.type_classes("organisation") == []
    assert empty.term_labels(BASE + "def/confidence") == {}
    assert empty.term_comments(BASE + "def/confidence") == {}
    assert empty.class_properties("http://www.w3.org/ns/org#Organization") == []
    assert empty.confidence(BASE + "graph/seed") is None
    assert empty.layout(["http://www.w3.org/ns/org#Organization"], ["p"]) == [("", {}, ["p"])]


def test_the_build_chooses_the_datasets_own_project_for_the_home_page_and_the_maps(display):
    # Clusters Cord has the most memberships; the pages bind their queries to it instead
    # of aggregating every collaboration at request time.
    assert display.main_project == "https://data.clusterscord.eu/id/project/clusters-cord"
