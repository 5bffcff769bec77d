"""Provenance never launders: a derived triple is never more certain than its premises, and
only partners count as participants in the EURIO and ORG views."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from publisher.build import rules
from publisher.build.sources import load_sources
from publisher.core.scheme import Scheme

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://data.clusterscord.eu/"
CC = f"{BASE}def/"
PROJECT = f"<{BASE}id/project/clusters-cord>"
CONFIDENCE = ox.NamedNode(f"{CC}confidence")
PARTNER_ROLES = {f"{BASE}id/role/lead-partner", f"{BASE}id/role/partner"}


def declared_confidence(quads) -> dict[str, str]:
    found: dict[str, str] = {}
    for quad in quads:
        if quad.predicate == CONFIDENCE and isinstance(quad.subject, ox.NamedNode):
            found[quad.subject.value] = quad.object.value.removeprefix(CC)
    return found


def key(subject, predicate, obj) -> tuple:
    """A triple with its blank nodes blurred: two loads of the sources name them differently."""
    return tuple("_:" if isinstance(term, ox.BlankNode) else term
                 for term in (subject, predicate, obj))


def high_only_derivation() -> set[tuple]:
    """What the rules derive from the graphs declared high and nothing else."""
    sources = load_sources(ROOT, Scheme(BASE))
    levels = declared_confidence(sources.quads)
    store = ox.Store()
    store.extend(q for q in sources.quads
                 if isinstance(q.graph_name, ox.NamedNode)
                 and levels.get(q.graph_name.value) == "high")
    rules.apply(ROOT, Scheme(BASE), store)
    return {key(q.subject, q.predicate, q.object) for q in store
            if isinstance(q.graph_name, ox.NamedNode)
            and q.graph_name.value.startswith(f"{BASE}graph/rules")}


def test_no_triple_in_a_graph_declared_high_rests_on_medium_or_low_premises(built, store):
    levels = {r["g"].value: r["c"].value.removeprefix(CC) for r in store.select(
        "SELECT ?g ?c WHERE { ?g cc:confidence ?c }")}
    derivable = high_only_derivation()
    derived_high = [g for g, level in levels.items()
                    if level == "high" and g.startswith(f"{BASE}graph/rules")]
    assert f"{BASE}graph/rules" in derived_high
    laundered = []
    for graph in derived_high:
        for quad in store.raw.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            if key(quad.subject, quad.predicate, quad.object) not in derivable:
                laundered.append(quad)
    assert laundered == [], laundered[:5]


def test_known_weak_facts_are_derived_only_into_weak_graphs(store):
    def graphs(pattern: str) -> set[str]:
        return {r["g"].value.rsplit("/", 1)[1] for r in store.select(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {pattern} }} FILTER(STRSTARTS(STR(?g), "
            f"\"{BASE}graph/rules\")) }}")}
    # BSC Kranj: low (re-hosted page) and medium (DEX) sources only.
    assert graphs(f"?m eurio:isRoleOf <{BASE}id/organisation/bsc-kranj>") == {"rules-medium"}
    # The re-hosted budget figures: low.
    assert graphs(f"<{BASE}id/amount/budget-ce13b> eurio:value ?v") == {"rules-low"}
    # Partner 10's NUTS 2 region, known only from a re-hosted page: low.
    assert graphs(f"<{BASE}id/organisation/cvvirr> cc:inRegion ?r") == {"rules-low"}
    # The April start of the slides: medium; the March start of the seed: high.
    assert graphs(f'{PROJECT} schema:startDate "2010-04"^^xsd:gYearMonth') == {"rules-medium"}
    assert graphs(f'{PROJECT} schema:startDate "2010-03"^^xsd:gYearMonth') == {"rules"}


def test_derived_graphs_are_described_with_their_confidence_and_premises(store):
    found = {r["g"].value.rsplit("/", 1)[1]: r["c"].value.removeprefix(CC) for r in store.select(
        """SELECT ?g ?c WHERE { ?g cc:confidence ?c ; prov:wasGeneratedBy ?a .
           ?a a prov:Activity }""")}
    assert found == {"rules": "high", "rules-medium": "medium", "rules-low": "low"}
    premises = {r["p"].value.rsplit("/", 1)[1] for r in store.select(
        f"""SELECT ?p WHERE {{ GRAPH <{BASE}graph/rules-medium> {{
            <{BASE}graph/rules-medium> prov:wasDerivedFrom ?p }} }}""")}
    assert {"seed", "slides", "dex", "final-deck"} <= premises and "ce13a" not in premises
    high = {r["p"].value.rsplit("/", 1)[1] for r in store.select(
        f"""SELECT ?p WHERE {{ GRAPH <{BASE}graph/rules> {{
            <{BASE}graph/rules> prov:wasDerivedFrom ?p }} }}""")}
    assert "seed" in high and not high & {"slides", "dex", "ce13a", "general-knowledge"}


def test_a_medium_premise_gives_a_medium_derived_triple():
    store = ox.Store()
    graph = ox.NamedNode(f"{BASE}graph/example-medium")
    thing = ox.NamedNode(f"{BASE}id/event/example")
    label = ox.Literal("Example", language="en")
    store.add(ox.Quad(graph, CONFIDENCE, ox.NamedNode(f"{CC}medium"),
                      ox.NamedNode(f"{BASE}graph/provenance")))
    store.add(ox.Quad(thing, ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
                      label, graph))
    rules.apply(ROOT, Scheme(BASE), store)
    rdfs_label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    placed = {q.graph_name.value.rsplit("/", 1)[1]
              for q in store.quads_for_pattern(thing, rdfs_label, label, None)}
    assert placed == {"rules-medium"}


def test_observers_and_cooperation_targets_are_not_counted_as_participants(store):
    involved = store.select(f"""SELECT ?m ?role WHERE {{ {PROJECT} eurio:hasInvolvedParty ?m .
        ?m org:role ?role }}""")
    assert involved and {r["role"].value for r in involved} <= PARTNER_ROLES
    members = store.select(f"""SELECT ?org WHERE {{ {PROJECT} org:hasMember ?org
        FILTER NOT EXISTS {{ ?m org:member ?org ; org:organization {PROJECT} ; org:role ?r
          FILTER(?r IN (<{BASE}id/role/lead-partner>, <{BASE}id/role/partner>)) }} }}""")
    assert members == []
    for observer in ("mpo", "mmr", "czechinvest", "ustecky-kraj"):
        org = f"<{BASE}id/organisation/{observer}>"
        assert not store.ask(f"ASK {{ {PROJECT} org:hasMember {org} }}")
        assert not store.ask(f"ASK {{ ?m eurio:isRoleOf {org} }}")
    targets = [r["t"].value for r in store.select(f"""SELECT ?t WHERE {{
        {PROJECT} cc:seeksCooperationWith ?t
        FILTER NOT EXISTS {{ ?m org:member ?t ; org:role <{BASE}id/role/observer> }} }}""")]
    assert {t.rsplit("/", 1)[1] for t in targets} == {
        "nca", "european-cluster-observatory", "cncb", "c-plus"}
    for target in targets:
        assert not store.ask(f"ASK {{ ?m org:member <{target}> }}")
        assert not store.ask(f"ASK {{ ?m eurio:isRoleOf <{target}> }}")
        assert not store.ask(f"ASK {{ {PROJECT} org:hasMember <{target}> }}")
