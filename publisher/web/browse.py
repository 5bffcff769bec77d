"""/browse (every type), /browse/{type} (its entities, paged) and /search, each with a
``.json`` twin. Both read the build's search.sqlite, never the store."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, jsonify, render_template, request

from publisher.core.scheme import Scheme, is_valid_type, with_query
from publisher.web import caching, documents, i18n
from publisher.web.site import site

bp = Blueprint("browse", __name__)

MAX_PAGE = 100_000


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(int(request.args.get(name, default)), high))
    except ValueError:
        return default


def _cache(response: Response, *variant: str) -> Response:
    i18n.vary_by_language(response)
    return caching.cacheable(response, site().manifest(), request.full_path, *variant,
                             i18n.choose_language(), max_age=site().settings.cache_max_age_s)


def nuts_detail(p, iri: str) -> str:
    """For a region, its NUTS code and level ('NUTS 3 · CZ042'), which tells apart regions
    of one name (the Slovakia of NUTS 0 and of NUTS 1); '' for anything else. A NUTS code's
    length gives its level: two letters for a country (0), one more character per level."""
    split = p.scheme.split_entity(iri)
    if not split or split[0] != "region":
        return ""
    code = split[1]
    return f"NUTS {len(code) - 2} · {code}" if 2 <= len(code) <= 5 else code


def kind_word(p, kind: str) -> str:
    """What one thing of a kind is called ('regional authority' is an organisation, a
    'NUTS region' an area), for the badge beside a search result."""
    word = i18n.t(f"kind.{kind}", p.lang)
    return word if word != f"kind.{kind}" else p.kind_name(kind)


def types_data() -> list[dict]:
    p = documents.presenter()
    rows = [
        {"type": kind, "name": p.kind_name(kind), "count": entry["count"],
         "url": Scheme.browse_path(kind)}
        for kind, entry in documents.display().types.items()
    ]
    return sorted(rows, key=lambda row: i18n.sort_key(row["name"], p.lang))


@bp.get("/browse")
def browse_index():
    return _cache(Response(render_template("browse.html", types=types_data()),
                           mimetype="text/html"), "html")


@bp.get("/browse.json")
def browse_index_json():
    return _cache(caching.with_cors(jsonify(types=types_data())), "json")


def type_page(kind: str) -> dict:
    if not is_valid_type(kind) or kind not in documents.display().types:
        documents.not_found(f"no type {kind!r}")
    size = site().settings.page_size
    page = _int_arg("page", 1, 1, MAX_PAGE)
    hits, total = documents.search_index().browse(kind, size, (page - 1) * size)
    p = documents.presenter()
    pages = max(1, -(-total // size))
    path = Scheme.browse_path(kind)
    return {
        "type": kind,
        "name": p.kind_name(kind),
        "total": total,
        "page": page,
        "pages": pages,
        "items": [{"iri": h.iri, "label": p.label(h.labels, h.iri), "url": p.href(h.iri),
                   "detail": nuts_detail(p, h.iri)} for h in hits],
        "previous": with_query(path, page=page - 1) if page > 1 else None,
        "next": with_query(path, page=page + 1) if page < pages else None,
    }


@bp.get("/browse/<name>")
def browse_type(name: str):
    if name.endswith(".json"):
        return _cache(caching.with_cors(jsonify(type_page(name[:-5]))), "json")
    return _cache(Response(render_template("browse_type.html", page=type_page(name)),
                           mimetype="text/html"), "html")


def search_data() -> dict:
    text = request.args.get("q", "")[:200]
    kinds = [k for k in request.args.getlist("type") if k in documents.display().types]
    limit = _int_arg("limit", site().settings.page_size, 1, 100)
    page = _int_arg("page", 1, 1, 1000)
    index = documents.search_index()
    hits, total = index.search(text, kinds or None, limit, (page - 1) * limit)
    p = documents.presenter()
    pages = max(1, -(-total // limit))
    args = {"q": text, "type": kinds or None}
    return {
        "query": text,
        "types": kinds,
        "total": total,
        "page": page,
        "facets": [
            {"type": kind, "name": p.kind_name(kind), "count": count}
            for kind, count in index.type_counts(text).items()
        ],
        "results": [
            {"iri": h.iri, "label": p.label(h.labels, h.iri), "matched": h.matched,
             "type": h.type, "type_name": kind_word(p, h.type) if h.type != "def"
             else i18n.t("nav.ontology"), "url": p.href(h.iri),
             "detail": nuts_detail(p, h.iri)}
            for h in hits
        ],
        "next": _search_url(args, page + 1) if page < pages else None,
        "previous": _search_url(args, page - 1) if page > 1 else None,
    }


def _search_url(args: dict, page: int) -> str:
    pairs = [("q", args["q"])] + [("type", k) for k in args["type"] or []] + [("page", page)]
    return f"{request.path}?{urlencode(pairs)}"


@bp.get("/search")
def search():
    return _cache(Response(render_template("search.html", s=search_data()),
                           mimetype="text/html"), "html")


@bp.get("/search.json")
def search_json():
    return _cache(caching.with_cors(jsonify(search_data())), "json")
