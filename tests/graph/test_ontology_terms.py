"""The ontology: every own term is labelled and explained in English and Czech."""

from __future__ import annotations

from pathlib import Path

import rdflib
from rdflib.namespace import OWL, RDF, RDFS

ROOT = Path(__file__).resolve().parents[2]
CC = "https://data.clusterscord.eu/def/"
KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)


def test_every_own_term_has_label_and_comment_in_english_and_czech():
    graph = rdflib.Graph().parse(ROOT / "ontology" / "clusterscord.ttl", format="turtle")
    terms = {s for kind in KINDS for s in graph.subjects(RDF.type, kind) if str(s).startswith(CC)}
    assert len(terms) >= 15
    for term in terms:
        for predicate in (RDFS.label, RDFS.comment):
            languages = [o.language for o in graph.objects(term, predicate)]
            assert sorted(languages) == ["cs", "en"], (term, predicate)


def test_own_classes_specialise_the_reused_vocabularies():
    graph = rdflib.Graph().parse(ROOT / "ontology" / "clusterscord.ttl", format="turtle")
    parent = {str(s)[len(CC):]: str(o) for s, o in graph.subject_objects(RDFS.subClassOf)
              if str(s).startswith(CC)}
    assert parent["Cluster"] == "http://www.w3.org/ns/org#FormalOrganization"
    assert parent["MetaCluster"] == "http://www.w3.org/ns/org#OrganizationalCollaboration"
    assert parent["WorkPackage"] == "http://schema.org/Project"


def test_no_label_on_a_term_we_do_not_own_and_every_reused_term_is_named():
    """Reused terms get an sh:name from the application profile, never an rdfs:label."""
    graph = rdflib.Graph().parse(ROOT / "ontology" / "clusterscord.ttl", format="turtle")
    foreign = sorted(str(s) for s in graph.subjects(RDFS.label, None)
                     if isinstance(s, rdflib.URIRef) and not str(s).startswith(CC))
    assert foreign == []
    reused = {s for kind in KINDS for s in graph.subjects(RDF.type, kind)
              if not str(s).startswith(CC)}
    assert len(reused) >= 40
    name = rdflib.URIRef("http://www.w3.org/ns/shacl#name")
    unnamed = sorted(str(s) for s in reused
                     if {o.language for o in graph.objects(s, name)} < {"en", "cs"})
    assert unnamed == []
