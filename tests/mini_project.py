"""A tiny, self-contained project (ontology, data, shapes, a rule) for pipeline tests.

The build's own behaviour (errors, atomic publish, locks, rebasing) is tested on this
rather than on the real graph, so those tests stay fast and independent of the data.
"""

from __future__ import annotations

from pathlib import Path

ONTOLOGY = """\
@prefix cc: <https://data.clusterscord.eu/def/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
cc: a owl:Ontology ; rdfs:label "Mini"@en .
cc:Thing a owl:Class ; rdfs:label "Thing"@en , "Věc"@cs .
"""

DATA = """\
@prefix cc: <https://data.clusterscord.eu/def/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://data.clusterscord.eu/graph/seed> {
  <https://data.clusterscord.eu/id/thing/a> a cc:Thing ;
      skos:prefLabel "A"@en ; cc:size "3"^^xsd:integer .
  <https://data.clusterscord.eu/id/thing/b> a cc:Thing ;
      skos:prefLabel "Bé"@cs ; cc:size "4"^^xsd:integer ;
      cc:next <https://data.clusterscord.eu/id/thing/a> .
}
"""

SHAPES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix cc: <https://data.clusterscord.eu/def/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
cc:ThingShape a sh:NodeShape ; sh:targetClass cc:Thing ;
  sh:property [ sh:path skos:prefLabel ; sh:minCount 1 ] ;
  sh:property [ sh:path cc:size ; sh:datatype xsd:integer ; sh:maxCount 1 ] .
"""

RULE = """\
PREFIX cc: <https://data.clusterscord.eu/def/>
CONSTRUCT { ?b cc:previous ?a } WHERE { ?a cc:next ?b }
"""


def make(root: Path) -> Path:
    """Write the mini project under root and return root."""
    files = {
        "ontology/mini.ttl": ONTOLOGY,
        "data/things.trig": DATA,
        "shapes/thing.ttl": SHAPES,
        "sparql/rules/10-inverse.rq": RULE,
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
