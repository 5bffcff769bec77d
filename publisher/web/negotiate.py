"""Content negotiation: one registry of formats, one way to choose among them.

:data:`REGISTRY` lists every format the site serves, once: its media type, extension,
aliases, the oxigraph writer that renders it (``rdf`` or ``results``; HTML and the entity
JSON have renderers of their own) and the surfaces that offer it, with its rank there
(lower first; the first offered format wins ties, so the default ranks 0). A surface's
formats are :func:`offered` from the registry, so a new format is its renderer and one
line here. q-values and specificity are honoured (werkzeug's Accept parsing); a
``format``/extension override is checked against the same table. Nothing here knows
about a particular view.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import Response, request
from werkzeug.datastructures import MIMEAccept

# The surfaces that offer formats: entity and ontology documents, CONSTRUCT/DESCRIBE
# answers, SELECT and ASK answers, and the endpoint's service description.
DOCUMENT, GRAPH, SOLUTIONS, BOOLEAN, SERVICE = (
    "document", "graph", "solutions", "boolean", "service")


@dataclass(frozen=True)
class Format:
    name: str
    ext: str
    mimetype: str
    label: str
    rdf: ox.RdfFormat | None = None
    results: ox.QueryResultsFormat | None = None
    aliases: tuple[str, ...] = ()
    # surface → rank on it (lower first)
    offer: dict[str, int] = field(default_factory=dict, hash=False, compare=False)

    @property
    def content_type(self) -> str:
        if self.mimetype.startswith("text/") or self.mimetype.endswith(("+json", "+xml", "/json")):
            return f"{self.mimetype}; charset=utf-8"
        return self.mimetype


# The aliases are the names clients ask for: Turtle is valid N3 and TriG, N-Triples is valid
# N-Quads and was served as text/plain before it had a media type, and SPARQL clients ask
# for results as plain JSON or XML.
HTML = Format("html", "html", "text/html", "HTML", aliases=("application/xhtml+xml",),
              offer={DOCUMENT: 0})
TURTLE = Format("turtle", "ttl", "text/turtle", "Turtle", rdf=ox.RdfFormat.TURTLE,
                aliases=("application/x-turtle", "text/n3", "application/trig"),
                offer={DOCUMENT: 1, GRAPH: 0, SERVICE: 0})
JSONLD = Format("jsonld", "jsonld", "application/ld+json", "JSON-LD", rdf=ox.RdfFormat.JSON_LD,
                offer={DOCUMENT: 2, GRAPH: 2, SERVICE: 2})
NTRIPLES = Format("ntriples", "nt", "application/n-triples", "N-Triples",
                  rdf=ox.RdfFormat.N_TRIPLES, aliases=("text/plain", "application/n-quads"),
                  offer={DOCUMENT: 3, GRAPH: 1, SERVICE: 1})
RDFXML = Format("rdfxml", "rdf", "application/rdf+xml", "RDF/XML", rdf=ox.RdfFormat.RDF_XML,
                offer={DOCUMENT: 4, GRAPH: 3, SERVICE: 3})
NQUADS = Format("nquads", "nq", "application/n-quads", "N-Quads", rdf=ox.RdfFormat.N_QUADS,
                offer={GRAPH: 4})
TRIG = Format("trig", "trig", "application/trig", "TriG", rdf=ox.RdfFormat.TRIG,
              offer={GRAPH: 5})
JSON = Format("json", "json", "application/json", "JSON", offer={DOCUMENT: 5})
RESULTS_JSON = Format("json", "srj", "application/sparql-results+json", "SPARQL JSON",
                      results=ox.QueryResultsFormat.JSON, aliases=("application/json",),
                      offer={SOLUTIONS: 0, BOOLEAN: 0})
RESULTS_XML = Format("xml", "srx", "application/sparql-results+xml", "SPARQL XML",
                     results=ox.QueryResultsFormat.XML, aliases=("application/xml", "text/xml"),
                     offer={SOLUTIONS: 1, BOOLEAN: 1})
RESULTS_CSV = Format("csv", "csv", "text/csv", "CSV", results=ox.QueryResultsFormat.CSV,
                     offer={SOLUTIONS: 2})
RESULTS_TSV = Format("tsv", "tsv", "text/tab-separated-values", "TSV",
                     results=ox.QueryResultsFormat.TSV, offer={SOLUTIONS: 3})

REGISTRY = (HTML, TURTLE, JSONLD, NTRIPLES, RDFXML, NQUADS, TRIG, JSON,
            RESULTS_JSON, RESULTS_XML, RESULTS_CSV, RESULTS_TSV)


def offered(surface: str) -> tuple[Format, ...]:
    """The formats a surface offers, its default first."""
    return tuple(sorted((f for f in REGISTRY if surface in f.offer),
                        key=lambda f: f.offer[surface]))


RDF_FORMATS = tuple(f for f in offered(DOCUMENT) if f.rdf is not None)
DOCUMENT_FORMATS = offered(DOCUMENT)


def by_extension(ext: str, offered=DOCUMENT_FORMATS) -> Format | None:
    for fmt in offered:
        if fmt.ext == ext or fmt.name == ext:
            return fmt
    return None


def choose(offered, accept=None) -> Format | None:
    """The best offered format for the request's Accept header (None: 406)."""
    accept = without_parameters(accept if accept is not None else request.accept_mimetypes)
    if not accept:
        return offered[0]
    table: dict[str, Format] = {}
    for fmt in offered:
        table.setdefault(fmt.mimetype, fmt)
    for fmt in offered:  # an offered format's own media type wins over another's alias
        for alias in fmt.aliases:
            table.setdefault(alias, fmt)
    allowed = [mimetype for mimetype in table if _quality(accept, mimetype) > 0]
    best = accept.best_match(allowed)
    return None if best is None else table[best]


def _quality(accept: MIMEAccept, mimetype: str) -> float:
    """The quality the most specific matching range gives (``x;q=0`` beats ``*/*``)."""
    ranges = (mimetype, mimetype.split("/", 1)[0] + "/*", "*/*")
    found = [(ranges.index(value), quality) for value, quality in accept if value in ranges]
    return min(found)[1] if found else 0


def without_parameters(accept: MIMEAccept) -> MIMEAccept:
    """The Accept header with media-type parameters dropped (q kept).

    A JSON-LD client asking for ``application/ld+json; profile="…#expanded"`` still gets
    JSON-LD: the parameters name a variant, not a different format.
    """
    return MIMEAccept([(value.split(";", 1)[0].strip(), quality) for value, quality in accept])


def not_acceptable(offered) -> Response:
    """406 with the formats that are available, as plain text."""
    lines = ["406 Not Acceptable: no offered format matches the Accept header.", "Available:"]
    lines += [f"  {fmt.mimetype}  ({fmt.label}, .{fmt.ext})" for fmt in offered]
    response = Response("\n".join(lines) + "\n", status=406, mimetype="text/plain")
    response.headers["Vary"] = "Accept"
    return response
