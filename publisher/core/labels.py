"""Which label names a thing: label predicates in order of preference, one label per language."""

from __future__ import annotations

LABEL_PREDICATES = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://schema.org/name",
    "http://xmlns.com/foaf/0.1/name",
    "http://purl.org/dc/terms/title",
    "http://www.w3.org/2006/vcard/ns#fn",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://www.w3.org/2004/02/skos/core#notation",
    # the name the application profile gives a reused term (we label only what we own)
    "http://www.w3.org/ns/shacl#name",
)
LABEL_RANK = {iri: rank for rank, iri in enumerate(LABEL_PREDICATES)}


def best_labels(rows) -> dict[str, str]:
    """{language: label} from (label predicate, literal) pairs, best predicate first."""
    ranked: dict[str, tuple[int, str]] = {}
    for predicate, literal in rows:
        rank = LABEL_RANK.get(predicate, len(LABEL_RANK))
        lang = literal.language or ""
        if lang not in ranked or (rank, literal.value) < ranked[lang]:
            ranked[lang] = (rank, literal.value)
    return {lang: text for lang, (_rank, text) in ranked.items()}
