"""RDF documents of a description: the same statements the page shows, in every RDF format."""

from __future__ import annotations

import pyoxigraph as ox

from publisher.core.iris import PREFIXES
from publisher.core.scheme import Scheme
from publisher.web.negotiate import Format

# Prefixes a document declares: the common ones, plus the base's own namespaces.
_COMMON = ("rdf", "rdfs", "xsd", "owl", "skos", "dct", "org", "schema", "foaf", "prov",
           "time", "geo", "wgs84", "adms", "dcat", "vcard", "locn", "m8g", "eurio")


def prefixes(scheme: Scheme) -> dict[str, str]:
    table = {name: PREFIXES[name] for name in _COMMON}
    table["cc"] = scheme.vocabulary
    table["id"] = scheme.entity_prefix
    return table


def serialize(triples, fmt: Format, scheme: Scheme) -> bytes:
    """Bytes of the triples in fmt (sorted, so the same build gives the same bytes)."""
    ordered = sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    options = {}
    if fmt.rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD):
        options["prefixes"] = prefixes(scheme)
    return ox.serialize(ordered, format=fmt.rdf, **options)
