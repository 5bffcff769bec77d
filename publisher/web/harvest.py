"""Everything a harvester reads: catalogue, VoID, dumps, change feed, sitemap, robots.txt.

Each response is computed at build time and only served here: the catalogue and VoID
from the generation's files, dumps as the immutable files the build wrote, the change
feed from its history, the sitemap from the entity list with each entity's last change.

``/dumps/latest.<ext>`` answers 302 Found to the immutable file of the published build
(``Cache-Control: no-cache``), so caches keep the big files and only the pointer moves.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from xml.sax.saxutils import escape

import pyoxigraph as ox
from flask import Blueprint, Response, abort, redirect, render_template, request, send_file

from publisher.artefacts import catalog, changes, dumps, feed
from publisher.core.generation import DumpEntry
from publisher.core.scheme import ENDPOINT_PATH, SEARCH_PATH, Scheme
from publisher.web import i18n
from publisher.web.caching import add_vary, cacheable, with_cors
from publisher.web.negotiate import (
    HTML,
    JSONLD,
    NQUADS,
    NTRIPLES,
    RDF_FORMATS,
    TRIG,
    TURTLE,
    by_extension,
    choose,
    not_acceptable,
)
from publisher.web.site import site

bp = Blueprint("harvest", __name__)

FEED_FORMATS = (TURTLE, JSONLD, NTRIPLES)
# Pages carry each version's state in named graphs: a dataset format first.
PAGE_FORMATS = (TRIG, NQUADS, JSONLD, TURTLE, NTRIPLES)
CATALOG_FORMATS = (*RDF_FORMATS, HTML)
IMMUTABLE = 365 * 24 * 3600
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _rdf(triples, fmt, prefixes) -> bytes:
    ordered = sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return _serialize(ordered, fmt.rdf,
                      None if fmt.rdf == ox.RdfFormat.N_TRIPLES else prefixes)


def _serialize(items: list[ox.Triple] | list[ox.Quad], rdf: ox.RdfFormat,
               prefixes: dict[str, str] | None) -> bytes:
    body = ox.serialize(items, format=rdf, prefixes=prefixes)
    assert body is not None  # given no output, serialize returns the bytes
    return body


def _pick(offered, ext: str | None):
    """(format, negotiated) from an extension or the Accept header; abort 404/406."""
    if ext is not None:
        fmt = by_extension(ext, offered)
        if fmt is None:
            abort(404)
        return fmt, False
    return choose(offered), True


def _rdf_document(triples, offered, ext, variant: str) -> Response:
    fmt, negotiated = _pick(offered, ext)
    if fmt is None:
        return not_acceptable(offered)
    manifest = site().manifest()
    response = Response(_rdf(triples, fmt, feed.FEED_PREFIXES), content_type=fmt.content_type)
    if negotiated:
        add_vary(response)
    with_cors(response)
    return cacheable(response, manifest, variant, fmt.name,
                     max_age=site().settings.cache_max_age_s)


@bp.get("/catalog")
@bp.get("/catalog.<ext>")
def catalog_document(ext: str | None = None):
    """The DCAT-AP 3 catalogue of the published build (for browsers: the dumps page)."""
    if ext is None and choose(CATALOG_FORMATS) == HTML:
        return add_vary(dumps_index())
    return _rdf_document(catalog.catalog_triples(site().generation()), RDF_FORMATS, ext,
                         "catalog")


@bp.get("/void")
@bp.get("/void.<ext>")
@bp.get("/.well-known/void")
def void_document(ext: str | None = None):
    """The VoID description of the dataset (statistics counted at build time)."""
    return _rdf_document(catalog.void_description(site().generation()), RDF_FORMATS, ext,
                         "void")


def _published_dumps() -> list[DumpEntry]:
    return dumps.published(site().manifest())


@bp.get("/dumps/")
def dumps_index():
    """An HTML list of the dumps, with size and SHA-256 (the catalogue has the same)."""
    manifest = site().manifest()
    entries = [{**e, "label": dumps.by_key(e["format"]).label,
                "latest": dumps.by_key(e["format"]).latest_name} for e in _published_dumps()]
    response = Response(render_template("dumps.html", entries=entries, manifest=manifest))
    i18n.vary_by_language(response)
    return cacheable(response, manifest, "dumps-index", i18n.choose_language(),
                     max_age=site().settings.cache_max_age_s)


@bp.get("/dumps/SHA256SUMS")
def dumps_checksums():
    body = "".join(f"{e['sha256']}  {e['file']}\n" for e in _published_dumps())
    response = Response(body, mimetype="text/plain")
    return cacheable(with_cors(response), site().manifest(), "sha256sums")


@bp.get("/dumps/latest.<path:ext>")
def dumps_latest(ext: str):
    """302 to the immutable file of the published build for this format."""
    for entry in _published_dumps():
        fmt = dumps.by_key(entry["format"])
        if fmt is not None and fmt.ext == ext:
            response = redirect(Scheme.dump_path(entry["file"]), code=302)
            response.headers["Cache-Control"] = "no-cache"
            return with_cors(response)
    abort(404)


@bp.get("/dumps/<name>")
def dump_file(name: str):
    """One dump: immutable, with ETag, Last-Modified, Content-Length and byte ranges."""
    entry = next((e for e in _published_dumps() if e["file"] == name), None)
    if entry is None:
        abort(404)
    path = site().generation().dumps_path / entry["file"]
    mimetype = dumps.GZIP_MEDIA_TYPE if entry["gzip"] else entry["media_type"]
    response = send_file(path, mimetype=mimetype, conditional=True, etag=entry["sha256"],
                         max_age=IMMUTABLE, download_name=name)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return with_cors(response)


def _change_log() -> changes.ChangeLog:
    log = changes.read_cached(site().generation().changes_path)
    if log is None:
        abort(404)
    return log


def _feed_response(triples, fmt, negotiated: bool, immutable: bool) -> Response:
    if triples and isinstance(triples[0], ox.Quad):
        body = _dataset(triples, fmt)
    else:
        body = _rdf(triples, fmt, feed.FEED_PREFIXES)
    response = Response(body, content_type=fmt.content_type)
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.cache_control.public = True
    if immutable:
        response.cache_control.max_age = IMMUTABLE
        response.cache_control.immutable = True
    else:
        response.cache_control.max_age = site().settings.cache_max_age_s
    if negotiated:
        add_vary(response)
    with_cors(response).make_conditional(request)
    return response


@bp.get("/changes")
@bp.get("/changes.<ext>")
def changes_root(ext: str | None = None):
    """The LDES: event stream description, member shape, view."""
    _change_log()
    fmt, negotiated = _pick(FEED_FORMATS, ext)
    if fmt is None:
        return not_acceptable(FEED_FORMATS)
    settings = site().settings
    triples = feed.root_triples(site().scheme(), settings.ldes_polling_interval_s)
    return _feed_response(triples, fmt, negotiated, immutable=False)


def _dataset(quads, fmt) -> bytes:
    """A page with its states: all of it in a dataset format; in a triple format only
    the default graph (the change log without the states)."""
    ordered = sorted(set(quads), key=lambda q: (str(q.graph_name), str(q.subject),
                                                str(q.predicate), str(q.object)))
    if fmt.rdf in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS, ox.RdfFormat.JSON_LD):
        return _serialize(ordered, fmt.rdf,
                          None if fmt.rdf == ox.RdfFormat.N_QUADS else feed.FEED_PREFIXES)
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ordered
               if isinstance(q.graph_name, ox.DefaultGraph)]
    return _rdf(triples, fmt, feed.FEED_PREFIXES)


@bp.get("/changes/<int:page>")
@bp.get("/changes/<int:page>.<ext>")
def changes_page(page: int, ext: str | None = None):
    """One page of versions, oldest first, with each version's state; full pages are
    immutable."""
    history = _change_log().history
    settings = site().settings
    with changes.States(site().generation().path) as states:
        triples = feed.page_quads(site().scheme(), history, page, settings.changes_page_size,
                                  states)
    if triples is None:
        abort(404)
    fmt, negotiated = _pick(PAGE_FORMATS, ext)
    if fmt is None:
        return not_acceptable(PAGE_FORMATS)
    full = feed.is_full(page, len(history), settings.changes_page_size)
    return _feed_response(triples, fmt, negotiated, immutable=full)


def _sitemap_entries() -> list[tuple[str, str]]:
    """(document URL, lastmod) of every entity, in IRI order (computed once per build)."""
    _change_log()
    return _entries_for(site().generation().changes_path, site().scheme())


@lru_cache(maxsize=2)
def _entries_for(changes_path, scheme: Scheme) -> list[tuple[str, str]]:
    log = changes.read_cached(changes_path)
    assert log is not None  # _sitemap_entries found it
    entries = []
    for iri, at in sorted(log.last_modified().items()):
        split = scheme.split_entity(iri)
        if not split:  # the sitemap lists entity documents only
            continue
        kind, slug = split
        entries.append((scheme.url(scheme.document_path(kind, slug)), at))
    return entries


def _xml(body: str) -> Response:
    response = Response('<?xml version="1.0" encoding="UTF-8"?>\n' + body,
                        mimetype="application/xml")
    return cacheable(response, site().manifest(), "sitemap", request.path)


def _urlset(entries) -> str:
    urls = "".join(f"<url><loc>{escape(loc)}</loc><lastmod>{escape(at)}</lastmod></url>\n"
                   for loc, at in entries)
    return f'<urlset xmlns="{SITEMAP_NS}">\n{urls}</urlset>\n'


@bp.get("/sitemap.xml")
def sitemap():
    """Every entity document with its last change; an index of pages past the limit."""
    entries, limit = _sitemap_entries(), site().settings.sitemap_max_urls
    if len(entries) <= limit:
        return _xml(_urlset(entries))
    scheme, built = site().scheme(), site().manifest()["built_at"]
    pages = "".join(
        f"<sitemap><loc>{escape(scheme.url(f'/sitemap-{n}.xml'))}</loc>"
        f"<lastmod>{escape(built)}</lastmod>"
        f"</sitemap>\n" for n in range(-(-len(entries) // limit))
    )
    return _xml(f'<sitemapindex xmlns="{SITEMAP_NS}">\n{pages}</sitemapindex>\n')


@bp.get("/sitemap-<int:n>.xml")
def sitemap_page(n: int):
    entries, limit = _sitemap_entries(), site().settings.sitemap_max_urls
    chunk = entries[n * limit:(n + 1) * limit]
    if not chunk:
        abort(404)
    return _xml(_urlset(chunk))


@bp.get("/robots.txt")
def robots():
    scheme = site().scheme()
    body = (f"User-agent: *\nAllow: /\nDisallow: {ENDPOINT_PATH}\nDisallow: {SEARCH_PATH}\n\n"
            f"Sitemap: {scheme.url('/sitemap.xml')}\n")
    response = Response(body, mimetype="text/plain")
    response.cache_control.public = True
    response.cache_control.max_age = site().settings.cache_max_age_s
    return response
