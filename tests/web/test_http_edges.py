"""The edges of HTTP where real clients live, against the production server (gunicorn and
granian): HEAD everywhere, long GET queries, compression, CORS preflight, the media types
RDF libraries send, named graph pages, 404 for unknown things, each triple once."""

from __future__ import annotations

import gzip
import json
import socket
from urllib.parse import urlencode, urlsplit

import brotli
import pyoxigraph as ox
import pytest
import requests

from publisher.web import SECURITY_HEADERS
from publisher.web.limits import GRANIAN_URI_BYTES, request_target_bytes
from tests.production import ROOT, production

STATIC = ROOT / "publisher" / "web" / "static"
SELECT_JSON = {"Accept": "application/sparql-results+json"}
ORG = "/id/organisation/"


@pytest.fixture(scope="module", params=["gunicorn", "granian"])
def server(request, built, tmp_path_factory):
    log = tmp_path_factory.mktemp("edges") / "server.log"
    with production(built.settings.var, log, server=request.param, workers=1,
                    threads=4) as running:
        running.kind = request.param
        running.settings = built.settings
        yield running


def sparql(server, query: str, accept: str = "application/sparql-results+json",
           headers: dict | None = None, **kw):
    return requests.get(server.base + "/sparql", params={"query": query},
                        headers={"Accept": accept, **(headers or {})}, timeout=30, **kw)


def some_entity(server) -> str:
    rows = sparql(server, "SELECT ?s WHERE { ?s a <http://www.w3.org/ns/org#FormalOrganization> "
                          "FILTER(CONTAINS(STR(?s), '/id/organisation/')) } ORDER BY ?s LIMIT 1")
    return urlsplit(rows.json()["results"]["bindings"][0]["s"]["value"]).path


def assert_usual_headers(response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_head_answers_like_get_without_a_body_on_every_route(server):
    entity = some_entity(server)
    doc = entity.replace("/id/", "/doc/")
    paths = ["/", "/sparql", "/sparql?query=ASK%7B%7D", doc, "/graph/wrs", "/catalog",
             "/changes/0", "/dumps/", "/search?q=usti", "/static/site.css", "/ready"]
    session = requests.Session()
    for path, accept in [(p, "text/html") for p in paths] + [
            ("/sparql", "text/turtle"), ("/sparql?query=ASK%7B%7D", SELECT_JSON["Accept"]),
            (doc, "text/turtle"), ("/void", "text/turtle")]:
        headers = {"Accept": accept, "Accept-Encoding": "identity"}
        got = session.get(server.base + path, headers=headers, timeout=30)
        head = session.head(server.base + path, headers=headers, timeout=30)
        assert head.status_code == got.status_code, (path, accept, head.status_code)
        assert head.content == b""
        assert head.headers["Content-Type"] == got.headers["Content-Type"], path


def test_a_get_query_of_max_query_chars_works_and_past_it_a_414_in_our_words(server):
    if server.kind == "granian":  # hyper's fixed URI limit: the longest query that fits
        limit = 45_000
        assert len(urlencode({"query": long_query(limit)[0]})) < GRANIAN_URI_BYTES - 100
        past = sparql(server, long_query(60_000)[0])
        assert past.status_code == 414
    else:
        limit = server.settings.max_query_chars
    query, n = long_query(limit)
    ok = sparql(server, query)
    assert ok.status_code == 200, ok.text[:300]
    assert len(ok.json()["results"]["bindings"]) == n
    if server.kind == "granian":
        return
    refused = sparql(server, query + " ")
    assert refused.status_code == 414
    assert refused.text.startswith("414 URI Too Long: the query has")
    assert_usual_headers(refused)
    # A request target past what any allowed query needs: the project's 414 again.
    huge = "x" * (request_target_bytes(server.settings) + 10)
    past = requests.get(server.base + "/sparql", params={"query": huge}, timeout=60)
    assert past.status_code == 414 and past.text.startswith("414 URI Too Long")
    assert_usual_headers(past)
    # Other routes keep the usual 4 KiB.
    search = requests.get(server.base + "/search", params={"q": "x" * 5000}, timeout=30)
    assert search.status_code == 414 and search.text.startswith("414 URI Too Long")
    assert_usual_headers(search)


def long_query(limit: int) -> tuple[str, int]:
    """A SELECT of exactly limit characters: a VALUES list of as many IRIs as fit."""
    head = "SELECT ?s WHERE { VALUES ?s { "
    tail = "} }"
    iri = "<https://data.clusterscord.eu/id/organisation/x{:05d}> "
    body, n = "", 0
    while len(head) + len(body) + len(iri.format(n)) + len(tail) <= limit:
        body += iri.format(n)
        n += 1
    query = head + body + " " * (limit - len(head) - len(body) - len(tail)) + tail
    assert len(query) == limit
    return query, n


def test_answers_are_compressed_by_accept_encoding_and_cached_compressed(server):
    plain = requests.get(server.base + "/def/", headers={"Accept-Encoding": "identity"},
                         timeout=30)
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["Vary"]
    for coding, decode in (("br", brotli.decompress), ("gzip", gzip.decompress)):
        for _ in range(2):  # the second answer comes from the generation cache
            raw = requests.get(server.base + "/def/", headers={"Accept-Encoding": coding},
                               timeout=30, stream=True)
            assert raw.headers["Content-Encoding"] == coding
            assert "Accept-Encoding" in raw.headers["Vary"]
            packed = raw.raw.read(decode_content=False)
            assert len(packed) < len(plain.content) / 3
            assert decode(packed) == plain.content
    hits = [line for line in server.log_text().splitlines()
            if '"path": "/def/"' in line and '"cache": "hit"' in line]
    assert len(hits) >= 2
    # q=0 refuses a coding; the preferred one wins otherwise
    refused = requests.get(server.base + "/def/", headers={"Accept-Encoding": "br;q=0, gzip"},
                           timeout=30)
    assert refused.headers["Content-Encoding"] == "gzip"
    construct = sparql(server, "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2000", "text/turtle",
                       headers={"Accept-Encoding": "br"}, stream=True)
    assert construct.status_code == 200 and construct.headers["Content-Encoding"] == "br"
    assert ox.parse(brotli.decompress(construct.raw.read(decode_content=False)),
                    format=ox.RdfFormat.TURTLE)


def test_static_files_come_precompressed_and_ranges_and_dumps_are_never_compressed(server):
    name = "vendor/yasgui/yasgui.min.js"
    original = (STATIC / name).read_bytes()
    packed = (STATIC / (name + ".br")).read_bytes()
    got = requests.get(f"{server.base}/static/{name}", headers={"Accept-Encoding": "br"},
                       timeout=30, stream=True)
    assert got.headers["Content-Encoding"] == "br"
    assert got.raw.read(decode_content=False) == packed
    assert brotli.decompress(packed) == original
    ranged = requests.get(f"{server.base}/static/{name}", timeout=30,
                          headers={"Accept-Encoding": "br, gzip", "Range": "bytes=0-99"})
    assert ranged.status_code == 206 and "Content-Encoding" not in ranged.headers
    assert ranged.content == original[:100]
    manifest = server.settings.var / "current" / "manifest.json"
    for entry in json.loads(manifest.read_text())["dumps"]:
        dump = requests.get(f"{server.base}/dumps/{entry['file']}", timeout=30, stream=True,
                            headers={"Accept-Encoding": "br, gzip"})
        assert "Content-Encoding" not in dump.headers, entry["file"]
        assert len(dump.raw.read(decode_content=False)) == entry["bytes"]
        part = requests.get(f"{server.base}/dumps/{entry['file']}", timeout=30,
                            headers={"Accept-Encoding": "br, gzip", "Range": "bytes=0-9"})
        assert part.status_code == 206 and "Content-Encoding" not in part.headers


def test_every_public_route_answers_a_cors_preflight(server):
    entity = some_entity(server)
    asked = "if-none-match, if-modified-since, cache-control, x-requested-with, accept"
    for path, method in ((entity, "GET"), (entity.replace("/id/", "/doc/"), "GET"),
                         ("/graph/wrs", "GET"), ("/catalog", "GET"), ("/changes", "GET"),
                         ("/search", "GET"), ("/def/", "GET"), ("/sparql", "POST"),
                         ("/dumps/", "GET")):
        response = requests.options(server.base + path, timeout=30, headers={
            "Origin": "https://elsewhere.example", "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": asked})
        assert response.status_code == 204, path
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        methods = response.headers["Access-Control-Allow-Methods"]
        assert method in methods and "HEAD" in methods, path
        allowed = response.headers["Access-Control-Allow-Headers"].lower()
        assert all(header.strip() in allowed for header in asked.split(",")), path
    page = requests.get(server.base + entity.replace("/id/", "/doc/"), timeout=30,
                        headers={"Origin": "https://elsewhere.example"})
    assert page.headers["Access-Control-Allow-Origin"] == "*"


def test_the_media_types_rdf_libraries_send_and_q_zero_beside_star(server):
    doc = some_entity(server).replace("/id/", "/doc/")
    for accept, media_type in (("text/plain, */*;q=0.1", "application/n-triples"),
                               ("text/n3, */*;q=0.1", "text/turtle"),
                               ("application/trig, */*;q=0.1", "text/turtle"),
                               ("application/n-quads, */*;q=0.1", "application/n-triples")):
        got = requests.get(server.base + doc, headers={"Accept": accept}, timeout=30)
        assert got.headers["Content-Type"].startswith(media_type), accept
    construct = sparql(server, "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3",
                       "application/trig, */*;q=0.1")
    assert construct.headers["Content-Type"].startswith("application/trig")
    select = sparql(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
                    "application/sparql-results+json;q=0, */*;q=0.1")
    assert select.status_code == 200
    assert select.headers["Content-Type"].startswith("application/sparql-results+xml")
    html_refused = requests.get(server.base + doc, timeout=30,
                                headers={"Accept": "text/html;q=0, */*;q=0.1"})
    assert not html_refused.headers["Content-Type"].startswith("text/html")


def test_named_graphs_dereference_and_unknown_things_answer_404_at_once(server):
    manifest = server.settings.var / "current" / "manifest.json"
    counts = json.loads(manifest.read_text())["stats"]["graphs"]
    iri = "https://data.clusterscord.eu/graph/wrs"
    ttl = requests.get(server.base + "/graph/wrs", headers={"Accept": "text/turtle"},
                       timeout=30)
    assert ttl.status_code == 200 and ttl.headers["Content-Location"] == "/graph/wrs.ttl"
    graph = {(t.predicate.value, t.object.value)
             for t in ox.parse(ttl.content, format=ox.RdfFormat.TURTLE, base_iri=iri)
             if t.subject.value == iri}
    assert ("http://rdfs.org/ns/void#triples", str(counts[iri])) in graph
    assert any(p == "http://www.w3.org/ns/prov#wasDerivedFrom" for p, _ in graph)
    assert any(p.endswith("/def/confidence") for p, _ in graph)
    assert any(p == "http://rdfs.org/ns/void#dataDump" and o.endswith(".nq.gz")
               for p, o in graph)
    page = requests.get(server.base + "/graph/wrs", headers={"Accept": "text/html"},
                        timeout=30)
    assert page.status_code == 200 and str(counts[iri]) in page.text and ".nq.gz" in page.text
    assert requests.get(server.base + "/graph/no-such-graph", timeout=30).status_code == 404
    unknown = requests.get(server.base + ORG + "no-such-partner", allow_redirects=False,
                           headers={"Accept": "text/turtle"}, timeout=30)
    assert unknown.status_code == 404
    known = requests.get(server.base + some_entity(server), allow_redirects=False, timeout=30)
    assert known.status_code == 303


def test_describe_and_construct_give_each_triple_once(server):
    twice = sparql(server, """SELECT ?s WHERE { GRAPH ?a { ?s ?p ?o } GRAPH ?b { ?s ?p ?o }
                              FILTER(?a != ?b && isIRI(?s)) } LIMIT 1""")
    subject = twice.json()["results"]["bindings"][0]["s"]["value"]
    for query in (f"DESCRIBE <{subject}>", f"CONSTRUCT {{ <{subject}> ?p ?o }} "
                                           f"WHERE {{ <{subject}> ?p ?o }}"):
        lines = sparql(server, query, "application/n-triples").text.splitlines()
        assert lines and len(lines) == len(set(lines)), query


def test_the_servers_own_error_answers_carry_the_security_headers(server):
    if server.kind != "gunicorn":
        pytest.skip("granian's own answers come from its Rust core")
    address = urlsplit(server.base)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(b"GET /\x00bad HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    assert head.startswith("HTTP/1.1 400")
    for name, value in SECURITY_HEADERS.items():
        assert f"{name}: {value}" in head
    assert "Access-Control-Allow-Origin: *" in head


def test_one_count_everywhere_void_service_description_ready_and_the_endpoint(server):
    count = sparql(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    held = int(count.json()["results"]["bindings"][0]["n"]["value"])
    ready = requests.get(server.base + "/ready", timeout=30).json()["triples"]
    void = "http://rdfs.org/ns/void#triples"
    stated = set()
    for path in ("/void", "/sparql"):
        body = requests.get(server.base + path, headers={"Accept": "application/n-triples"},
                            timeout=30).content
        counts = {t.subject.value: int(t.object.value)
                  for t in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
                  if t.predicate.value == void}
        graphs = {s: n for s, n in counts.items() if "/graph/" in s}
        stated.add(max(n for s, n in counts.items() if "/graph/" not in s))  # not a partition
        if graphs:
            assert sum(graphs.values()) == held, path
    assert stated == {held} and ready == held
    build_graph = sparql(server, "ASK { GRAPH <https://data.clusterscord.eu/graph/catalog-build>"
                                 " { ?s ?p ?o } }")
    assert build_graph.json()["boolean"] is False
