"""The ontology at /def/: documentation in both languages, every term dereferenceable.

* ``/def/`` is the ontology (its IRI): HTML documentation or the whole ontology graph, by
  negotiation (``Vary: Accept``, ``Content-Location: /def/ontology.{ext}``).
* ``/def/ontology.{html,ttl,jsonld,nt,rdf,json}``: the same, in a fixed format.
* ``/def/{Term}`` is a term (hash-less IRI): 303 See Other to ``/def/{Term}.{ext}`` chosen
  by ``Accept``, exactly like ``/id/…`` → ``/doc/…``; ``/def/{Term}.{ext}`` is its
  document (its description, plus the shapes that constrain it).
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, render_template

from publisher.core.iris import ONTOLOGY_GRAPH
from publisher.core.scheme import Scheme
from publisher.web import caching, documents, i18n
from publisher.web.negotiate import DOCUMENT_FORMATS, HTML, JSON, choose, not_acceptable
from publisher.web.pages import split_extension
from publisher.web.render_rdf import serialize
from publisher.web.site import site

bp = Blueprint("ontology", __name__)

_TERM = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,127}$")
ONTOLOGY_DOC = Scheme.term_path("ontology")
CLASS_KINDS = {"http://www.w3.org/2002/07/owl#Class", "http://www.w3.org/2000/01/rdf-schema#Class"}


def _ontology_graph() -> ox.NamedNode:
    return ox.NamedNode(site().scheme().graph(ONTOLOGY_GRAPH))


def ontology_terms() -> dict:
    """Classes and properties declared by the ontology, with their axioms and shapes."""
    store = site().store()
    rows = store.query(store.view("ontology-terms"),
                       default_graph=[_ontology_graph()])
    terms: dict[str, dict] = {}
    for row in rows:
        iri = row["term"].value
        entry = terms.setdefault(iri, {"iri": iri, "kinds": set(), "super": set(),
                                       "domain": set(), "range": set()})
        entry["kinds"].add(row["kind"].value)
        for key in ("super", "domain", "range"):
            if row[key] is not None:
                entry[key].add(row[key].value)
    p = documents.presenter()
    display = documents.display()
    classes: list[dict[str, Any]] = []
    properties: list[dict[str, Any]] = []
    schemes: list[dict[str, Any]] = []
    for iri, entry in sorted(terms.items()):
        item: dict[str, Any] = {
            "iri": iri,
            "url": p.href(iri),
            "label": p.label(display.term_labels(iri), iri),
            "comment": i18n.pick_label(display.term_comments(iri), p.lang) or "",
            "super": [_link(p, display, t) for t in sorted(entry["super"])],
            "domain": [_link(p, display, t) for t in sorted(entry["domain"])],
            "range": [_link(p, display, t) for t in sorted(entry["range"])],
            "constraints": shape_constraints(iri),
        }
        if entry["kinds"] & CLASS_KINDS:
            classes.append(item)
        elif any(kind.endswith("ConceptScheme") for kind in entry["kinds"]):
            schemes.append(item)
        else:
            properties.append(item)
    def by_label(item: dict[str, Any]) -> str:
        return item["label"].casefold()

    return {"classes": sorted(classes, key=by_label),
            "properties": sorted(properties, key=by_label),
            "schemes": sorted(schemes, key=by_label)}


def _link(p, display, iri: str) -> dict:
    return {"iri": iri, "url": p.href(iri),
            "label": p.label(display.term_labels(iri), iri)}


def shape_constraints(iri: str) -> list[dict]:
    """The SHACL constraints on a term: as a property (per class) or as a class's shape."""
    display = documents.display()
    p = documents.presenter()
    found = []
    for constraint in display.constraints.get(iri, []):
        found.append({
            "on": _link(p, display, constraint["class"]),
            "path": _link(p, display, iri),
            "min": constraint.get("minCount"), "max": constraint.get("maxCount"),
            "datatype": constraint.get("datatype"),
            "range": _link(p, display, constraint["range"]) if "range" in constraint else None,
        })
    by_class = defaultdict(list)
    for path in display.class_properties(iri):
        for constraint in display.constraints.get(path, []):
            if constraint["class"] == iri:
                by_class[path].append(constraint)
    for path, constraints in sorted(by_class.items()):
        for constraint in constraints:
            found.append({
                "on": _link(p, display, iri),
                "path": _link(p, display, path),
                "min": constraint.get("minCount"), "max": constraint.get("maxCount"),
                "datatype": constraint.get("datatype"),
                "range": _link(p, display, constraint["range"]) if "range" in constraint
                else None,
            })
    return found


def ontology_document(fmt, negotiated: bool) -> Response:
    scheme = site().scheme()
    variant = documents.variant_of(ONTOLOGY_DOC, fmt)
    early = documents.not_modified(variant)
    if early is not None:
        return early
    if fmt.rdf is not None:
        triples = [
            ox.Triple(q.subject, q.predicate, q.object)
            for q in site().store().query(site().store().view("graph-triples"),
                                          default_graph=[_ontology_graph()])
        ]
        response = Response(serialize(triples, fmt, scheme),
                            content_type=fmt.content_type)
    else:
        base = scheme.vocabulary
        terms = ontology_terms()
        if fmt is JSON:
            response = Response(
                _json({"iri": base, **terms, "formats": documents.alternates(ONTOLOGY_DOC)}),
                content_type=fmt.content_type,
            )
        else:
            d = documents.describer().describe(base)
            html = render_template("ontology.html", terms=terms, d=d, p=documents.presenter(),
                                   formats=documents.alternates(ONTOLOGY_DOC),
                                   base_path=ONTOLOGY_DOC)
            response = Response(html, content_type=fmt.content_type)
    return documents.finish(response, fmt, ONTOLOGY_DOC, negotiated, variant)


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False)


@bp.get("/def/")
def ontology():
    fmt = choose(DOCUMENT_FORMATS)
    if fmt is None:
        return not_acceptable(DOCUMENT_FORMATS)
    return ontology_document(fmt, negotiated=True)


@bp.get("/def/<name>")
def term(name: str):
    stem, fmt = split_extension(name)
    if stem == "ontology" and fmt is not None:
        return ontology_document(fmt, negotiated=False)
    if not _TERM.match(stem):
        return documents.not_found_response()
    scheme = site().scheme()
    iri = scheme.term(stem)
    if fmt is None:
        fmt = choose(DOCUMENT_FORMATS)
        if fmt is None:
            return not_acceptable(DOCUMENT_FORMATS)
        if not documents.describer().exists(iri):
            return documents.not_found_response(iri)
        response = redirect(scheme.term_path(stem, fmt.ext if fmt is not HTML else "html"),
                            code=303)
        response.vary.add("Accept")
        return caching.with_cors(response)
    return documents.document_response(
        iri, fmt, scheme.term_path(stem), ["term.html"],
        extra=lambda d, _describe: {"constraints": shape_constraints(d.iri)},
    )
