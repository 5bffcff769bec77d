"""RDF documents of a description: the same statements the page shows, in every RDF format."""

from __future__ import annotations

import pyoxigraph as ox

from publisher.core.iris import PREFIXES
from publisher.web.negotiate import Format

# Prefixes a document declares: the common ones, plus the base's own namespaces.
_COMMON = ("rdf", "rdfs", "xsd", "owl", "skos", "dct", "org", "schema", "foaf", "prov",
           "time", "geo", "wgs84", "adms", "dcat", "vcard", "locn", "m8g", "eurio")


def prefixes(base_iri: str) -> dict[str, str]:
    table = {name: PREFIXES[name] for name in _COMMON}
    table["cc"] = base_iri + "def/"
    table["id"] = base_iri + "id/"
    return table


def serialize(triples, fmt: Format, base_iri: str) -> bytes:
    """Bytes of the triples in fmt (sorted, so the same build gives the same bytes)."""
    ordered = sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    options = {}
    if fmt.rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD):
        options["prefixes"] = prefixes(base_iri)
    return ox.serialize(ordered, format=fmt.rdf, **options)
