"""Statistics of a built store, computed once at build time (VoID, pages, the catalogue).

Counts are materialised here so that no request ever has to scan the store for them.
"""

from __future__ import annotations

import pyoxigraph as ox

# Authorities the graph links to instead of minting: name → IRI namespace.
AUTHORITIES = {
    "nuts": "http://data.europa.eu/nuts/code/",
    "nace": "http://data.europa.eu/ux2/nace2/",
    "country": "http://publications.europa.eu/resource/authority/country/",
    "language": "http://publications.europa.eu/resource/authority/language/",
    "currency": "http://publications.europa.eu/resource/authority/currency/",
    "eu-programme": "http://publications.europa.eu/resource/authority/eu-programme/",
    "data-theme": "http://publications.europa.eu/resource/authority/data-theme/",
    "wikidata": "http://www.wikidata.org/entity/",
}

_QUERIES = {
    "triples": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "distinct_subjects": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "distinct_objects": "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "properties": "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "classes": "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { GRAPH ?g { ?s a ?c } }",
}


def _scalar(store: ox.Store, query: str, **bindings) -> int:
    for row in store.query(query, substitutions=_vars(bindings)):
        return int(row["n"].value)
    return 0


def compute(store: ox.Store, base_iri: str) -> dict:
    """Dataset, graph, class, property and linkset counts of the store."""
    result = {name: _scalar(store, q) for name, q in _QUERIES.items()}
    entity_prefix = base_iri + "id/"
    result["entities"] = _scalar(
        store,
        "SELECT ?prefix (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        "FILTER(isIRI(?s) && STRSTARTS(STR(?s), ?prefix)) } GROUP BY ?prefix",
        prefix=ox.Literal(entity_prefix),
    )
    result["graphs"] = {
        row["g"].value: int(row["n"].value)
        for row in store.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        )
    }
    result["class_partitions"] = {
        row["c"].value: int(row["n"].value)
        for row in store.query(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } "
            "GROUP BY ?c ORDER BY ?c"
        )
    }
    result["property_partitions"] = {
        row["p"].value: int(row["n"].value)
        for row in store.query(
            "SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p ORDER BY ?p"
        )
    }
    linksets = {}
    for name, namespace in AUTHORITIES.items():
        rows = store.query(
            "SELECT ?prefix ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
            "FILTER(isIRI(?o) && STRSTARTS(STR(?o), ?prefix)) } GROUP BY ?prefix ?p",
            substitutions=_vars({"prefix": ox.Literal(namespace)}),
        )
        by_predicate = {row["p"].value: int(row["n"].value) for row in rows}
        if by_predicate:
            linksets[name] = {"namespace": namespace, "links": by_predicate}
    result["linksets"] = linksets
    return result


def _vars(bindings: dict) -> dict:
    return {ox.Variable(name): term for name, term in bindings.items()}
