"""The IRI scheme: namespaces, rebasing onto the configured base, and IRI ↔ path.

Source files (data and our own SPARQL files) are written against :data:`SOURCE_BASE`. A
deployment on another domain rebases every IRI under it onto its own base, so IRIs are
minted from the setting and never from a request. The one exception is the vocabulary,
:data:`VOCABULARY` (``/def/``): its terms are the same in every deployment, so data
published by two deployments can be merged and queried with the same terms.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from publisher.core.config import DEFAULT_BASE_IRI

SOURCE_BASE = DEFAULT_BASE_IRI
VOCABULARY = SOURCE_BASE + "def/"
# Graphs the build writes besides the sources' own: the ontology and what rules derive.
ONTOLOGY_GRAPH = "ontology"
RULES_GRAPH = "rules"
_REBASED_TEXT = re.compile(re.escape(SOURCE_BASE) + r"(?!def/)")

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

# Entities live at /id/{type}/{slug}; documents at /doc/{type}/{slug}; named graphs at
# /graph/{name}; ontology terms at /def/{term}.
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,199}$")
_TYPE = re.compile(r"^[a-z][a-z0-9-]{0,63}$")


def rebase(iri: str, base_iri: str, source_base: str = SOURCE_BASE) -> str:
    """Move an IRI written under the source base onto the configured base (not the vocabulary)."""
    if (
        base_iri != source_base
        and iri.startswith(source_base)
        and not iri.startswith(source_base + "def/")
    ):
        return base_iri + iri[len(source_base):]
    return iri


def rebase_text(text: str, base_iri: str) -> str:
    """Rebase the IRIs in one of our own SPARQL files (never in request text)."""
    if base_iri == SOURCE_BASE:
        return text
    return _REBASED_TEXT.sub(lambda _match: base_iri, text)


def rebase_term(term, base_iri: str, source_base: str = SOURCE_BASE):
    """Rebase a pyoxigraph term (named nodes, and those inside quoted triples)."""
    if base_iri == source_base:
        return term
    if isinstance(term, ox.NamedNode):
        return ox.NamedNode(rebase(term.value, base_iri, source_base))
    if isinstance(term, ox.Literal) and term.datatype.value == "http://www.w3.org/2001/XMLSchema#anyURI":
        return ox.Literal(rebase(term.value, base_iri, source_base), datatype=term.datatype)
    if isinstance(term, ox.Triple):
        return ox.Triple(*(rebase_term(t, base_iri, source_base) for t in term))
    return term


def rebase_quad(quad: ox.Quad, base_iri: str, source_base: str = SOURCE_BASE) -> ox.Quad:
    if base_iri == source_base:
        return quad
    graph = quad.graph_name
    if isinstance(graph, ox.NamedNode):
        graph = rebase_term(graph, base_iri, source_base)
    return ox.Quad(
        rebase_term(quad.subject, base_iri, source_base),
        rebase_term(quad.predicate, base_iri, source_base),
        rebase_term(quad.object, base_iri, source_base),
        graph,
    )


def entity_iri(base_iri: str, kind: str, slug: str) -> str:
    """The IRI of an entity, or ValueError when kind or slug is not of the IRI scheme."""
    if not _TYPE.match(kind) or not _SLUG.match(slug):
        raise ValueError(f"not an entity path: /id/{kind}/{slug}")
    return f"{base_iri}id/{kind}/{slug}"


def graph_iri(base_iri: str, name: str) -> str:
    return f"{base_iri}graph/{name}"


def split_entity_iri(base_iri: str, iri: str) -> tuple[str, str] | None:
    """(type, slug) for an entity IRI under the base, or None for any other IRI."""
    prefix = base_iri + "id/"
    if not iri.startswith(prefix):
        return None
    parts = iri[len(prefix):].split("/")
    if len(parts) != 2 or not _TYPE.match(parts[0]) or not _SLUG.match(parts[1]):
        return None
    return parts[0], parts[1]


def is_valid_type(kind: str) -> bool:
    return bool(_TYPE.match(kind))
