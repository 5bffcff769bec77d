"""/openapi.json: the HTTP interface described as OpenAPI 3.1 (DESIGN.md §3).

Written by hand beside the routes it describes, one entry per path, so a change of a route
and of its description land together; tests check that the described paths answer.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

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


def _document(summary, json_schema, params):
    return {"get": {
        "summary": summary,
        "parameters": [*params, ACCEPT, LANG, *INCOMING],
        "responses": {
            "200": _resp("The document, in the negotiated (or extension's) format.",
                         {"text/html": {"schema": {"type": "string"}}, **RDF,
                          **_json_ref(json_schema)}, CACHED),
            "304": _resp("Not modified (If-None-Match / If-Modified-Since)."),
            "404": _resp("Unknown entity: an HTML page, or one line of text."),
            "406": _resp("No offered format matches Accept; the body lists them."),
        },
    }}


def _redirect(summary, params):
    return {"get": {
        "summary": summary,
        "parameters": [*params, ACCEPT],
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


KIND = _param("type", "path", "The entity type segment of the IRI (project, organisation…).")
SLUG = _param("slug", "path", "The entity's slug.")
EXT = _param("ext", "path", "Format extension.",
             {"type": "string", "enum": ["html", "ttl", "jsonld", "nt", "rdf", "json"]})
TERM = _param("term", "path", "An ontology term's local name.")
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


def document(base_iri: str) -> dict:
    page = _param("page", "query", "Page number, from 1.", {"type": "integer", "minimum": 1})
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
        "servers": [{"url": base_iri.rstrip("/")}],
        "paths": {
            "/": _simple("Home page (HTML).", "text/html", [LANG]),
            "/index.json": _simple("The home page as JSON: counts, types, links.",
                                   params=[LANG]),
            "/id/{type}/{slug}": _redirect("An entity IRI: 303 to its document.", [KIND, SLUG]),
            "/doc/{type}/{slug}": _document("The entity's document, negotiated "
                                            "(Content-Location names the variant).",
                                            "EntityPage", [KIND, SLUG]),
            "/doc/{type}/{slug}.{ext}": _document("The entity's document in one format.",
                                                  "EntityPage", [KIND, SLUG, EXT]),
            "/def/": _document("The ontology: documentation (HTML, JSON) or its graph (RDF).",
                               "EntityPage", []),
            "/def/ontology.{ext}": _document("The ontology in one format.", "EntityPage",
                                             [EXT]),
            "/def/{term}": _redirect("An ontology term: 303 to /def/{term}.{ext}.", [TERM]),
            "/def/{term}.{ext}": _document("An ontology term's document, with its SHACL "
                                           "constraints.", "EntityPage", [TERM, EXT]),
            "/browse": _simple("Every entity type with its count (HTML).", "text/html",
                               [LANG]),
            "/browse.json": _simple("Every entity type with its count.", params=[LANG]),
            "/browse/{type}": _simple("Entities of one type, by label, paged (HTML).",
                                      "text/html", [KIND, page, LANG]),
            "/browse/{type}.json": {"get": {
                "summary": "Entities of one type, by label, paged.",
                "parameters": [KIND, page, LANG],
                "responses": {"200": _resp("One page.", _json_ref("BrowsePage")),
                              "404": _resp("Unknown type.")}}},
            "/search": _simple("Label search (HTML); accents and case folded.", "text/html",
                               [_param("q", "query", "Search text.", example="usti"),
                                _param("type", "query", "Type filter (repeatable)."),
                                page, LANG]),
            "/search.json": {"get": {
                "summary": "Label search for autocomplete; accents and case folded.",
                "parameters": [_param("q", "query", "Search text.", example="usti"),
                               _param("type", "query", "Type filter (repeatable)."),
                               _param("limit", "query", "Results per page (1–100).",
                                      {"type": "integer"}), page, LANG],
                "responses": {"200": _resp("Ranked results.", _json_ref("SearchResults"))}}},
            "/openapi.json": _simple("This document."),
            "/sparql": {
                "get": {"summary": "SPARQL 1.1 Protocol query by GET; without a query, the "
                                   "service description or the query page.",
                        "parameters": [SPARQL_QUERY,
                                       _param("default-graph-uri", "query", "Default graph."),
                                       _param("named-graph-uri", "query", "Named graph."),
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
            },
            "/catalog": _simple("DCAT-AP 3 catalogue (RDF by negotiation, HTML for browsers).",
                                "text/turtle", [ACCEPT]),
            "/void": _simple("VoID description of the dataset.", "text/turtle", [ACCEPT]),
            "/.well-known/void": _simple("VoID description (well-known location).",
                                         "text/turtle", [ACCEPT]),
            "/dumps/": _simple("Complete dumps: N-Quads, Turtle, JSON-LD, N-Triples (gzip); "
                               "sizes and checksums in the catalogue.", "text/html"),
            "/changes": _simple("What changed, when: a Linked Data Event Stream (TREE/LDES).",
                                "text/turtle", [ACCEPT]),
            "/sitemap.xml": _simple("Sitemap for crawlers.", "application/xml"),
            "/robots.txt": _simple("Robots rules.", "text/plain"),
            "/health": _simple("Liveness: the process answers."),
            "/ready": {"get": {"summary": "Readiness: a published build is open.",
                               "responses": {"200": _resp("Ready; names the generation."),
                                             "503": _resp("No published build.")}}},
        },
        "components": {"schemas": {
            "EntityPage": ENTITY_PAGE, "Property": PROPERTY, "Value": VALUE, "Link": LINK,
            "SearchResults": SEARCH_RESULTS, "BrowsePage": BROWSE_PAGE,
        }},
    }


@bp.get("/openapi.json")
def openapi():
    settings = site().settings
    response = caching.with_cors(jsonify(document(settings.base_iri)))
    response.cache_control.public = True
    response.cache_control.max_age = settings.cache_max_age_s
    return response
