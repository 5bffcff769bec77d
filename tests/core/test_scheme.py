"""The IRI and URL scheme: one value object builds every IRI and site path of a deployment."""

from __future__ import annotations

import dataclasses

import pyoxigraph as ox
import pytest

from publisher.core.iris import PREFIXES, SOURCE_BASE, VOCABULARY
from publisher.core.scheme import INERT_LINK, Scheme, SchemeError, is_valid_type, with_query

OTHER = "http://127.0.0.1:8765/kg/"


@pytest.fixture
def source():
    return Scheme(SOURCE_BASE)


@pytest.fixture
def other():
    return Scheme(OTHER)


def test_a_base_that_is_not_an_http_iri_ending_in_a_slash_is_refused():
    for bad in ("https://data.example.org", "ftp://data.example.org/", "data.example.org/", ""):
        with pytest.raises(SchemeError):
            Scheme(bad)


def test_the_scheme_is_a_frozen_value(other):
    with pytest.raises(dataclasses.FrozenInstanceError):
        other.base = SOURCE_BASE  # type: ignore[misc]
    assert other == Scheme(OTHER) and hash(other) == hash(Scheme(OTHER))


def test_the_vocabulary_is_the_same_on_every_base(source, other):
    assert source.vocabulary == other.vocabulary == VOCABULARY == PREFIXES["cc"]
    assert other.term("confidence") == SOURCE_BASE + "def/confidence"
    assert other.is_vocabulary(SOURCE_BASE + "def/inRegion")
    assert not other.is_vocabulary(OTHER + "def/inRegion")


def test_entity_iris_are_built_and_split_back(other):
    iri = other.entity("organisation", "rra-uk")
    assert iri == OTHER + "id/organisation/rra-uk"
    assert other.split_entity(iri) == ("organisation", "rra-uk")
    assert other.kind_prefix("role") == OTHER + "id/role/"
    assert other.entity_prefix == OTHER + "id/"


def test_what_is_not_an_entity_of_the_base_does_not_split(source, other):
    assert other.split_entity(SOURCE_BASE + "id/organisation/rra-uk") is None
    assert other.split_entity(OTHER + "id/organisation") is None
    assert other.split_entity(OTHER + "id/organisation/rra-uk/extra") is None
    assert other.split_entity(OTHER + "id/Bad/rra-uk") is None
    assert source.split_entity("http://example.org/id/organisation/x") is None


def test_an_entity_outside_the_scheme_is_a_value_error(other):
    for kind, slug in (("Organisation", "x"), ("organisation", "../x"), ("a b", "x"),
                       ("organisation", "")):
        with pytest.raises(ValueError):
            other.entity(kind, slug)
    assert is_valid_type("work-package") and not is_valid_type("Work")


def test_graphs_endpoint_catalogue_dumps_and_feed_are_under_the_base(other):
    assert other.graph("seed") == OTHER + "graph/seed"
    assert other.endpoint == OTHER + "sparql"
    assert other.service == OTHER + "sparql#service"
    assert other.catalog == OTHER + "catalog"
    assert other.catalog_node("dataset") == OTHER + "catalog#dataset"
    assert other.dumps == OTHER + "dumps/"
    assert other.dump("graph.nq.gz") == OTHER + "dumps/graph.nq.gz"
    assert other.feed == OTHER + "changes"
    assert other.feed_page(3) == OTHER + "changes/3"
    assert other.feed_node("view") == OTHER + "changes#view"
    assert other.url("/sitemap.xml") == OTHER + "sitemap.xml"


def test_a_feed_version_names_the_generation_and_the_entity(other):
    entity = other.entity("event", "final-conference")
    assert other.feed_version("g1", entity) == OTHER + "changes/version/g1/event/final-conference"
    assert other.feed_version("g1", "http://example.org/x") == (
        OTHER + "changes/version/g1/entity/unknown")


def test_rebasing_moves_every_source_iri_but_the_vocabulary(source, other):
    assert other.rebase(SOURCE_BASE + "id/sector/ict") == OTHER + "id/sector/ict"
    assert other.rebase(SOURCE_BASE + "graph/seed") == OTHER + "graph/seed"
    assert other.rebase(VOCABULARY + "Cluster") == VOCABULARY + "Cluster"
    assert other.rebase("http://schema.org/name") == "http://schema.org/name"
    assert source.rebase(SOURCE_BASE + "id/sector/ict") == SOURCE_BASE + "id/sector/ict"


def test_rebasing_a_quad_reaches_graph_quoted_triples_and_anyuri_literals(other):
    any_uri = ox.NamedNode("http://www.w3.org/2001/XMLSchema#anyURI")
    quad = ox.Quad(
        ox.NamedNode(SOURCE_BASE + "id/project/clusters-cord"),
        ox.NamedNode(VOCABULARY + "confidence"),
        ox.Literal(SOURCE_BASE + "doc/x", datatype=any_uri),
        ox.NamedNode(SOURCE_BASE + "graph/seed"),
    )
    moved = other.rebase_quad(quad)
    assert moved.subject == ox.NamedNode(OTHER + "id/project/clusters-cord")
    assert moved.predicate == ox.NamedNode(VOCABULARY + "confidence")
    assert moved.object == ox.Literal(OTHER + "doc/x", datatype=any_uri)
    assert moved.graph_name == ox.NamedNode(OTHER + "graph/seed")
    quoted = ox.Triple(ox.NamedNode(SOURCE_BASE + "id/a/b"), ox.NamedNode(VOCABULARY + "p"),
                       ox.Literal("x"))
    assert other.rebase_term(quoted).subject == ox.NamedNode(OTHER + "id/a/b")
    assert other.rebase_term(ox.Literal("plain " + SOURCE_BASE)) == ox.Literal(
        "plain " + SOURCE_BASE)


def test_rebasing_our_query_text_keeps_the_vocabulary(source, other):
    text = f"SELECT * {{ <{SOURCE_BASE}id/a/b> <{VOCABULARY}inRegion> ?r }}"
    assert other.rebase_text(text) == f"SELECT * {{ <{OTHER}id/a/b> <{VOCABULARY}inRegion> ?r }}"
    assert source.rebase_text(text) == text


def test_links_go_to_documents_here_and_vocabulary_documentation_on_any_base(other):
    assert other.link_for(OTHER + "id/organisation/rra-uk") == "/doc/organisation/rra-uk"
    assert other.link_for(OTHER + "graph/seed") == "/graph/seed"
    assert other.link_for(VOCABULARY + "Cluster") == "/def/Cluster"
    assert other.link_for("http://data.europa.eu/nuts/code/CZ") == (
        "http://data.europa.eu/nuts/code/CZ")
    assert other.link_for("javascript:alert(1)") == INERT_LINK
    assert other.local_path(OTHER + "id/a/b") == "/id/a/b"
    assert other.local_path(SOURCE_BASE + "id/a/b") is None
    assert other.is_ours(OTHER + "x") and not other.is_ours(SOURCE_BASE + "x")


def test_site_paths_are_relative_and_escaped():
    assert Scheme.document_path("organisation", "rra-uk") == "/doc/organisation/rra-uk"
    assert Scheme.document_path("organisation", "rra-uk", "ttl") == "/doc/organisation/rra-uk.ttl"
    assert Scheme.document_path("a", "b/c") == "/doc/a/b%2Fc"
    assert Scheme.term_path("Cluster", "html") == "/def/Cluster.html"
    assert Scheme.browse_path() == "/browse"
    assert Scheme.browse_path("sector", "json") == "/browse/sector.json"
    assert Scheme.dump_path("graph.nq.gz") == "/dumps/graph.nq.gz"
    assert Scheme.graph_path("seed") == Scheme(OTHER).link_for(OTHER + "graph/seed")
    assert Scheme.graph_path("seed", "ttl") == "/graph/seed.ttl"
    assert Scheme.feed_path() == "/changes" and Scheme.feed_path(2) == "/changes/2"
    assert Scheme.query_path("partners-by-country") == "/sparql?name=partners-by-country"
    assert with_query("/search", q="Ústí nad Labem", page=None) == (
        "/search?q=%C3%9Ast%C3%AD+nad+Labem")
    assert with_query("/search") == "/search"
    assert all(path.startswith("/") for path in Scheme(OTHER).paths().values())
