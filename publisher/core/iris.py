"""The fixed tables of the IRI scheme: the source base, the vocabulary and the prefixes.

Source files (data and our own SPARQL files) are written against :data:`SOURCE_BASE`. A
deployment on another domain rebases every IRI under it onto its own base
(:class:`publisher.core.scheme.Scheme` builds every IRI and URL), so IRIs are minted from
the setting and never from a request. The one exception is the vocabulary,
:data:`VOCABULARY` (``/def/``): its terms are the same in every deployment, so data
published by two deployments can be merged and queried with the same terms.
"""

from __future__ import annotations

from publisher.core.config import DEFAULT_BASE_IRI

SOURCE_BASE = DEFAULT_BASE_IRI
VOCABULARY = SOURCE_BASE + "def/"
# Graphs the build writes besides the sources' own: the ontology and what rules derive.
ONTOLOGY_GRAPH = "ontology"
RULES_GRAPH = "rules"
# What rules derive, by the weakest confidence of the premises: high, medium, low.
DERIVED_GRAPHS = (RULES_GRAPH, "rules-medium", "rules-low")

PREFIXES = {
    "cc": VOCABULARY,
    "org": "http://www.w3.org/ns/org#",
    "schema": "http://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcatap": "http://data.europa.eu/r5r/",
    "adms": "http://www.w3.org/ns/adms#",
    "locn": "http://www.w3.org/ns/locn#",
    "void": "http://rdfs.org/ns/void#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "time": "http://www.w3.org/2006/time#",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "wgs84": "http://www.w3.org/2003/01/geo/wgs84_pos#",
    "eurio": "http://data.europa.eu/s66#",
    "m8g": "http://data.europa.eu/m8g/",
    "sh": "http://www.w3.org/ns/shacl#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "spdx": "http://spdx.org/rdf/terms#",
    "ldes": "https://w3id.org/ldes#",
    "tree": "https://w3id.org/tree#",
}

