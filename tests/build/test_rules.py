"""The build rules: alignment and inverse links go into the derived graphs, and only there."""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest

from publisher.build.sources import load_sources
from publisher.core.scheme import Scheme

BASE = "https://data.clusterscord.eu/"
RULES = f"<{BASE}graph/rules>"
PROJECT = f"<{BASE}id/project/clusters-cord>"


def in_rules(store, pattern: str) -> bool:
    return store.ask(f"ASK {{ GRAPH {RULES} {{ {pattern} }} }}")


@pytest.mark.parametrize("pattern", [
    f"{PROJECT} a eurio:Project ; eurio:identifier \"2CE202P1\" ; eurio:duration 36",
    f"{PROJECT} schema:name \"Clusters Cord\"@en ; rdfs:label \"Clusters Cord\"@cs",
    f"<{BASE}id/organisation/wrs> a foaf:Organization , eurio:Organisation ;"
    " foaf:name \"Wirtschaftsförderung Region Stuttgart GmbH\"@de",
    f"<{BASE}id/organisation/nca> a foaf:Organization",
    f"<{BASE}id/membership/clusters-cord-rra-uk> a eurio:OrganisationRole ;"
    f" eurio:isRoleOf <{BASE}id/organisation/rra-uk> ; eurio:isInvolvedIn {PROJECT} ;"
    " eurio:roleLabel \"coordinator\"",
    f"<{BASE}id/membership/clusters-cord-wrs> eurio:roleLabel \"participant\"",
    f"<{BASE}id/amount/budget-seed> a eurio:MonetaryAmount ; eurio:value 1460000.0 ;"
    " eurio:currency <http://publications.europa.eu/resource/authority/currency/EUR>",
    f"{PROJECT} eurio:hasTotalCost <{BASE}id/amount/budget-seed> ;"
    f" eurio:isFundedBy <{BASE}id/grant/clusters-cord>",
    f"{PROJECT} eurio:hasRelatedProject <{BASE}id/project/cncb>",
    f"{PROJECT} schema:url <http://www.clusterscord.eu>",
    f"<{BASE}id/region/CZ042> schema:containedInPlace <{BASE}id/region/CZ04>",
])
def test_rules_graph_holds_the_alignment(store, pattern):
    assert in_rules(store, pattern)


@pytest.mark.parametrize("pattern", [
    f"<{BASE}id/organisation/rra-uk> org:hasMembership <{BASE}id/membership/clusters-cord-rra-uk>",
    f"<{BASE}id/region/CZ04> skos:narrower <{BASE}id/region/CZ042>",
    f"{PROJECT} dct:hasPart <{BASE}id/work-package/wp1> , <{BASE}id/event/final-conference>",
    f"{PROJECT} schema:funding <{BASE}id/grant/clusters-cord>",
    f"<{BASE}id/place/wrs-seat> org:siteOf <{BASE}id/organisation/wrs>",
    f"{PROJECT} org:hasMember <{BASE}id/organisation/arleg>",
    f"<{BASE}id/organisation/arleg> org:memberOf {PROJECT}",
])
def test_rules_graph_holds_the_inverse_links(store, pattern):
    assert in_rules(store, pattern)


@pytest.mark.parametrize("pattern", [
    f"<{BASE}id/organisation/rra-uk> cc:inRegion <{BASE}id/region/CZ042> ,"
    f" <{BASE}id/region/CZ04> , <{BASE}id/region/CZ0> , <{BASE}id/region/CZ>",
    f"<{BASE}id/place/hotel-diplomat> cc:inRegion <{BASE}id/region/CZ01>",
])
def test_regions_of_seats_are_derived_at_the_medium_confidence_of_their_assignment(store, pattern):
    assert store.ask(f"ASK {{ GRAPH <{BASE}graph/rules-medium> {{ {pattern} }} }}")
    assert not in_rules(store, pattern)


def test_schema_dates_of_the_project_period_each_at_its_sources_confidence(store):
    assert in_rules(store, f'{PROJECT} schema:startDate "2010-03"^^xsd:gYearMonth ;'
                           ' schema:endDate "2013-02"^^xsd:gYearMonth')
    assert store.ask(f"""ASK {{ GRAPH <{BASE}graph/rules-medium> {{
        {PROJECT} schema:startDate "2010-04"^^xsd:gYearMonth }} }}""")


def test_eurio_legal_names_and_addresses(store):
    assert in_rules(store, f"""<{BASE}id/organisation/wrs>
        eurio:legalName "Wirtschaftsförderung Region Stuttgart GmbH" .
        <{BASE}id/place/wko-ooe-seat> eurio:hasAddress ?a .
        ?a a eurio:PostalAddress ; eurio:streetAddress "Hessenplatz 3" ;
           eurio:addressLocality "Linz" ; eurio:addressCountry "AT" """)


def test_member_shortcuts_only_for_partners_of_high_confidence_graphs(store):
    members = {row["o"].value.rsplit("/", 1)[1] for row in store.select(
        f"SELECT ?o WHERE {{ GRAPH {RULES} {{ {PROJECT} org:hasMember ?o }} }}")}
    assert len(members) == 10
    assert "bsc-kranj" not in members and "mpo" not in members


def test_every_rdfs_label_of_an_entity_comes_from_a_pref_label(store):
    stray = store.select(f"""SELECT ?s ?l WHERE {{ GRAPH {RULES} {{ ?s rdfs:label ?l }}
        FILTER NOT EXISTS {{ ?s skos:prefLabel ?l }} }}""")
    assert stray == []


def test_no_rule_writes_into_a_source_graph(built, store):
    sources = load_sources(built.settings.root, Scheme(built.settings.base_iri))
    expected = Counter()
    seen = set()
    for quad in sources.quads:
        if quad not in seen:
            seen.add(quad)
            expected[quad.graph_name.value] += 1
    for graph, count in expected.items():
        stored = sum(1 for _ in store.raw.quads_for_pattern(None, None, None, ox.NamedNode(graph)))
        assert stored == count, graph
    assert f"{BASE}graph/rules" not in expected
