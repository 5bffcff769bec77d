"""Entity pages: /id/{type}/{slug} (303 to its document), /doc/{type}/{slug}[.ext], the home.

Routing and negotiation only: descriptions come from :mod:`publisher.describe`, formats
from :mod:`publisher.web.documents`.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import (
    Blueprint,
    Response,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
)

from publisher.artefacts.catalog import dataset_jsonld
from publisher.core.scheme import Scheme, with_query
from publisher.web import caching, documents, i18n
from publisher.web.glance import glance
from publisher.web.negotiate import DOCUMENT_FORMATS, HTML, by_extension, choose, not_acceptable
from publisher.web.present import best, json_script, weakest
from publisher.web.seatmap import Seat, parse_wkt_point, seat_map
from publisher.web.site import site
from publisher.web.story import main_numbers, story

bp = Blueprint("pages", __name__)

def split_extension(name: str):
    """('slug', Format) for 'slug.ttl'; ('slug', None) when there is no known extension."""
    stem, dot, ext = name.rpartition(".")
    if dot and stem:
        fmt = by_extension(ext)
        if fmt is not None and fmt.ext == ext:
            return stem, fmt
    return name, None


@bp.app_context_processor
def language_context() -> dict:
    """What every template needs to write in the page language and to name its versions:
    dates, numbers and durations in the language's form, the canonical URL (with ``lang``)
    and its alternates in each language (hreflang), on the public base, never on the Host
    a request names."""
    lang = i18n.choose_language()
    args = sorted((k, v) for k, v in request.args.items(multi=True) if k != "lang")
    root = site().scheme().base.rstrip("/")

    def version(code: str | None) -> str:
        pairs = args + ([("lang", code)] if code else [])
        return root + request.path + ("?" + urlencode(pairs) if pairs else "")

    return {
        "fmt_date": lambda value, datatype=None: i18n.date_text(str(value), datatype, lang),
        "fmt_number": lambda value, digits=2: i18n.number(value, lang, digits),
        "fmt_duration": lambda value: i18n.duration(str(value), lang),
        "fmt_literal": lambda value, datatype: literal_text(value, datatype, lang),
        "canonical_url": version(lang),
        "language_versions": [(code, version(code)) for code in i18n.LANGUAGES]
        + [("x-default", version(None))],
    }


XSD = "http://www.w3.org/2001/XMLSchema#"
WKT = "http://www.opengis.net/ont/geosparql#wktLiteral"


def literal_text(value: str, datatype: str | None, lang: str) -> str:
    """A typed literal as a reader of lang writes it: dates at their precision, durations
    in words, numbers with the language's separators, WKT points as coordinates; other
    literals as they are."""
    kind = (datatype or "").removeprefix(XSD)
    if kind in ("date", "gYearMonth", "dateTime"):
        return i18n.date_text(value, datatype, lang)
    if kind == "duration":
        return i18n.duration(value, lang)
    if kind in ("decimal", "double", "float", "integer", "nonNegativeInteger",
                "positiveInteger", "int", "long"):
        return i18n.number(value, lang, 4)
    if datatype == WKT:
        point = parse_wkt_point(value)
        return i18n.coordinates(point[1], point[0], lang) if point else value
    return value


@bp.get("/favicon.ico")
def favicon():
    """The site's icon where browsers and crawlers look for it first."""
    response = send_from_directory(Path(__file__).parent / "static", "favicon.ico",
                                   mimetype="image/vnd.microsoft.icon", max_age=86400)
    return response


@bp.app_errorhandler(404)
def page_not_found(_error):
    return documents.not_found_response()


@bp.get("/id/<kind>/<slug>")
def thing(kind: str, slug: str):
    """The thing itself: 303 See Other to the document in the negotiated format."""
    try:
        iri = site().scheme().entity(kind, slug)
    except ValueError:
        return documents.not_found_response()
    if not documents.describer().exists(iri):  # 404 at once, not a 303 to a 404
        return documents.not_found_response(iri)
    fmt = choose(DOCUMENT_FORMATS)
    if fmt is None:
        return not_acceptable(DOCUMENT_FORMATS)
    target = Scheme.document_path(kind, slug, None if fmt is HTML else fmt.ext)
    response = redirect(with_query(target, **request.args.to_dict()), code=303)
    response.vary.add("Accept")
    return caching.with_cors(response)


@bp.get("/doc/<kind>/<name>")
def document(kind: str, name: str):
    slug, fmt = split_extension(name)
    try:
        iri = site().scheme().entity(kind, slug)
    except ValueError:
        return documents.not_found_response()
    templates = [f"kinds/{kind}.html", "entity.html"]
    return documents.document_response(
        iri, fmt, Scheme.document_path(kind, slug), templates, extra=entity_extras
    )


def entity_extras(description, describe) -> dict:
    """Members with roles (one page of them) and a map of seats, for the entities that have
    them. The page shows at most ``page_size`` members, with their count and a link to the
    next ones, so its size depends on the page asked for, never on the store."""
    store = describe.store
    subject = ox.NamedNode(description.iri)
    members = [row for row in store.select(store.view("members"), focus=subject)
               if row["g"].value not in describe.derived_graphs]
    p = documents.presenter()
    member_labels = describe.labels_of(
        {row[name].value for row in members for name in ("org", "role") if name in row}
    )
    every_member = member_rows(p, members, member_labels)
    offset = members_offset(len(every_member))
    member_list = every_member[offset:offset + describe.page_size]
    after = offset + len(member_list)
    members_page = {
        "count": len(every_member),
        "offset": offset,
        "next": members_url(after) if after < len(every_member) else None,
        "first": members_url(0) if offset else None,
    }
    seats_rows = seat_rows(describe, subject)
    labels = describe.labels_of(
        {row["org"].value for row in seats_rows} | {row["site"].value for row in seats_rows}
    )
    numbers = main_numbers(store, describe, site().manifest()["id"], p)
    told = story(store, describe, p, description.iri) if p.kind_of(
        description.iri) == "project" else None
    unmapped = [partner for partner in (told or {}).get("partners", []) if not partner["point"]]
    drawn = seat_map(seat_list(p, seats_rows, labels, description.iri, numbers), unmapped)
    return {
        "members": member_list,
        "members_page": members_page,
        "seat_map": drawn,
        "story": told,
        "json_extra": {
            "members": [{k: v for k, v in m.items() if k != "sort"} for m in member_list],
            "members_page": members_page,
            "seats": [
                {"label": s.label, "url": s.href, "lat": s.lat, "long": s.lon, "place": s.place,
                 "current": s.current}
                for s in (drawn["seats"] if drawn else [])
            ],
        },
    }


def members_offset(count: int) -> int:
    """The first member the page shows (?members=N), within the list."""
    try:
        offset = int(request.args.get("members", 0))
    except ValueError:
        return 0
    return max(0, min(offset, count))


def members_url(offset: int) -> str:
    args = {k: v for k, v in request.args.items() if k != "members"}
    if offset:
        args["members"] = str(offset)
    return with_query(request.path, **args) + "#members"


ORG = "http://www.w3.org/ns/org#"
IN_REGION = "inRegion"


def seat_rows(describe, subject: ox.NamedNode) -> list[dict]:
    """Seats for the map: the entity's own and its members' (an event's: its venue), then
    (secondary) those of the organisations sharing a collaboration with it, then those of
    the organisations in it (a region). Members, fellows and regions count first, from the
    build's incoming-link counts: the seats of more than ``map_max_member_seats`` members,
    or ``map_max_seats`` fellows or organisations in a region, are not drawn."""
    store, limit = describe.store, site().settings.map_max_seats

    def links(iri: ox.NamedNode, predicate: str) -> int:
        return dict(describe.count_incoming(iri)).get(predicate, 0)

    def seats_of(name: str, focus: ox.NamedNode) -> list[dict]:
        rows = store.select(store.view(name), focus=focus)
        for row in rows:
            row.setdefault("org", focus)
        return rows

    own_members = links(subject, ORG + "organization")
    many = own_members > site().settings.map_max_member_seats
    rows = seats_of("own-seats" if many else "seats", subject)
    for row in seats_of("event-place", subject):
        rows.append({**row, "venue": True})
    for row in store.select(store.view("collaborations"), focus=subject):
        collaboration = row["collaboration"]
        if links(collaboration, ORG + "organization") <= limit:
            rows += seats_of("seats", collaboration)
    in_region = site().scheme().term(IN_REGION)
    if links(subject, in_region) and links(subject, in_region) <= limit:
        rows += store.select(store.view("seats-in-region"), focus=subject)
    return rows


def member_rows(p, rows, labels) -> list[dict]:
    """One row per membership, in the roles' display order (the lead partner, partners,
    observers, initiatives), then by the member's name in the page's language; each with
    its sources and how far they can be trusted."""
    by_membership: dict[str, dict] = {}
    for row in rows:
        org, key = row["org"].value, row["membership"].value
        member = by_membership.get(key)
        if member is None:
            role = row["role"].value if "role" in row else None
            label = p.label(labels.get(org, {}), org)
            member = by_membership[key] = {
                "iri": org,
                "label": label,
                "url": p.href(org),
                "role": p.label(labels.get(role, {}), role) if role else "",
                "membership": p.href(key),
                "sources": [],
                "confidence": None,
                "flag": None,
                "sort": (_order(row), i18n.sort_key(label, p.lang), org),
            }
        source = p.source(row["g"].value)
        if source["name"] not in [s["name"] for s in member["sources"]]:
            member["sources"].append({"name": source["name"], "url": source["href"],
                                      "confidence": p.confidence_of(row["g"].value)})
        if "flag" in row:
            member["flag"] = row["flag"].value.rsplit("/", 1)[-1]
    for member in by_membership.values():
        levels = [s["confidence"] for s in member["sources"]]
        member["confidence"] = weakest(member.pop("flag"), best(levels))
    return sorted(by_membership.values(), key=lambda m: m["sort"])


def _order(row) -> float:
    try:
        return float(row["order"].value) if "order" in row else 1e9
    except ValueError:
        return 1e9


def seat_list(p, rows, labels, focus: str, numbers=None) -> list[Seat]:
    """One seat per organisation (WGS84 coordinates before a WKT point); the focus's own
    seat is marked as the current one; partners carry their number and short name."""
    numbers = numbers or {}
    seats: dict[str, Seat] = {}
    for row in sorted(rows, key=lambda row: "lat" not in row):
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
            current=org == focus and "venue" not in row,
            number=numbers.get(org, (None, ""))[0], short=numbers.get(org, (None, ""))[1],
        )
    return list(seats.values())


def home_data() -> dict:
    """What the home page shows: the dataset, its projects and every type with its count."""
    p = documents.presenter()
    manifest = site().manifest()
    types = [
        {"type": kind, "name": p.kind_name(kind), "count": entry["count"],
         "url": Scheme.browse_path(kind)}
        for kind, entry in documents.display().types.items()
    ]
    projects, _total = documents.search_index().browse("project", 20, 0)
    describe = documents.describer()
    summary = glance(describe.store, describe, p)
    told = story(describe.store, describe, p, summary["project"]["iri"]) if summary else None
    shown = {summary["project"]["iri"]} if summary else set()
    shown |= {link["iri"] for link in (summary or {}).get("related", [])}
    partner_map = None
    if told:
        seats = [Seat(label=partner["label"], href=partner["url"], lon=partner["point"][0],
                      lat=partner["point"][1], place=partner["city"],
                      number=partner["number"], short=partner["short"])
                 for partner in told["partners"] if partner["point"]]
        partner_map = seat_map(seats, [partner for partner in told["partners"]
                                       if not partner["point"]])
    return {
        "glance": summary,
        "story": told,
        "partner_map": partner_map,
        "title": p.label({}, None) or "",
        "built_at": manifest["built_at"],
        "triples": manifest["stats"]["triples"],
        "entities": manifest["stats"]["entities"],
        "types": types,
        "projects": [
            {"iri": hit.iri, "label": p.label(hit.labels, hit.iri), "url": p.href(hit.iri)}
            for hit in projects if hit.iri not in shown
        ],
    }


@bp.get("/")
def home():
    variant = ("/", "html", documents.i18n.choose_language())
    early = documents.not_modified(variant)
    if early is not None:
        return early
    html = render_template(
        "home.html", home=home_data(),
        dataset_jsonld=json_script(dataset_jsonld(site().generation())),
    )
    response = Response(html, mimetype="text/html")
    response.headers["Link"] = '</index.json>; rel="alternate"; type="application/json"'
    i18n.vary_by_language(response)
    return caching.cacheable(response, site().manifest(), *variant,
                             max_age=site().settings.cache_max_age_s)


@bp.get("/index.json")
def home_json():
    data = home_data()
    data.pop("title")
    paths = site().scheme().paths()
    data["links"] = {name: paths[name] for name in
                     ("sparql", "catalog", "void", "dumps", "ontology", "openapi")}
    data["links"]["search"] = paths["search"] + ".json"
    response = caching.with_cors(jsonify(data))
    response.vary.add("Accept-Language")
    return caching.cacheable(response, site().manifest(), "/index.json",
                             documents.i18n.choose_language())
