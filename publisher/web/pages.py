"""Entity pages: /id/{type}/{slug} (303 to its document), /doc/{type}/{slug}[.ext], the home.

Routing and negotiation only: descriptions come from :mod:`publisher.describe`, formats
from :mod:`publisher.web.documents`.
"""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, redirect, render_template, request

from publisher import urls
from publisher.iris import entity_iri
from publisher.store import view
from publisher.web import caching, documents
from publisher.web.negotiate import DOCUMENT_FORMATS, HTML, by_extension, choose, not_acceptable
from publisher.web.seatmap import Seat, parse_wkt_point, seat_map
from publisher.web.site import site

bp = Blueprint("pages", __name__)

def split_extension(name: str):
    """('slug', Format) for 'slug.ttl'; ('slug', None) when there is no known extension."""
    stem, dot, ext = name.rpartition(".")
    if dot and stem:
        fmt = by_extension(ext)
        if fmt is not None and fmt.ext == ext:
            return stem, fmt
    return name, None


@bp.app_errorhandler(404)
def page_not_found(_error):
    return documents.not_found_response()


@bp.get("/id/<kind>/<slug>")
def thing(kind: str, slug: str):
    """The thing itself: 303 See Other to the document in the negotiated format."""
    try:
        entity_iri(site().settings.base_iri, kind, slug)
    except ValueError:
        return documents.not_found_response()
    fmt = choose(DOCUMENT_FORMATS)
    if fmt is None:
        return not_acceptable(DOCUMENT_FORMATS)
    target = urls.document_path(kind, slug, None if fmt is HTML else fmt.ext)
    response = redirect(urls.with_query(target, **request.args.to_dict()), code=303)
    response.vary.add("Accept")
    return caching.with_cors(response)


@bp.get("/doc/<kind>/<name>")
def document(kind: str, name: str):
    slug, fmt = split_extension(name)
    try:
        iri = entity_iri(site().settings.base_iri, kind, slug)
    except ValueError:
        return documents.not_found_response()
    templates = [f"kinds/{kind}.html", "entity.html"]
    return documents.document_response(
        iri, fmt, urls.document_path(kind, slug), templates, extra=entity_extras
    )


def entity_extras(description, describe) -> dict:
    """Members with roles and a map of seats, for the entities that have them."""
    store = describe.store
    root = documents.views_root()
    subject = ox.NamedNode(description.iri)
    members = store.select(view(root, "members"), focus=subject)
    seats_rows = store.select(view(root, "seats"), focus=subject)
    iris = {row[name].value for row in members for name in ("org", "role") if name in row}
    for row in seats_rows:
        row.setdefault("org", subject)
    iris |= {row["org"].value for row in seats_rows} | {row["site"].value for row in seats_rows}
    labels = describe.labels_of(iris)
    p = documents.presenter()

    member_list = [
        {
            "iri": row["org"].value,
            "label": p.label(labels.get(row["org"].value, {}), row["org"].value),
            "url": p.href(row["org"].value),
            "role": p.label(labels.get(row["role"].value, {}), row["role"].value)
            if "role" in row else "",
            "membership": p.href(row["membership"].value),
        }
        for row in members
    ]
    # The rarest role first (the lead partner before partners before observers).
    role_sizes = Counter(m["role"] for m in member_list)
    member_list.sort(key=lambda m: (role_sizes[m["role"]], m["role"], m["label"].casefold()))
    seats = {}
    for row in seats_rows:
        point = None
        if "lat" in row and "long" in row:
            try:
                point = (float(row["long"].value), float(row["lat"].value))
            except ValueError:
                point = None
        if point is None and "wkt" in row:
            point = parse_wkt_point(row["wkt"].value)
        org = row["org"].value
        if point is None or org in seats:
            continue
        seats[org] = Seat(
            label=p.label(labels.get(org, {}), org), href=p.href(org), lon=point[0], lat=point[1],
            place=p.label(labels.get(row["site"].value, {}), row["site"].value),
        )
    drawn = seat_map(list(seats.values()))
    return {
        "members": member_list,
        "seat_map": drawn,
        "json_extra": {
            "members": member_list,
            "seats": [
                {"label": s.label, "url": s.href, "lat": s.lat, "long": s.lon, "place": s.place}
                for s in (drawn["seats"] if drawn else [])
            ],
        },
    }


def home_data() -> dict:
    """What the home page shows: the dataset, its projects and every type with its count."""
    p = documents.presenter()
    manifest = site().manifest()
    types = [
        {"type": kind, "name": p.kind_name(kind), "count": entry["count"],
         "url": f"/browse/{kind}"}
        for kind, entry in documents.display().types.items()
    ]
    projects, _total = documents.search_index().browse("project", 20, 0)
    return {
        "title": p.label({}, None) or "",
        "built_at": manifest["built_at"],
        "triples": manifest["stats"]["triples"],
        "entities": manifest["stats"]["entities"],
        "types": types,
        "projects": [
            {"iri": hit.iri, "label": p.label(hit.labels, hit.iri), "url": p.href(hit.iri)}
            for hit in projects
        ],
    }


@bp.get("/")
def home():
    variant = ("/", "html", documents.i18n.choose_language())
    early = documents.not_modified(variant)
    if early is not None:
        return early
    html = render_template("home.html", home=home_data())
    response = Response(html, mimetype="text/html")
    response.headers["Link"] = '</index.json>; rel="alternate"; type="application/json"'
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return caching.cacheable(response, site().manifest(), *variant,
                             max_age=site().settings.cache_max_age_s)


@bp.get("/index.json")
def home_json():
    data = home_data()
    data.pop("title")
    data["links"] = {"sparql": "/sparql", "catalog": "/catalog", "void": "/void",
                     "dumps": "/dumps/", "search": "/search.json", "ontology": "/def/",
                     "openapi": "/openapi.json"}
    response = caching.with_cors(jsonify(data))
    response.vary.add("Accept-Language")
    return caching.cacheable(response, site().manifest(), "/index.json",
                             documents.i18n.choose_language())
