"""Entity pages over real HTTP: dereferencing, negotiation, caching, errors, languages, JSON."""

from __future__ import annotations

import json
import re
import socket

import pyoxigraph as ox
import pytest
import requests

from publisher.build.pipeline import build
from publisher.core.config import load_settings
from tests import pages_fixture
from tests.live import serving

BASE = "https://data.clusterscord.eu/"
PROJECT = BASE + "id/project/clusters-cord"
LEAD = BASE + "id/organisation/rra-uk"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
RDF_PARSE = {
    "ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD,
    "nt": ox.RdfFormat.N_TRIPLES, "rdf": ox.RdfFormat.RDF_XML,
}


@pytest.fixture(scope="module")
def site(built):
    with serving(built.settings) as base:
        yield base


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    """A tiny project with a hostile literal and a hub of 120 incoming links."""
    root = pages_fixture.make(tmp_path_factory.mktemp("pages-mini"))
    settings = load_settings(root=root, environ={})
    build(settings)
    with serving(settings) as base:
        yield base


def get(url, accept=None, **headers):
    if accept is not None:
        headers["Accept"] = accept
    return requests.get(url, headers=headers, allow_redirects=False, timeout=30)


def test_entity_iri_sends_browsers_303_to_the_html_document(site):
    response = get(f"{site}/id/project/clusters-cord", BROWSER)
    assert response.status_code == 303
    assert response.headers["Location"] == "/doc/project/clusters-cord"
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize("accept, ext", [
    ("text/turtle", "ttl"),
    ("application/ld+json", "jsonld"),
    ("application/n-triples", "nt"),
    ("application/rdf+xml", "rdf"),
    ("application/json", "json"),
    ("text/html;q=0.5, text/turtle;q=0.9", "ttl"),
    ("text/turtle;q=0.2, application/rdf+xml;q=0.8, */*;q=0.1", "rdf"),
])
def test_entity_iri_303_honours_accept_and_q_values(site, accept, ext):
    response = get(f"{site}/id/project/clusters-cord", accept)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/doc/project/clusters-cord.{ext}"


@pytest.mark.parametrize("ext", sorted(RDF_PARSE))
def test_rdf_documents_parse_and_carry_the_description_with_cors(site, ext):
    response = get(f"{site}/doc/project/clusters-cord.{ext}")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    triples = list(ox.parse(response.content, format=RDF_PARSE[ext]))
    subjects = {t.subject for t in triples}
    assert ox.NamedNode(PROJECT) in subjects
    assert ox.NamedNode(LEAD) in subjects or any(t.object == ox.NamedNode(LEAD) for t in triples)
    labels = [t for t in triples if t.predicate.value.endswith("#prefLabel")
              and t.subject == ox.NamedNode(PROJECT)]
    assert labels


def test_turtle_is_utf8_turtle(site):
    response = get(f"{site}/doc/project/clusters-cord.ttl")
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"


def test_document_without_extension_negotiates_with_vary_and_content_location(site):
    response = get(f"{site}/doc/project/clusters-cord", "text/turtle")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/turtle")
    assert response.headers["Content-Location"] == "/doc/project/clusters-cord.ttl"
    assert "Accept" in response.headers["Vary"]
    html = get(f"{site}/doc/project/clusters-cord", BROWSER)
    assert html.headers["Content-Type"].startswith("text/html")
    assert html.headers["Content-Location"] == "/doc/project/clusters-cord.html"
    assert html.headers["Access-Control-Allow-Origin"] == "*"  # public and read-only: any origin


def test_every_document_links_to_every_format(site):
    response = get(f"{site}/doc/organisation/rra-uk.html")
    links = response.headers["Link"]
    for ext, mime in [("html", "text/html"), ("ttl", "text/turtle"),
                      ("jsonld", "application/ld+json"), ("nt", "application/n-triples"),
                      ("rdf", "application/rdf+xml"), ("json", "application/json")]:
        assert f'</doc/organisation/rra-uk.{ext}>; rel="alternate"; type="{mime}"' in links


def test_if_none_match_and_if_modified_since_answer_304(site):
    first = get(f"{site}/doc/organisation/rra-uk.ttl")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag and modified
    again = get(f"{site}/doc/organisation/rra-uk.ttl", **{"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    since = get(f"{site}/doc/organisation/rra-uk.ttl", **{"If-Modified-Since": modified})
    assert since.status_code == 304
    other = get(f"{site}/doc/organisation/rra-uk.nt", **{"If-None-Match": etag})
    assert other.status_code == 200


def test_html_variants_differ_by_language_in_their_etag(site):
    english = get(f"{site}/doc/organisation/rra-uk", BROWSER, **{"Accept-Language": "en"})
    czech = get(f"{site}/doc/organisation/rra-uk", BROWSER, **{"Accept-Language": "cs"})
    assert english.headers["ETag"] != czech.headers["ETag"]
    assert "Accept-Language" in english.headers["Vary"]


def test_unknown_entity_is_a_404_page_for_people_and_text_for_machines(site):
    page = get(f"{site}/doc/organisation/no-such-thing", BROWSER)
    assert page.status_code == 404
    assert page.headers["Content-Type"].startswith("text/html")
    assert "<main" in page.text
    text = get(f"{site}/doc/organisation/no-such-thing", "text/turtle")
    assert text.status_code == 404
    assert text.headers["Content-Type"].startswith("text/plain")
    assert len(text.text) < 300
    assert get(f"{site}/doc/organisation/no-such-thing.ttl").status_code == 404
    conditional = get(f"{site}/doc/organisation/no-such-thing.ttl", **{"If-None-Match": "*"})
    assert conditional.status_code == 404


def test_unsupported_accept_is_406_listing_the_formats(site):
    for path in ("/id/project/clusters-cord", "/doc/project/clusters-cord", "/def/"):
        response = get(site + path, "image/png")
        assert response.status_code == 406, path
        assert "text/turtle" in response.text
        assert "application/ld+json" in response.text


def raw_get(base: str, target: bytes, host: bytes = b"127.0.0.1") -> tuple[int, bytes]:
    """Send a request line byte for byte (no client-side normalisation of the path)."""
    port = int(base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: " + host +
                     b"\r\nAccept: text/html\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data


@pytest.mark.parametrize("target", [
    b"/doc/organisation/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    b"/doc/organisation/a%22b'c",
    b"/doc/organisation/rra-uk%00.ttl",
    b"/id/organisation/%00",
    b"/doc/%3C%3E/x",
    b"/def/%3Cx%3E",
    b"/browse/%22%3E%3Cscript%3E",
])
def test_hostile_paths_are_404_and_never_echo_markup(site, target):
    status, body = raw_get(site, target)
    assert status == 404
    assert b"<script>alert" not in body
    assert b'"><script>' not in body


def test_any_host_maps_onto_the_configured_base(site):
    status, body = raw_get(site, b"/doc/organisation/rra-uk", host=b"elsewhere.example")
    assert status == 200
    assert LEAD.encode() in body
    assert b"elsewhere.example" not in body
    response = get(f"{site}/doc/organisation/rra-uk", BROWSER,
                   **{"X-Forwarded-Host": "proxy.example", "X-Forwarded-Proto": "http"})
    assert "proxy.example" not in response.text
    assert f'<meta property="og:url" content="{LEAD}">' in response.text


def test_script_inside_a_literal_is_rendered_inert(mini):
    response = get(f"{mini}/doc/thing/hostile", BROWSER)
    assert response.status_code == 200
    html = response.text
    assert '<script>alert("x")' not in html
    assert "&lt;script&gt;alert(" in html
    assert "<b>bold</b>" not in html
    head = html.split("</head>")[0]
    data_block = re.search(r'<script type="application/ld\+json">(.*?)</script>', head, re.S)
    assert data_block and "<" not in data_block.group(1)
    json_twin = get(f"{mini}/doc/thing/hostile.json").json()
    assert json_twin["label"] == pages_fixture.HOSTILE


def test_hub_incoming_links_are_counted_and_paged(mini):
    first = get(f"{mini}/doc/thing/hub.json").json()
    [block] = [b for b in first["incoming"] if b["iri"].endswith("/partOf")]
    assert block["count"] == 120
    assert len(block["items"]) == 50
    seen = {item["iri"] for item in block["items"]}
    next_url = block["next"]
    while next_url:
        page = get(mini + next_url.replace("/doc/thing/hub?", "/doc/thing/hub.json?")).json()
        [block] = [b for b in page["incoming"] if b["iri"].endswith("/partOf")]
        seen |= {item["iri"] for item in block["items"]}
        next_url = block["next"]
    assert len(seen) == 120
    html = get(f"{mini}/doc/thing/hub", BROWSER).text
    assert "120 in all" in html
    assert "offset=50" in html


def test_language_follows_accept_language_then_the_switch(site):
    czech = get(f"{site}/doc/project/clusters-cord", BROWSER, **{"Accept-Language": "cs,en;q=0.5"})
    assert '<html lang="cs">' in czech.text
    assert "Partneři a pozorovatelé" in czech.text
    assert 'href="/doc/project/clusters-cord?lang=en"' in czech.text
    english = get(f"{site}/doc/project/clusters-cord?lang=en", BROWSER,
                  **{"Accept-Language": "cs"})
    assert '<html lang="en">' in english.text
    assert "Partners and observers" in english.text


def test_label_falls_back_to_another_language(site):
    page = get(f"{site}/doc/organisation/rra-uk.json?lang=cs").json()
    assert page["label"] == "Regionální rozvojová agentura Ústeckého kraje, a.s."
    english = get(f"{site}/doc/organisation/wrs.json?lang=cs").json()
    assert english["label"]  # no Czech label: falls back to English or German
    assert english["label"] != english["iri"]


def test_json_twin_has_the_documented_shape_with_urls_and_resolved_labels(site):
    page = get(f"{site}/doc/project/clusters-cord.json?lang=en").json()
    assert set(page) >= {"iri", "url", "lang", "label", "labels", "types", "groups",
                         "incoming", "sources", "formats", "members", "seats"}
    assert page["iri"] == PROJECT
    assert page["url"] == "/doc/project/clusters-cord"
    links = [v for g in page["groups"] for p in g["properties"] for v in p["values"]
             if v["type"] == "link"]
    assert links and all(v["url"] and v["label"] for v in links)
    assert all(v["label"] != v["iri"] for v in links if v["url"].startswith("/doc/"))
    for block in page["incoming"]:
        assert block["count"] >= len(block["items"])
    assert page["formats"]["ttl"] == "/doc/project/clusters-cord.ttl"


def test_project_page_maps_every_partner_with_a_known_seat(site):
    page = get(f"{site}/doc/project/clusters-cord.json").json()
    seats = page["seats"]
    partners = [m for m in page["members"] if m["role"] in ("lead partner", "partner")]
    assert len(partners) >= 10
    assert len(seats) == 9  # partner 10's seat is unknown in the sources (data/README.md)
    assert "/doc/organisation/rra-uk" in {s["url"] for s in seats}
    html = get(f"{site}/doc/project/clusters-cord", BROWSER).text
    assert html.count('class="seat"') == 9
    assert 'role="group" aria-labelledby="map-title"' in html


def test_conflicting_budgets_are_shown_side_by_side_with_sources(site):
    page = get(f"{site}/doc/project/clusters-cord.json").json()
    [budget] = [p for g in page["groups"] for p in g["properties"] if p["iri"].endswith("budget")]
    assert budget["disputed"]
    assert len(budget["values"]) >= 3
    assert all(v["sources"] for v in budget["values"])
    assert len({tuple(v["sources"]) for v in budget["values"]}) >= 3
    html = get(f"{site}/doc/project/clusters-cord", BROWSER).text
    assert 'class="disputed' in html


def test_entity_page_head_has_schema_org_json_ld_and_opengraph(site):
    html = get(f"{site}/doc/organisation/rra-uk", BROWSER).text
    head = html.split("</head>")[0]
    assert '<script type="application/ld+json">' in head
    assert '"@type": "Organization"' in head
    assert '<meta property="og:title"' in head
    assert 'aria-label="Breadcrumbs"' in html or 'aria-label="Drobečková navigace"' in html


def test_home_links_types_sparql_catalogue_and_dumps(site):
    html = get(f"{site}/", BROWSER).text
    for href in ("/browse/organisation", "/sparql", "/catalog", "/dumps/", "/def/",
                 "/doc/project/clusters-cord"):
        assert f'href="{href}"' in html
    assert get(f"{site}/index.json").json()["entities"] > 100


def test_browse_lists_a_type_paged_with_a_json_twin(site):
    assert 'href="/browse/region"' in get(f"{site}/browse", BROWSER).text
    page = get(f"{site}/browse/region.json").json()
    assert page["total"] == len(page["items"]) or page["next"]
    assert all(item["url"].startswith("/doc/region/") for item in page["items"])
    assert get(f"{site}/browse/no-such-type").status_code == 404


def test_search_folds_diacritics_and_case_and_filters_by_type(site):
    usti = get(f"{site}/search.json?q=usti").json()
    assert LEAD in {r["iri"] for r in usti["results"]}
    arleg = get(f"{site}/search.json?q=arleg&type=organisation").json()
    assert arleg["results"][0]["iri"] == BASE + "id/organisation/arleg"
    assert {r["type"] for r in arleg["results"]} == {"organisation"}
    html = get(f"{site}/search?q=%C3%BAst%C3%AD", BROWSER).text
    assert 'href="/doc/organisation/rra-uk"' in html
    for hostile in ('"', "NEAR(", "*", "a OR", "')--", "\x00"):
        assert requests.get(f"{site}/search.json", params={"q": hostile},
                            timeout=30).status_code == 200


def test_ontology_negotiates_and_terms_dereference_with_303(site):
    docs = get(f"{site}/def/", BROWSER)
    assert docs.status_code == 200 and "Accept" in docs.headers["Vary"]
    assert 'href="/def/Cluster"' in docs.text or 'href="/def/Cluster.html"' in docs.text
    turtle = get(f"{site}/def/", "text/turtle")
    assert turtle.headers["Content-Location"] == "/def/ontology.ttl"
    graph = list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE))
    assert any(t.subject == ox.NamedNode(BASE + "def/Cluster") for t in graph)
    redirect = get(f"{site}/def/Cluster", "text/turtle")
    assert redirect.status_code == 303 and redirect.headers["Location"] == "/def/Cluster.ttl"
    assert get(f"{site}/def/Cluster", BROWSER).headers["Location"] == "/def/Cluster.html"
    term = get(f"{site}/def/Cluster.html?lang=cs")
    assert term.status_code == 200 and "Klastr" in term.text
    assert get(f"{site}/def/NoSuchTerm", BROWSER).status_code == 404
    assert get(f"{site}/def/ontology.nt").headers["Content-Type"].startswith(
        "application/n-triples")


def test_openapi_describes_the_routes_and_they_answer(site):
    spec = get(f"{site}/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    samples = {
        "/": "/", "/index.json": "/index.json", "/id/{type}/{slug}": "/id/project/clusters-cord",
        "/doc/{type}/{slug}": "/doc/project/clusters-cord",
        "/doc/{type}/{slug}.{ext}": "/doc/project/clusters-cord.ttl",
        "/def/": "/def/", "/def/ontology.{ext}": "/def/ontology.ttl",
        "/def/{term}": "/def/Cluster", "/def/{term}.{ext}": "/def/Cluster.ttl",
        "/browse": "/browse", "/browse.json": "/browse.json",
        "/browse/{type}": "/browse/sector", "/browse/{type}.json": "/browse/sector.json",
        "/search": "/search?q=ict", "/search.json": "/search.json?q=ict",
        "/openapi.json": "/openapi.json",
    }
    for path, sample in samples.items():
        assert path in spec["paths"], path
        assert get(site + sample).status_code in (200, 303), sample
    assert "EntityPage" in spec["components"]["schemas"]


def test_organisation_map_highlights_its_own_seat_and_keeps_fellow_partners_secondary(site):
    page = get(f"{site}/doc/organisation/rra-uk.json").json()
    seats = page["seats"]
    assert seats[0]["url"] == "/doc/organisation/rra-uk" and seats[0]["current"]
    assert len(seats) > 1 and not any(s["current"] for s in seats[1:])
    assert page["members"] == []
    html = get(f"{site}/doc/organisation/rra-uk", BROWSER).text
    assert html.count('aria-current="true"') == 2  # the marker and the list entry
    assert html.count("seat seat-current") == 1
    assert html.count("seat seat-other") == len(seats) - 1
    assert "(this organisation)" in html
    czech = get(f"{site}/doc/organisation/rra-uk?lang=cs", BROWSER).text
    assert "tato organizace" in czech


def test_project_map_draws_every_partner_alike(site):
    page = get(f"{site}/doc/project/clusters-cord.json").json()
    assert not any(s["current"] for s in page["seats"])
    assert "seat-other" not in get(f"{site}/doc/project/clusters-cord", BROWSER).text


def test_region_page_maps_the_seats_in_that_region(site):
    for region in ("CZ042", "CZ"):
        page = get(f"{site}/doc/region/{region}.json").json()
        assert "/doc/organisation/rra-uk" in {s["url"] for s in page["seats"]}, region
    html = get(f"{site}/doc/region/CZ042", BROWSER).text
    assert "Seats in this region" in html and 'class="seat"' in html
    slovenia = get(f"{site}/doc/region/SI.json").json()
    assert "/doc/organisation/rra-uk" not in {s["url"] for s in slovenia["seats"]}


def test_members_come_lead_partner_first_then_partners_by_name_then_observers(site):
    from publisher.web.present import name_key

    for lang in ("en", "cs"):
        members = get(f"{site}/doc/project/clusters-cord.json?lang={lang}").json()["members"]
        roles = [m["role"] for m in members]
        lead, partner, observer = (("lead partner", "partner", "observer") if lang == "en"
                                   else ("vedoucí partner", "partner", "pozorovatel"))
        assert roles[0] == lead and members[0]["url"] == "/doc/organisation/rra-uk"
        partners = [m["label"] for m in members if m["role"] == partner]
        assert len(partners) == 11  # ten in the seed; BSC Kranj and RRA Gorenjska from others
        assert roles[1:12] == [partner] * 11
        assert partners == sorted(partners, key=name_key), lang
        assert partners[0].strip("“”\"").startswith("ARLEG")
        assert roles[12:] == [observer] * 4
        # cooperation targets are not members
        assert not {"/doc/organisation/nca", "/doc/organisation/european-cluster-observatory"} & {
            m["url"] for m in members}
    html = get(f"{site}/doc/project/clusters-cord", BROWSER).text
    table = html.split('<section class="members"')[1].split("</table>")[0]
    assert table.index("/doc/organisation/rra-uk") < table.index("/doc/organisation/arleg")
    assert table.index("/doc/organisation/wko-ooe") < table.index("/doc/organisation/mpo")


def test_low_confidence_membership_is_marked_with_its_source(site):
    members = get(f"{site}/doc/project/clusters-cord.json").json()["members"]
    [kranj] = [m for m in members if m["url"] == "/doc/organisation/bsc-kranj"]
    assert kranj["confidence"] == "low"
    assert sorted(s["confidence"] for s in kranj["sources"]) == ["low", "medium"]
    [gorenjska] = [m for m in members if m["url"] == "/doc/organisation/rra-gorenjska"]
    assert gorenjska["confidence"] == "medium"
    assert all(m["confidence"] == "high" for m in members if m not in (kranj, gorenjska))
    for lang, badge in (("en", "low confidence"), ("cs", "nízká spolehlivost")):
        html = get(f"{site}/doc/project/clusters-cord?lang={lang}", BROWSER).text
        table = html.split('<section class="members"')[1].split("</table>")[0]
        row = table.split("/doc/organisation/bsc-kranj")[1].split("</tr>")[0]
        assert '<span class="conf conf-low"' in row and badge in row
        assert "/doc/source/central2013-ce13a" in row
        assert table.count("conf-low") == 1


def test_low_and_medium_confidence_facts_carry_their_level_on_page_and_in_json(site):
    page = get(f"{site}/doc/project/clusters-cord.json").json()
    props = {p["iri"]: p for g in page["groups"] for p in g["properties"]}
    budgets = {v["url"]: v["confidence"] for v in props[BASE + "def/budget"]["values"]}
    assert budgets == {"/doc/amount/budget-seed": "high", "/doc/amount/budget-ce13a": "low",
                       "/doc/amount/budget-ce13b": "low"}
    periods = props["http://purl.org/dc/terms/temporal"]["values"]
    assert {v["confidence"] for v in periods} == {"high", "medium"}
    html = get(f"{site}/doc/project/clusters-cord", BROWSER).text
    assert 'class="conf conf-low"' in html and 'class="conf conf-medium"' in html
    amount = get(f"{site}/doc/amount/erdf-ce13b", BROWSER, **{"Accept-Language": "cs"}).text
    assert "nízká spolehlivost" in amount
    value = get(f"{site}/openapi.json").json()["components"]["schemas"]["Value"]
    assert "confidence" in value["properties"]


def _nested_names(values):
    for value in values:
        for prop in value.get("properties", []):
            yield value, prop
            yield from _nested_names(prop["values"])


@pytest.mark.parametrize("path", [
    "/doc/project/clusters-cord", "/doc/organisation/rra-uk", "/doc/place/hotel-diplomat",
    "/doc/grant/clusters-cord", "/doc/place/rra-uk-seat",
])
def test_nested_values_take_property_names_from_their_own_class(site, path):
    for lang in ("en", "cs"):
        page = get(f"{site}{path}.json?lang={lang}").json()
        values = [v for g in page["groups"] for p in g["properties"] for v in p["values"]]
        pairs = list(_nested_names(values))
        assert pairs, path
        for _value, prop in pairs:
            assert "NUTS" not in prop["name"], (path, prop["iri"])


def test_nested_identifier_period_address_geometry_and_amount_are_named_in_both_languages(site):
    expected = {
        "en": {"http://www.w3.org/2004/02/skos/core#notation": "code",
               "http://www.w3.org/ns/dcat#startDate": "start",
               "http://www.w3.org/2006/time#hasXSDDuration": "duration"},
        "cs": {"http://www.w3.org/2004/02/skos/core#notation": "kód",
               "http://www.w3.org/ns/dcat#startDate": "začátek",
               "http://www.w3.org/2006/time#hasXSDDuration": "trvání"},
    }
    for lang, names in expected.items():
        page = get(f"{site}/doc/project/clusters-cord.json?lang={lang}").json()
        values = [v for g in page["groups"] for p in g["properties"] for v in p["values"]]
        found = {prop["iri"]: prop["name"] for _v, prop in _nested_names(values)}
        for predicate, name in names.items():
            assert found[predicate] == name, (lang, predicate)
        assert "http://schema.org/value" in found
        place = get(f"{site}/doc/place/hotel-diplomat.json?lang={lang}").json()
        values = [v for g in place["groups"] for p in g["properties"] for v in p["values"]]
        kinds = {t["iri"] for v, _p in _nested_names(values) for t in v.get("types", [])}
        assert {"http://schema.org/PostalAddress",
                "http://www.opengis.net/ont/geosparql#Geometry"} <= kinds
        names_found = {prop["name"] for _v, prop in _nested_names(values)}
        assert all(name and name != "NUTS code" for name in names_found)


def test_home_summarises_the_project_from_the_data_in_english(site):
    html = get(f"{site}/", BROWSER, **{"Accept-Language": "en"}).text
    glance = html.split('id="projects"')[1].split('id="browse"')[0]
    for text in ("Clusters and Cooperation for Regional Development in Central Europe",
                 "2CE202P1", "March 2010 – February 2013", "36 months", "start given as April 2010",
                 "1,460,000 EUR", "1,358,494.68 EUR", "1,460,334.99 EUR", "1,112,940.82 EUR",
                 "10 partners from 8 countries", "6 February 2013", "10 sectors", "WP4",
                 "low confidence", "medium confidence"):
        assert text in glance, text
    for href in ("/doc/project/clusters-cord", "/doc/programme/central-europe",
                 "/doc/programme/central-europe-call-2", "/doc/organisation/rra-uk",
                 "/doc/organisation/bsc-kranj", "/doc/event/final-conference",
                 "/doc/place/hotel-diplomat", "/doc/work-package/wp1", "/doc/sector/ict",
                 "/doc/amount/budget-seed", "/doc/source/slides-2012-04-16",
                 "/doc/project/c-plus", "/doc/project/cncb"):
        assert f'href="{href}"' in glance, href
    assert glance.count('href="/doc/sector/') == 10
    assert glance.count('href="/doc/work-package/') == 4
    period = glance.split("April 2010")[1].split("</dd>")[0]
    assert "/doc/source/slides-2012-04-16" in period


def test_home_summary_speaks_czech_and_has_a_json_twin(site):
    html = get(f"{site}/", BROWSER, **{"Accept-Language": "cs"}).text
    glance = html.split('id="projects"')[1].split('id="browse"')[0]
    for text in ("Projekt v kostce", "36 měsíců", "1\u00a0460\u00a0000 EUR", "vedoucí partner",
                 "Regionální rozvojová agentura Ústeckého kraje", "nízká spolehlivost",
                 "10 partnerů z 8 zemí", "Související projekty"):
        assert text in glance, text
    data = get(f"{site}/index.json").json()["glance"]
    assert data["code"]["text"] == "2CE202P1"
    assert data["partners"]["lead"]["url"] == "/doc/organisation/rra-uk"
    assert {p.get("startDate") for p in data["periods"]} == {"2010-03", "2010-03-01", "2010-04"}
    assert data["periods"][0]["months"] == 36
    assert {a["confidence"] for a in data["amounts"]} == {"high", "low"}


def test_home_tells_the_story_partners_outputs_and_a_timeline_without_javascript(site):
    html = get(f"{site}/", BROWSER, **{"Accept-Language": "en"}).text
    partners = html.split('id="partners"')[1].split("</table>")[0]
    for text in ("Regional Development Agency of the Ústí Region", "Ústí nad Labem", "Czechia",
                 "Legnica", "Poland", "Stuttgart", "Germany", "lead partner"):
        assert text in partners, text
    # Ten partners the surer sources name, and two only weak sources name, marked so.
    assert partners.count('class="num"') == 12
    assert "conf-low" in partners
    unmapped = html.split('class="unmapped"')[1].split("</p>")[0]
    assert "/doc/organisation/bsc-kranj" in unmapped
    outputs = html.split('id="outputs"')[1].split("</table>")[0]
    assert 'href="/doc/output/web-portal"' in outputs
    assert "status-completed" in outputs and "status-planned" in outputs
    timeline = html.split('id="timeline"')[1].split("</section>")[0]
    years = [part.split("<")[0] for part in timeline.split('class="year-label">')[1:]]
    assert years[:4] == ["2010", "2011", "2012", "2013"]
    assert '<time datetime="2011-10-25">25 October 2011</time>' in timeline
    assert timeline.index("/doc/event/benchmarking-conference-milan") < timeline.index(
        "/doc/event/final-conference")


def test_czech_home_writes_dates_and_statuses_in_czech(site):
    html = get(f"{site}/?lang=cs", BROWSER).text
    timeline = html.split('id="timeline"')[1].split("</section>")[0]
    assert "25. října 2011" in timeline
    assert "dokončeno" in timeline and "plánováno" in timeline
    assert "Česko" in html.split('id="partners"')[1].split("</table>")[0]


def test_a_partner_has_the_same_number_on_every_map(site):
    home = get(f"{site}/", BROWSER).text
    organisation = get(f"{site}/doc/organisation/wrs", BROWSER).text

    def label_of(html, href):
        marker = html.split(f'<a href="{href}" class="seat')[1]
        return marker.split('aria-label="')[1].split('"')[0]

    assert label_of(home, "/doc/organisation/rra-uk").startswith("1 RRA ÚK: ")
    number = label_of(home, "/doc/organisation/wrs").split(" ")[0]
    assert number.isdigit()
    assert label_of(organisation, "/doc/organisation/wrs").startswith(number + " WRS: ")
    assert label_of(organisation, "/doc/organisation/rra-uk").startswith("1 RRA ÚK: ")


def test_the_project_page_has_the_timeline_and_an_event_page_maps_its_venue(site):
    project = get(f"{site}/doc/project/clusters-cord", BROWSER).text
    assert 'id="timeline"' in project and 'id="outputs"' in project
    event = get(f"{site}/doc/event/final-conference", BROWSER).text
    figure = event.split('<figure class="map')[1].split("</figure>")[0]
    assert "Hotel Diplomat" in figure
    assert "this organisation" not in figure


def test_pages_name_their_canonical_url_and_both_language_versions(site):
    html = get(f"{site}/doc/organisation/rra-uk?lang=cs", BROWSER).text
    head = html.split("</head>")[0]
    assert f'<link rel="canonical" href="{BASE}doc/organisation/rra-uk?lang=cs">' in head
    for code in ("en", "cs"):
        assert (f'<link rel="alternate" hreflang="{code}" '
                f'href="{BASE}doc/organisation/rra-uk?lang={code}">') in head
    assert f'hreflang="x-default" href="{BASE}doc/organisation/rra-uk"' in head
    assert '<meta name="description" content="' in head
    description = head.split('<meta name="description" content="')[1].split('"')[0]
    assert description.strip()
    icon = get(f"{site}/favicon.ico")
    assert icon.status_code == 200
    assert icon.content[:4] == b"\x00\x00\x01\x00"


def test_look_alikes_are_told_apart_by_kind_and_nuts_code(site):
    results = get(f"{site}/search.json?q=usti&lang=en").json()["results"]
    by_iri = {r["iri"]: r for r in results}
    area = by_iri[BASE + "id/region/CZ042"]
    authority = by_iri[BASE + "id/organisation/ustecky-kraj"]
    assert area["label"] == authority["label"]
    assert area["type_name"] != authority["type_name"]
    assert area["detail"] == "NUTS 3 · CZ042" and authority["detail"] == ""
    regions = get(f"{site}/browse/region.json").json()["items"]
    slovakia = sorted(r["detail"] for r in regions if r["label"] == "Slovakia")
    assert slovakia == ["NUTS 0 · SK", "NUTS 1 · SK0"]


def test_typed_values_are_written_in_the_page_language(site):
    seat = get(f"{site}/doc/place/rra-uk-seat?lang=cs", BROWSER).text
    assert "50,6607°\u00a0s. š., 14,0323°\u00a0v. d." in seat
    assert ">POINT(" not in seat
    source = get(f"{site}/doc/source/rra-uk-project-page?lang=cs", BROWSER).text
    assert "10. 1. 2012 14:42:00" in source
    assert ">2012-01-10T14:42:00<" not in source
    project = get(f"{site}/doc/project/clusters-cord?lang=cs", BROWSER).text
    assert ">3 roky<" in project and ">P3Y<" not in project
    kinds = project.split('<p class="kind">')[1].split("</p>")[0]
    assert "foaf:" not in kinds and "eurio:" not in kinds


def test_czech_pages_name_other_vocabularies_terms_in_czech(site):
    names = set()
    for path in ("/doc/source/rra-uk-project-page", "/doc/project/clusters-cord",
                 "/doc/sector/ict"):
        html = get(f"{site}{path}?lang=cs", BROWSER).text
        names |= {part.split("<")[0].strip() for part in html.split("<h3>")[1:]}
        names |= {part.split("</span>")[0].split(">")[-1].strip()
                  for part in html.split("<dt>")[1:]}
    for english in ("checksum", "algorithm", "creator", "about", "has top concept",
                    "top concept of", "example resource"):
        assert english not in names, english
    assert {"kontrolní součet", "tvůrce", "vrcholový pojem"} <= names


def test_fellow_and_region_seats_are_not_drawn_beyond_map_max_seats(built):
    with serving(built.settings.replace(map_max_seats=3)) as base:
        page = get(f"{base}/doc/organisation/rra-uk.json").json()
        assert [s["url"] for s in page["seats"]] == ["/doc/organisation/rra-uk"]
        assert page["seats"][0]["current"]
        project = get(f"{base}/doc/project/clusters-cord.json").json()
        assert len(project["seats"]) == 9  # a project's own members are always drawn


def test_home_page_head_carries_the_schema_org_dataset_with_distributions_and_licence(site):
    html = get(f"{site}/").text
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    dataset = json.loads(block)
    assert dataset["@type"] == "Dataset"
    assert dataset["license"]
    assert {d["encodingFormat"] for d in dataset["distribution"]} >= {"application/n-quads"}


def _big_project(root, members: int):
    """The mini project plus one project with ``members`` partners, each with a seat."""
    pages_fixture.make(root, links=0)
    org, cc = "http://www.w3.org/ns/org#", BASE + "def/"
    wgs = "http://www.w3.org/2003/01/geo/wgs84_pos#"
    big = f"<{BASE}id/project/big>"
    lines = [f"<{BASE}graph/big> {{",
             f'{big} a <{org}OrganizationalCollaboration> ; '
             f'<http://www.w3.org/2004/02/skos/core#prefLabel> "Big"@en .']
    for n in range(members):
        member, seat = f"<{BASE}id/organisation/m{n:05d}>", f"<{BASE}id/place/m{n:05d}>"
        lines += [
            f'{member} a <{org}FormalOrganization> ; '
            f'<http://www.w3.org/2004/02/skos/core#prefLabel> "Member {n:05d}"@en ; '
            f"<{org}hasSite> {seat} .",
            f'{seat} <{wgs}lat> "{49 + n % 100 / 100}" ; <{wgs}long> "{15 + n % 90 / 100}" .',
            f"<{BASE}id/membership/m{n:05d}> a <{org}Membership> ; <{org}organization> {big} ; "
            f"<{org}member> {member} ; <{org}role> <{cc}role/partner> .",
        ]
    lines.append("}")
    (root / "data" / "big.trig").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    root = _big_project(tmp_path_factory.mktemp("pages-big"), 2000)
    settings = load_settings(root=root, environ={})
    build(settings)
    with serving(settings) as base:
        yield base


def test_project_of_2000_members_lists_one_page_of_them_with_a_link_to_the_rest(big):
    response = get(f"{big}/doc/project/big", BROWSER)
    assert response.status_code == 200
    assert len(response.content) < 100_000  # bounded by page_size, not by the members
    table = response.text.split('<section class="members"')[1].split("</section>")[0]
    assert table.count('href="/doc/organisation/m') == 50
    assert "1–50 of 2,000" in table
    assert 'href="/doc/project/big?members=50#members"' in table
    page = get(f"{big}/doc/project/big.json").json()
    assert len(page["members"]) == 50
    assert page["members_page"]["count"] == 2000
    seen = {m["iri"] for m in page["members"]}
    last = get(f"{big}/doc/project/big.json?members=1950").json()
    assert len(last["members"]) == 50 and last["members_page"]["next"] is None
    assert not seen & {m["iri"] for m in last["members"]}
    assert len(page["seats"]) <= 1  # 2,000 members' seats are more than a map draws


def test_organisation_of_a_2000_member_project_stays_small(big):
    response = get(f"{big}/doc/organisation/m00007", BROWSER)
    assert response.status_code == 200
    assert len(response.content) < 100_000


def test_a_label_without_language_shows_no_empty_language_tag(site):
    html = get(f"{site}/doc/region/CZ").text
    assert '<span class="tag">—</span>' not in html
    assert '<p class="alt-label" lang="">CZ</p>' in html


def test_a_page_whose_url_names_its_language_varies_on_nothing_the_visitor_sends(site):
    for path in ("/", "/doc/project/clusters-cord", "/browse/organisation", "/dumps/"):
        named = get(f"{site}{path}?lang=cs", BROWSER)
        assert named.status_code == 200, path
        vary = {v.strip().lower() for v in named.headers.get("Vary", "").split(",")}
        assert not {"cookie", "accept-language"} & vary, (path, vary)
        chosen = get(f"{site}{path}", BROWSER)
        vary = {v.strip().lower() for v in chosen.headers.get("Vary", "").split(",")}
        assert {"cookie", "accept-language"} <= vary, (path, vary)


def test_the_project_page_gives_an_observatory_clusters_and_meta_clusters_in_one_request(site):
    for lang, heading in (("en", "Clusters and meta-clusters"), ("cs", "Klastry a metaklastry")):
        html = get(f"{site}/doc/project/clusters-cord?lang={lang}", BROWSER).text
        section = html.split('class="observatory"')[1].split("</section>")[0]
        assert heading in section
        assert 'href="/sparql?name=clusters-and-meta-clusters&amp;format=csv"' in section
    table = get(f"{site}/sparql?name=clusters-and-meta-clusters&format=csv").text
    header, *rows = table.strip().splitlines()
    assert header.startswith("entity,name,kind,field")
    assert sum(",meta-cluster," in row for row in rows) == 5
