"""/openapi.json: the HTTP interface described as OpenAPI 3.1 (DESIGN.md §3).

The paths are generated from the application's routes (``app.url_map``), so the document
lists every route and nothing else; what each route does is described here by endpoint
(:data:`ROUTES`). A route without a description is still listed, with a bare summary,
and a test fails on it. The server is the published generation's base IRI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import Blueprint, current_app, jsonify
from werkzeug.routing import Map

from publisher.web import caching
from publisher.web.site import site

bp = Blueprint("openapi", __name__)

RDF = {
    "text/turtle": {"schema": {"type": "string"}},
    "application/ld+json": {"schema": {"type": "object"}},
    "application/n-triples": {"schema": {"type": "string"}},
    "application/rdf+xml": {"schema": {"type": "string"}},
}


def _param(name, where, description, schema=None, required=False, example=None):
    out = {"name": name, "in": where, "description": description,
           "required": required or where == "path", "schema": schema or {"type": "string"}}
    if example is not None:
        out["example"] = example
    return out


LANG = _param("lang", "query", "Page language (otherwise a cookie, then Accept-Language).",
              {"type": "string", "enum": ["en", "cs"]})
ACCEPT = _param("Accept", "header", "Format by content negotiation; q-values honoured.")
INCOMING = [
    _param("incoming", "query", "Predicate IRI whose incoming links to page through."),
    _param("offset", "query", "Offset in that predicate's incoming links.",
           {"type": "integer", "minimum": 0}),
]
CACHED = {
    "ETag": {"schema": {"type": "string"}, "description": "Per build and variant."},
    "Last-Modified": {"schema": {"type": "string"}, "description": "Build time."},
    "Vary": {"schema": {"type": "string"}, "description": "Accept (negotiated responses)."},
    "Link": {"schema": {"type": "string"},
             "description": "rel=alternate links to every format of the document."},
}


def _resp(description, content=None, headers=None):
    out = {"description": description}
    if content:
        out["content"] = content
    if headers:
        out["headers"] = headers
    return out


def _json_ref(name):
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}


def _document(summary, json_schema):
    return {"get": {
        "summary": summary,
        "parameters": [ACCEPT, LANG, *INCOMING],
        "responses": {
            "200": _resp("The document, in the negotiated (or extension's) format.",
                         {"text/html": {"schema": {"type": "string"}}, **RDF,
                          **_json_ref(json_schema)}, CACHED),
            "304": _resp("Not modified (If-None-Match / If-Modified-Since)."),
            "404": _resp("Unknown entity: an HTML page, or one line of text."),
            "406": _resp("No offered format matches Accept; the body lists them."),
        },
    }}


def _redirect(summary):
    return {"get": {
        "summary": summary,
        "parameters": [ACCEPT],
        "responses": {
            "303": _resp("See Other: the document in the format chosen by Accept.",
                         headers={"Location": {"schema": {"type": "string"}},
                                  "Vary": {"schema": {"type": "string"}}}),
            "404": _resp("Not a term or entity."),
            "406": _resp("No offered format matches Accept."),
        },
    }}


def _simple(summary, content_type="application/json", params=(), extra=None):
    responses = {"200": _resp(summary, {content_type: {"schema": {}}})}
    responses.update(extra or {})
    return {"get": {"summary": summary, "parameters": list(params), "responses": responses}}


# Path parameters, by the name they have in a described path.
PATH_PARAMS = {
    "type": _param("type", "path", "The entity type segment of the IRI (project, "
                   "organisation…)."),
    "slug": _param("slug", "path", "The entity's slug."),
    "ext": _param("ext", "path", "Format extension.",
                  {"type": "string", "enum": ["html", "ttl", "jsonld", "nt", "rdf", "json"]}),
    "term": _param("term", "path", "An ontology term's local name."),
    "graph": _param("graph", "path", "A named graph's name (seed, wrs, rules…)."),
    "file": _param("file", "path", "A dump's file name (listed in the catalogue)."),
    "page": _param("page", "path", "Page number, from 0.", {"type": "integer", "minimum": 0}),
    "n": _param("n", "path", "Sitemap page number, from 0.", {"type": "integer", "minimum": 0}),
}
SPARQL_QUERY = _param("query", "query", "A SPARQL 1.1 query.")

LINK = {"type": "object", "required": ["iri", "label", "url"], "properties": {
    "iri": {"type": "string"}, "label": {"type": "string"}, "url": {"type": "string"}}}
VALUE = {"type": "object", "required": ["type", "sources"], "properties": {
    "type": {"enum": ["link", "literal", "node"]},
    "iri": {"type": "string"}, "label": {"type": "string"}, "url": {"type": "string"},
    "value": {"type": "string"}, "lang": {"type": "string"}, "datatype": {"type": "string"},
    "types": {"type": "array", "items": LINK},
    "properties": {"type": "array", "items": {"$ref": "#/components/schemas/Property"}},
    "sources": {"type": "array", "items": {"type": "string"},
                "description": "Names of the sources stating this value."},
    "confidence": {"enum": ["high", "medium", "low", None],
                   "description": "How far the value can be trusted: the confidence of its "
                                  "surest source, capped by a confidence flag on the value "
                                  "itself (a low-confidence amount)."}}}
PROPERTY = {"type": "object", "required": ["iri", "name", "values"], "properties": {
    "iri": {"type": "string"}, "name": {"type": "string"},
    "disputed": {"type": "boolean",
                 "description": "Several values from different sources (shown side by side)."},
    "values": {"type": "array", "items": {"$ref": "#/components/schemas/Value"}}}}
ENTITY_PAGE = {"type": "object", "required": ["iri", "url", "lang", "label", "types", "groups",
                                              "incoming", "sources", "formats"], "properties": {
    "iri": {"type": "string"}, "url": {"type": "string"}, "lang": {"enum": ["en", "cs"]},
    "label": {"type": "string"},
    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
    "description": {"type": "string"},
    "types": {"type": "array", "items": LINK},
    "groups": {"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": "string"},
        "properties": {"type": "array", "items": {"$ref": "#/components/schemas/Property"}}}}},
    "incoming": {"type": "array", "items": {"type": "object", "properties": {
        "iri": {"type": "string"}, "name": {"type": "string"}, "count": {"type": "integer"},
        "offset": {"type": "integer"}, "items": {"type": "array", "items": LINK},
        "next": {"type": ["string", "null"]}}}},
    "sources": {"type": "array", "items": {"type": "object", "properties": {
        "graph": {"type": "string"}, "name": {"type": "string"}, "url": {"type": "string"}}}},
    "formats": {"type": "object", "additionalProperties": {"type": "string"}},
    "members": {"type": "array", "description": "In role order (lead partner, partners, "
                "observers, initiatives), then by name.", "items": {"type": "object",
                "properties": {
        "iri": {"type": "string"}, "label": {"type": "string"}, "url": {"type": "string"},
        "role": {"type": "string"}, "membership": {"type": "string"},
        "sources": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "url": {"type": "string"},
            "confidence": {"enum": ["high", "medium", "low", None]}}}},
        "confidence": {"enum": ["high", "medium", "low", None],
                       "description": "The membership's surest source, capped by a "
                                      "confidence flag on the membership."}}}},
    "members_page": {"type": "object", "description": "The members listed are one page "
                     "of at most page_size.", "properties": {
        "count": {"type": "integer"}, "offset": {"type": "integer"},
        "next": {"type": ["string", "null"]}, "first": {"type": ["string", "null"]}}},
    "seats": {"type": "array", "items": {"type": "object", "properties": {
        "label": {"type": "string"}, "url": {"type": "string"},
        "lat": {"type": "number"}, "long": {"type": "number"},
        "current": {"type": "boolean",
                    "description": "The seat of the page's own organisation."}}}}}}
SEARCH_RESULTS = {"type": "object", "properties": {
    "query": {"type": "string"}, "total": {"type": "integer"}, "page": {"type": "integer"},
    "types": {"type": "array", "items": {"type": "string"}},
    "facets": {"type": "array", "items": {"type": "object"}},
    "results": {"type": "array", "items": {"type": "object", "properties": {
        "iri": {"type": "string"}, "label": {"type": "string"}, "matched": {"type": "string"},
        "type": {"type": "string"}, "type_name": {"type": "string"},
        "url": {"type": "string"}}}},
    "next": {"type": ["string", "null"]}, "previous": {"type": ["string", "null"]}}}
BROWSE_PAGE = {"type": "object", "properties": {
    "type": {"type": "string"}, "name": {"type": "string"}, "total": {"type": "integer"},
    "page": {"type": "integer"}, "pages": {"type": "integer"},
    "items": {"type": "array", "items": LINK},
    "next": {"type": ["string", "null"]}, "previous": {"type": ["string", "null"]}}}


def _page():
    return _param("page", "query", "Page number, from 1.", {"type": "integer", "minimum": 1})


@dataclass(frozen=True)
class Route:
    """How one endpoint is described: its path item (operations by method), the OpenAPI
    names of its rule's arguments, and other spellings of its last path segment (a
    ``{slug}`` that also answers as ``{slug}.{ext}``) with their own path items."""

    item: dict
    names: dict[str, str] = field(default_factory=dict)
    forms: dict[str, dict] = field(default_factory=dict)


_SPARQL = {
    "get": {"summary": "SPARQL 1.1 Protocol query by GET; without a query, the "
                       "service description or the query page.",
            "parameters": [SPARQL_QUERY,
                           _param("default-graph-uri", "query", "Default graph."),
                           _param("named-graph-uri", "query", "Named graph."),
                           _param("name", "query", "A named example query to run."),
                           ACCEPT],
            "responses": {"200": _resp("Results (JSON, XML, CSV, TSV) or a graph."),
                          "400": _resp("Malformed query (the parser's message)."),
                          "403": _resp("Updates are refused."),
                          "406": _resp("No matching result format.")}},
    "post": {"summary": "Query by POST (form or application/sparql-query).",
             "requestBody": {"content": {
                 "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
                 "application/sparql-query": {"schema": {"type": "string"}}}},
             "responses": {"200": _resp("Results or a graph."),
                           "400": _resp("Malformed query."),
                           "403": _resp("Updates are refused.")}},
}
_SEARCH_PARAMS = [_param("q", "query", "Search text.", example="usti"),
                  _param("type", "query", "Type filter (repeatable).")]
_FEED = "What changed, when: a Linked Data Event Stream (TREE/LDES)"

ROUTES: dict[str, Route] = {
    "pages.home": Route(_simple("Home page (HTML).", "text/html", [LANG])),
    "pages.home_json": Route(_simple("The home page as JSON: counts, types, links.",
                                     params=[LANG])),
    "pages.thing": Route(_redirect("An entity IRI: 303 to its document."), {"kind": "type"}),
    "pages.document": Route(
        _document("The entity's document, negotiated (Content-Location names the variant).",
                  "EntityPage"),
        {"kind": "type", "name": "slug"},
        {"{slug}.{ext}": _document("The entity's document in one format.", "EntityPage")}),
    "ontology.ontology": Route(_document(
        "The ontology: documentation (HTML, JSON) or its graph (RDF).", "EntityPage")),
    "ontology.term": Route(
        _redirect("An ontology term: 303 to /def/{term}.{ext}."), {"name": "term"},
        {"{term}.{ext}": _document("An ontology term's document, with its SHACL constraints.",
                                   "EntityPage"),
         "ontology.{ext}": _document("The ontology in one format.", "EntityPage")}),
    "graphs.graph": Route(
        _document("A named graph: its source, confidence and triple count, negotiated.",
                  "EntityPage"),
        {"name": "graph"},
        {"{graph}.{ext}": _document("A named graph's document in one format.", "EntityPage")}),
    "browse.browse_index": Route(_simple("Every entity type with its count (HTML).",
                                         "text/html", [LANG])),
    "browse.browse_index_json": Route(_simple("Every entity type with its count.",
                                              params=[LANG])),
    "browse.browse_type": Route(
        _simple("Entities of one type, by label, paged (HTML).", "text/html", [_page(), LANG]),
        {"name": "type"},
        {"{type}.json": {"get": {
            "summary": "Entities of one type, by label, paged.",
            "parameters": [_page(), LANG],
            "responses": {"200": _resp("One page.", _json_ref("BrowsePage")),
                          "404": _resp("Unknown type.")}}}}),
    "browse.search": Route(_simple("Label search (HTML); accents and case folded.",
                                   "text/html", [*_SEARCH_PARAMS, _page(), LANG])),
    "browse.search_json": Route({"get": {
        "summary": "Label search for autocomplete; accents and case folded.",
        "parameters": [*_SEARCH_PARAMS,
                       _param("limit", "query", "Results per page (1–100).", {"type": "integer"}),
                       _page(), LANG],
        "responses": {"200": _resp("Ranked results.", _json_ref("SearchResults"))}}}),
    "openapi.openapi": Route(_simple("This document.")),
    "sparql.endpoint": Route(_SPARQL),
    "harvest.catalog_document": Route(_simple(
        "DCAT-AP 3 catalogue (RDF by negotiation or extension, HTML for browsers).",
        "text/turtle", [ACCEPT])),
    "harvest.void_document": Route(_simple("VoID description of the dataset.", "text/turtle",
                                           [ACCEPT])),
    "harvest.dumps_index": Route(_simple(
        "Complete dumps: N-Quads, Turtle, JSON-LD, N-Triples (gzip); sizes and checksums "
        "in the catalogue.", "text/html")),
    "harvest.dumps_checksums": Route(_simple("SHA-256 of every dump of the build.",
                                             "text/plain")),
    "harvest.dumps_latest": Route({"get": {
        "summary": "302 Found to the immutable dump of the published build in one format.",
        "responses": {"302": _resp("The dump's immutable URL in Location."),
                      "404": _resp("No dump in that format.")}}}),
    "harvest.dump_file": Route(_simple("One dump file: immutable, with byte ranges.",
                                       "application/gzip"), {"name": "file"}),
    "harvest.changes_root": Route(_simple(f"{_FEED}: the stream and its view.", "text/turtle",
                                          [ACCEPT])),
    "harvest.changes_page": Route(_simple(f"{_FEED}: one page of versions, oldest first.",
                                          "text/turtle", [ACCEPT])),
    "harvest.sitemap": Route(_simple("Sitemap for crawlers.", "application/xml")),
    "harvest.sitemap_page": Route(_simple("One page of a large sitemap.", "application/xml")),
    "harvest.robots": Route(_simple("Robots rules.", "text/plain")),
    "ops.health": Route(_simple("Liveness: the process answers.")),
    "ops.ready": Route({"get": {"summary": "Readiness: a published build is open.",
                                "responses": {"200": _resp("Ready; names the generation."),
                                              "503": _resp("No published build.")}}}),
}
# Routes that are not part of the interface: assets, and the endpoint's trailing-slash alias.
UNLISTED = frozenset({"/static/<path:filename>", "/favicon.ico", "/sparql/"})
IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})
_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def _template(rule: str, names: dict[str, str]) -> str:
    """A Werkzeug rule as an OpenAPI path template ("/doc/<kind>/<name>" → "/doc/{type}/{slug}")."""
    return _ARGUMENT.sub(lambda m: "{" + names.get(m.group(1), m.group(1)) + "}", rule)


def _with_path_params(template: str, item: dict, methods: set[str]) -> dict:
    """The path item for the route's own methods, each listing the template's parameters."""
    names = re.findall(r"\{(\w+)\}", template)
    path_params = [PATH_PARAMS.get(n) or _param(n, "path", n) for n in names]
    out = {}
    for method, operation in item.items():
        if method.upper() not in methods:
            continue
        out[method] = {**operation,
                       "parameters": [*path_params, *operation.get("parameters", [])]}
    return out


def paths(url_map: Map) -> dict[str, dict]:
    """Every route of the application as OpenAPI path items, in the map's order."""
    found: dict[str, dict] = {}
    for rule in url_map.iter_rules():
        if rule.rule in UNLISTED:
            continue
        methods = set(rule.methods or ()) - IGNORED_METHODS
        route = ROUTES.get(rule.endpoint) or Route(
            {m.lower(): {"summary": rule.endpoint, "responses": {"200": _resp("Answered.")}}
             for m in methods})
        template = _template(rule.rule, route.names)
        found[template] = _with_path_params(template, route.item, methods)
        if route.forms:
            last = template.rsplit("/", 1)
            for spelling, item in route.forms.items():
                form = f"{last[0]}/{spelling}"
                found[form] = _with_path_params(form, item, methods)
    return found


def undescribed(url_map: Map) -> list[str]:
    """The routes listed without a description of their own."""
    return sorted(rule.rule for rule in url_map.iter_rules()
                  if rule.rule not in UNLISTED and rule.endpoint not in ROUTES)


def document(server: str, url_map: Map) -> dict:
    """The OpenAPI document of the application's routes, served on ``server``."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Clusters Cord knowledge graph",
            "version": "1.0",
            "description": (
                "Linked open data of the Interreg CENTRAL EUROPE project Clusters Cord "
                "(2CE202P1). Every IRI under the base dereferences; every page has a .json "
                "twin; RDF in Turtle, JSON-LD, N-Triples and RDF/XML."),
            "license": {"name": "CC BY 4.0",
                        "url": "https://creativecommons.org/licenses/by/4.0/"},
        },
        "servers": [{"url": server.rstrip("/")}],
        "paths": paths(url_map),
        "components": {"schemas": {
            "EntityPage": ENTITY_PAGE, "Property": PROPERTY, "Value": VALUE, "Link": LINK,
            "SearchResults": SEARCH_RESULTS, "BrowsePage": BROWSE_PAGE,
        }},
    }


@bp.get("/openapi.json")
def openapi():
    settings = site().settings
    response = caching.with_cors(jsonify(document(site().scheme().base, current_app.url_map)))
    response.cache_control.public = True
    response.cache_control.max_age = settings.cache_max_age_s
    return response
