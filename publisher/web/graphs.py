"""Named graphs dereference like entities: ``/graph/{name}[.ext]``, a page and RDF.

Every triple sits in the named graph of the document that states it, and those graph IRIs
are linked from every source page and from example queries. Each answers with what the
store says about the graph (its source, confidence, labels: the provenance graph), plus
what the build counted: its triple count (``void:triples``) and the dump that holds it
with its graph name (``void:dataDump``, the N-Quads file). Unknown graphs get a 404.
"""

from __future__ import annotations

import dataclasses

import pyoxigraph as ox
from flask import Blueprint

from publisher.artefacts import dumps
from publisher.core.generation import DumpEntry, Manifest
from publisher.core.scheme import Scheme
from publisher.web import documents
from publisher.web.negotiate import DOCUMENT_FORMATS, choose, not_acceptable
from publisher.web.pages import split_extension
from publisher.web.site import site

bp = Blueprint("graphs", __name__)

VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
TEMPLATES = ["graph.html"]


def graph_dump(manifest: Manifest) -> DumpEntry | None:
    """The published dump that keeps named graphs (the N-Quads file)."""
    return next((e for e in dumps.published(manifest) if e.get("named_graphs")), None)


@bp.get("/graph/<name>")
def graph(name: str):
    stem, fmt = split_extension(name)
    scheme, manifest = site().scheme(), site().manifest()
    iri = scheme.graph(stem)
    count = manifest.get("stats", {}).get("graphs", {}).get(iri)
    if count is None:
        return documents.not_found_response(iri)
    negotiated = fmt is None
    if negotiated:
        fmt = choose(DOCUMENT_FORMATS)
        if fmt is None:
            return not_acceptable(DOCUMENT_FORMATS)
    base_path = Scheme.graph_path(stem)
    description = documents.describer().describe(iri)
    if description is None:
        return documents.not_found_response(iri)
    node = ox.NamedNode(iri)
    extra = [ox.Triple(node, RDF_TYPE, ox.NamedNode(VOID + "Dataset")),
             ox.Triple(node, ox.NamedNode(VOID + "triples"), ox.Literal(
                 str(count), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))]
    entry = graph_dump(manifest)
    if entry is not None:
        extra.append(ox.Triple(node, ox.NamedNode(VOID + "dataDump"),
                               ox.NamedNode(scheme.dump(entry["file"]))))
    description = dataclasses.replace(
        description, triples=list(dict.fromkeys([*description.triples, *extra])))
    context = {"graph": {
        "triples": count,
        "dump": entry is not None,
        "dump_file": entry["file"] if entry else None,
        "dump_path": Scheme.dump_path(entry["file"]) if entry else None,
    }}
    response = documents.render(description, fmt, base_path, TEMPLATES, **context)
    return documents.finish(response, fmt, base_path, negotiated,
                            documents.variant_of(base_path, fmt))
