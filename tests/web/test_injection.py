"""Hostile literals and IRIs in the data render inert on every page type.

A copy of the real project gets a data file (valid against its shapes) that gives an
organisation a Czech name, another name and a description full of markup, quotes and
``javascript:``, and homepages with a ``javascript:`` IRI and an outside one; an ontology
file adds a property with the same text as its label and comment. Every page type that can
show them (entity page, browse, search results, the SPARQL results table, the ontology
page and a term page) must escape the text, never link the ``javascript:`` IRI, and mark
every outside link ``rel="noopener noreferrer"``. Every kind of response carries the
security headers.
"""

from __future__ import annotations

import re
import shutil

import pytest
import requests

from publisher.build.pipeline import build
from publisher.core.config import load_settings
from tests.conftest import ROOT, SOURCE_FOLDERS
from tests.live import serving

MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'
QUOTES = "\" onmouseover=\"alert(1)\" ' x='"
HOSTILE = f"{MARKUP} {QUOTES} javascript:alert(1) </textarea></title>"
ORG = "https://data.clusterscord.eu/id/organisation/rda-celje"
RAW = ("<script>alert", "<img src=x", 'onmouseover="alert', 'href="javascript:')
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def turtle_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def hostile_data() -> str:
    text = turtle_string(HOSTILE)
    return f"""\
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix dct: <http://purl.org/dc/terms/> .
<https://data.clusterscord.eu/graph/general-knowledge> {{
  <{ORG}> skos:prefLabel {text}@cs ;
      skos:altLabel {text}@en ;
      dct:description {text}@en ;
      foaf:homepage <javascript:alert(1)> , <https://evil.example/landing> .
}}
"""


def hostile_ontology() -> str:
    text = turtle_string(HOSTILE)
    return f"""\
@prefix cc: <https://data.clusterscord.eu/def/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
cc:hostileNote a owl:DatatypeProperty ;
    rdfs:label {text}@en , {text}@cs ;
    rdfs:comment {text}@en , {text}@cs ;
    rdfs:seeAlso <javascript:alert(2)> .
"""


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The real project plus the hostile files, built once for the module and served."""
    root = tmp_path_factory.mktemp("injection") / "project"
    for folder in SOURCE_FOLDERS:
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, root / folder)
    (root / "data" / "hostile.trig").write_text(hostile_data(), encoding="utf-8")
    (root / "ontology" / "hostile.ttl").write_text(hostile_ontology(), encoding="utf-8")
    settings = load_settings(root=root, environ={})
    build(settings)
    with serving(settings) as url:
        yield url


def assert_inert(html: str) -> None:
    for raw in RAW:
        assert raw not in html, f"{raw!r} reached the page raw"
    for anchor in re.findall(r"<a\b[^>]*>", html):
        href = re.search(r'href="([^"]*)"', anchor)
        if href and re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:|//", href.group(1)):
            assert 'rel="noopener noreferrer"' in anchor, anchor


PAGES = {
    "entity page (en)": "/doc/organisation/rda-celje?lang=en",
    "entity page (cs)": "/doc/organisation/rda-celje?lang=cs",
    "browse (cs)": "/browse/organisation?lang=cs",
    "search results": "/search?q=alert&lang=cs",
    "ontology page": "/def/?lang=en",
    "term page": "/def/hostileNote.html?lang=cs",
    "home": "/?lang=cs",
    "search echoing the query": "/search?q=" + requests.utils.quote(HOSTILE),
    "not found echoing the path": "/doc/organisation/" + requests.utils.quote(MARKUP, safe=""),
}


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_hostile_text_renders_inert_on_every_page_type(base, path):
    response = requests.get(base + path, headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code in (200, 404)
    assert response.headers["Content-Type"].startswith("text/html")
    assert_inert(response.text)


@pytest.mark.parametrize("path,needle", [
    ("/doc/organisation/rda-celje?lang=cs", "&lt;script&gt;alert("),
    ("/browse/organisation?lang=cs", "&lt;script&gt;alert("),
    ("/search?q=alert&lang=cs", "&lt;script&gt;alert("),
    ("/def/?lang=en", "&lt;script&gt;alert("),
])
def test_hostile_text_is_shown_escaped_not_dropped(base, path, needle):
    assert needle in requests.get(base + path, timeout=30).text


def test_javascript_iri_is_never_a_link_and_outside_links_are_marked(base):
    html = requests.get(base + "/doc/organisation/rda-celje", timeout=30).text
    assert "javascript:alert(1)" in html  # shown as text …
    assert 'href="javascript:' not in html  # … never as a link
    [evil] = re.findall(r'<a\b[^>]*href="https://evil\.example/landing"[^>]*>', html)
    assert 'rel="noopener noreferrer"' in evil


def test_sparql_results_table_escapes_literals_and_disarms_iris(base):
    query = (f"SELECT ?text ?link ?web WHERE {{ BIND({turtle_string(HOSTILE)} AS ?text) "
             "BIND(<javascript:alert(1)> AS ?link) BIND(<https://evil.example/> AS ?web) }")
    response = requests.get(base + "/sparql", params={"query": query},
                            headers={"Accept": "text/html"}, timeout=60)
    assert response.status_code == 200
    assert_inert(response.text)
    assert "&lt;script&gt;alert(" in response.text


def test_json_twin_keeps_the_text_as_data(base):
    response = requests.get(base + "/doc/organisation/rda-celje.json?lang=cs", timeout=30)
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["label"] == HOSTILE


def dump_file(base) -> str:
    sums = requests.get(base + "/dumps/SHA256SUMS", timeout=30).text
    return "/dumps/" + sums.split()[1]


RESPONSES = {
    "html": ("GET", "/doc/organisation/rda-celje", {"Accept": "text/html"}),
    "redirect": ("GET", "/id/organisation/rda-celje", {"Accept": "text/turtle"}),
    "turtle": ("GET", "/doc/organisation/rda-celje.ttl", {}),
    "jsonld": ("GET", "/doc/organisation/rda-celje.jsonld", {}),
    "json": ("GET", "/search.json?q=celje", {}),
    "sparql results": ("GET", "/sparql?query=ASK%7B%7D", {"Accept": "application/json"}),
    "sparql refused": ("GET", "/sparql?update=CLEAR%20ALL", {}),
    "not found": ("GET", "/nowhere", {"Accept": "text/html"}),
    "not found (text)": ("GET", "/nowhere", {"Accept": "text/plain"}),
    "not acceptable": ("GET", "/doc/organisation/rda-celje", {"Accept": "image/png"}),
    "method not allowed": ("DELETE", "/", {}),
    "too large": ("POST", "/sparql", {"Content-Type": "application/sparql-query"}),
    "static file": ("GET", "/static/site.css", {}),
    "dump": ("GET", None, {}),
    "catalogue": ("GET", "/catalog", {"Accept": "text/turtle"}),
    "health": ("GET", "/health", {}),
    "openapi": ("GET", "/openapi.json", {}),
    "robots": ("GET", "/robots.txt", {}),
}


@pytest.mark.parametrize("name", RESPONSES)
def test_security_headers_on_every_kind_of_response(base, name):
    method, path, headers = RESPONSES[name]
    path = path or dump_file(base)
    body = b"x" * 2_000_000 if name == "too large" else None
    response = requests.request(method, base + path, headers=headers, data=body,
                                allow_redirects=False, timeout=60)
    for header, value in SECURITY_HEADERS.items():
        assert response.headers.get(header) == value, (name, response.status_code)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy or "default-src 'none'" in policy
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[-1].split(";")[0]


def test_not_modified_answers_keep_the_headers(base):
    first = requests.get(base + "/doc/organisation/rda-celje.ttl", timeout=30)
    again = requests.get(base + "/doc/organisation/rda-celje.ttl", timeout=30,
                         headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    for header, value in SECURITY_HEADERS.items():
        assert again.headers.get(header) == value
