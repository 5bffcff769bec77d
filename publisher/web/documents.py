"""Serving one description as a document in the negotiated format, with its HTTP headers.

Shared by entity pages (/doc/…) and ontology terms (/def/…): validators (ETag,
Last-Modified, 304) per generation, Vary, Content-Location, ``Link: rel=alternate`` to every
format, CORS on machine formats, and a 404 that is a page for people and one line for
machines.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from flask import Response, render_template, request
from jinja2 import TemplateNotFound
from werkzeug.exceptions import NotFound

from publisher.artefacts.display import Display
from publisher.artefacts.incoming_counts import IncomingCounts
from publisher.artefacts.incoming_counts import open_for as incoming_counts_for
from publisher.artefacts.search import SearchIndex
from publisher.core.iris import DERIVED_GRAPHS
from publisher.serve.describe import Describer, Description
from publisher.web import caching, i18n
from publisher.web.negotiate import DOCUMENT_FORMATS, HTML, JSON, Format, choose, not_acceptable
from publisher.web.present import Presenter
from publisher.web.render_json import entity_json
from publisher.web.render_rdf import serialize
from publisher.web.site import site

_indexes: dict[Path, SearchIndex] = {}
_counts: dict[Path, IncomingCounts | None] = {}


def display() -> Display:
    return Display.load(site().generation().display_path)


def describer() -> Describer:
    settings = site().settings
    derived = frozenset(site().scheme().graph(name) for name in DERIVED_GRAPHS)
    return Describer(site().store(), display(), settings.page_size, derived,
                     incoming_counts())


def incoming_counts() -> IncomingCounts | None:
    """The build's materialised incoming-link counts (None for a build without them)."""
    path = site().generation().path
    if path not in _counts:
        _counts[path] = incoming_counts_for(path)
    return _counts[path]


def presenter() -> Presenter:
    return Presenter(site().scheme(), display(), i18n.choose_language())


def search_index() -> SearchIndex:
    path = site().generation().search_path
    index = _indexes.get(path)
    if index is None:
        index = _indexes[path] = SearchIndex(path)
    return index


def wants_html() -> bool:
    best = choose((HTML, JSON, *DOCUMENT_FORMATS[1:]))
    return best is None or best is HTML


def not_found_response(message: str = "") -> Response:
    """404: an HTML page for browsers, one line of text for everyone else."""
    if wants_html():
        html = render_template("not_found.html", message=message, path=request.path)
        response = Response(html, status=404, mimetype="text/html")
    else:
        response = Response(f"404 Not Found: {message or 'no such resource'}\n", status=404,
                            mimetype="text/plain")
    response.vary.add("Accept")
    return response


def not_found(message: str = ""):
    raise NotFound(response=not_found_response(message))


def _validators(variant: tuple) -> tuple[str, datetime]:
    manifest = site().manifest()
    etag = caching.etag_for(manifest["id"], *variant)
    built = datetime.fromisoformat(manifest["built_at"].replace("Z", "+00:00"))
    return etag, built


def not_modified(variant: tuple) -> Response | None:
    """A 304 when the client already holds this variant of this generation."""
    etag, built = _validators(variant)
    fresh = request.if_none_match.contains(etag) if request.if_none_match else (
        request.if_modified_since is not None and request.if_modified_since >= built
    )
    if not fresh:
        return None
    response = Response(status=304)
    response.set_etag(etag)
    response.last_modified = built
    return response


def variant_of(path: str, fmt: Format) -> tuple:
    parts: tuple[str, ...] = (path, fmt.name)
    if fmt in (HTML, JSON):
        parts += (i18n.choose_language(),)
    return parts + tuple(f"{k}={v}" for k, v in sorted(request.args.items()) if k != "lang")


def alternates(base_path: str) -> dict[str, str]:
    return {fmt.ext: f"{base_path}.{fmt.ext}" for fmt in DOCUMENT_FORMATS}


def finish(response: Response, fmt: Format, base_path: str, negotiated: bool,
           variant: tuple) -> Response:
    """Headers every document carries; answers 304 when the client has it."""
    links = [
        f'<{path}>; rel="alternate"; type="{alt.mimetype}"'
        for alt in DOCUMENT_FORMATS
        for path in [f"{base_path}.{alt.ext}"]
    ]
    response.headers["Link"] = ", ".join(links)
    if negotiated:
        response.headers["Content-Location"] = f"{base_path}.{fmt.ext}"
        response.vary.add("Accept")
    if fmt in (HTML, JSON):
        i18n.vary_by_language(response)
    if fmt is not HTML:
        caching.with_cors(response)
    return caching.cacheable(response, site().manifest(), *variant,
                             max_age=site().settings.cache_max_age_s)


def incoming_request() -> tuple[str | None, int]:
    """The incoming-links page asked for (?incoming=<predicate IRI>&offset=N)."""
    predicate = request.args.get("incoming") or None
    try:
        offset = max(0, min(int(request.args.get("offset", 0)), 10_000_000))
    except ValueError:
        offset = 0
    return predicate, offset


def render(description: Description, fmt: Format, base_path: str,
           templates: list[str], **context) -> Response:
    """The description in one format (body and content type only)."""
    if fmt.rdf is not None:
        body = serialize(description.triples, fmt, site().scheme())
        return Response(body, content_type=fmt.content_type)
    p = presenter()
    formats = alternates(base_path)
    if fmt is JSON:
        data = entity_json(p, description, base_path, formats)
        for key, value in context.get("json_extra", {}).items():
            data[key] = value
        return Response(json.dumps(data, ensure_ascii=False), content_type=fmt.content_type)
    for name in templates:
        try:
            html = render_template(name, d=description, p=p, formats=formats,
                                   base_path=base_path, **context)
            break
        except TemplateNotFound as exc:
            if name == templates[-1] or exc.name != name:
                raise
    return Response(html, content_type=fmt.content_type)


def document_response(iri: str, fmt: Format | None, base_path: str, templates: list[str],
                      extra=None) -> Response:
    """Serve iri's description at base_path (fmt None: negotiate)."""
    negotiated = fmt is None
    if fmt is None:
        fmt = choose(DOCUMENT_FORMATS)
        if fmt is None:
            return not_acceptable(DOCUMENT_FORMATS)
    describe = describer()
    predicate, offset = incoming_request()
    variant = variant_of(base_path, fmt)
    if request.if_none_match or request.if_modified_since:
        if not describe.exists(iri):
            return not_found_response(iri)
        early = not_modified(variant)
        if early is not None:
            if negotiated:
                early.vary.add("Accept")
                early.headers["Content-Location"] = f"{base_path}.{fmt.ext}"
            return early
    description = describe.describe(iri, predicate, offset)
    if description is None:
        return not_found_response(iri)
    context = extra(description, describe) if extra and fmt in (HTML, JSON) else {}
    response = render(description, fmt, base_path, templates, **context)
    return finish(response, fmt, base_path, negotiated, variant)
