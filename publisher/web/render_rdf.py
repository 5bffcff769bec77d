"""The RDF renderer of documents: the statements a page shows, in every RDF format of the
format registry (:mod:`publisher.web.negotiate`)."""

from __future__ import annotations

import pyoxigraph as ox

from publisher.core.iris import PREFIXES
from publisher.core.scheme import Scheme
from publisher.web.negotiate import Format

# Prefixes a document declares: the common ones, plus the base's own namespaces.
_COMMON = ("rdf", "rdfs", "xsd", "owl", "skos", "dct", "org", "schema", "foaf", "prov",
           "time", "geo", "wgs84", "adms", "dcat", "vcard", "locn", "m8g", "eurio")


# The writers that declare prefixes (the line-based formats write every IRI whole).
_PREFIXED = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD,
             ox.RdfFormat.N3)


def prefixes(scheme: Scheme) -> dict[str, str]:
    table = {name: PREFIXES[name] for name in _COMMON}
    table["cc"] = scheme.vocabulary
    table["id"] = scheme.entity_prefix
    return table


def serialize(triples, fmt: Format, scheme: Scheme) -> bytes:
    """Bytes of the triples in fmt, any RDF format of the registry (sorted, so the same
    build gives the same bytes; in the default graph for the dataset formats)."""
    writer = fmt.rdf
    if writer is None:
        raise ValueError(f"{fmt.label} is not an RDF format")
    ordered: list = sorted(set(triples),
                           key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    if writer.supports_datasets:
        ordered = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in ordered]
    body = ox.serialize(ordered, format=writer,
                        prefixes=prefixes(scheme) if writer in _PREFIXED else None)
    assert body is not None  # no output given: the bytes are returned
    return body
