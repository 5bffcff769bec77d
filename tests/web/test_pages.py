"""Entity pages over real HTTP: dereferencing, negotiation, caching, errors, languages, JSON."""

from __future__ import annotations

import re
import socket

import pyoxigraph as ox
import pytest
import requests

from publisher.build import build
from publisher.config import load_settings
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
    assert "Access-Control-Allow-Origin" not in html.headers


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
    assert 'class="disputed"' in html


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


def test_organisation_page_maps_its_own_seat_only(site):
    page = get(f"{site}/doc/organisation/rra-uk.json").json()
    assert [s["url"] for s in page["seats"]] == ["/doc/organisation/rra-uk"]
    assert page["members"] == []
