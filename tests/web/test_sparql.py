"""The /sparql endpoint against real clients on a live server: formats, dataset, limits.

The store holds three small named graphs; the project root is a temporary copy with two
named queries, so these tests do not depend on the real graph.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time

import pyoxigraph as ox
import pytest
import rdflib
import requests
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, XML, SPARQLWrapper

from publisher.web import create_app
from tests.live import serving
from tests.sparql_fixtures import KASEI, REPO, protocol_quads, publish_quads, settings_for

NAMED_QUERY = """\
# title: Documents
# title@cs: Dokumenty
# description: Every document of the test graphs.
# description@cs: Všechny dokumenty testovacích grafů.
SELECT ?doc WHERE { ?doc a <http://xmlns.com/foaf/0.1/Document> } ORDER BY ?doc
"""
# Five VALUES blocks of 100 numbers: 10^10 rows to count, minutes of work on any data.
NUMBERS = " ".join(str(n) for n in range(100))
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(
    f"VALUES ?v{i} {{ {NUMBERS} }}" for i in range(5)
) + " }"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def make_root(tmp_path):
    root = tmp_path / "project"
    (root / "sparql" / "views").mkdir(parents=True)
    (root / "sparql" / "queries").mkdir(parents=True)
    shutil.copy(REPO / "sparql" / "views" / "labels.rq", root / "sparql" / "views")
    (root / "sparql" / "queries" / "documents.rq").write_text(NAMED_QUERY, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    root = make_root(tmp_path_factory.mktemp("sparql"))
    # A limit with a margin a loaded machine keeps: query workers run at a lower priority,
    # so other work on the cores can hold even a parse error for seconds.
    settings = settings_for(root, query_timeout_s=10, max_rows=2, max_query_chars=5000,
                            max_request_bytes=20_000, query_workers=2)
    publish_quads(settings.var, protocol_quads(), root=settings.root)
    app = create_app(settings)
    with serving(settings, app) as base:
        yield base, app
    app.extensions["sparql_pool"].close()


@pytest.fixture
def url(live):
    return live[0] + "/sparql"


def get(url, query, **kwargs):
    params = {"query": query, **kwargs.pop("params", {})}
    return requests.get(url, params=params, timeout=60, **kwargs)


def test_sparqlwrapper_reads_json_and_xml_results(url):
    client = SPARQLWrapper(url)
    client.setQuery("SELECT ?s WHERE { ?s a <http://xmlns.com/foaf/0.1/Document> } ORDER BY ?s")
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert [row["s"]["value"] for row in rows] == [f"{KASEI}data1.rdf", f"{KASEI}data2.rdf"]
    client.setReturnFormat(XML)
    document = client.query().convert()
    assert len(document.getElementsByTagName("result")) == 2


def test_sparqlwrapper_construct_gives_an_rdflib_graph(url):
    client = SPARQLWrapper(url)
    client.setQuery(f"CONSTRUCT WHERE {{ <{KASEI}data3.rdf> ?p ?o }}")
    graph = client.queryAndConvert()
    assert isinstance(graph, rdflib.Graph)
    assert (rdflib.URIRef(f"{KASEI}data3.rdf"), rdflib.RDF.type, rdflib.FOAF.Document) in graph


def test_rdflib_sparqlstore_queries_unmodified(url):
    graph = rdflib.Graph(store=SPARQLStore(url))
    rows = list(graph.query("SELECT ?g ?s WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"))
    assert [str(row.g) for row in rows] == [f"{KASEI}data{n}.rdf" for n in (1, 2)]
    assert graph.query("ASK { ?s ?p ?o }").askAnswer is True


def test_default_graph_is_the_union_of_the_named_graphs(url):
    answer = get(url, COUNT_ALL, headers={"Accept": "application/sparql-results+json"}).json()
    assert answer["results"]["bindings"][0]["n"]["value"] == "3"


def test_protocol_dataset_overrides_from_clauses(url):
    query = f"SELECT (COUNT(*) AS ?n) FROM <{KASEI}data1.rdf> WHERE {{ ?s ?p ?o }}"
    graphs = [f"{KASEI}data2.rdf", f"{KASEI}data3.rdf"]
    answer = get(url, query, params={"default-graph-uri": graphs})
    assert answer.json()["results"]["bindings"][0]["n"]["value"] == "2"


def test_accept_q_values_choose_the_format_and_vary_on_accept(url):
    response = get(url, COUNT_ALL, headers={
        "Accept": "application/sparql-results+json;q=0.5, text/tab-separated-values",
    })
    assert response.headers["Content-Type"].startswith("text/tab-separated-values")
    assert response.text.splitlines() == ["?n", "3"]
    assert "Accept" in response.headers["Vary"]


def test_format_parameter_overrides_accept(url):
    response = get(url, COUNT_ALL, params={"format": "csv"},
                   headers={"Accept": "application/sparql-results+xml"})
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.text.splitlines() == ["n", "3"]


@pytest.mark.parametrize("media_type,rdf_format", [
    ("text/turtle", ox.RdfFormat.TURTLE), ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", ox.RdfFormat.JSON_LD), ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/n-quads", ox.RdfFormat.N_QUADS), ("application/trig", ox.RdfFormat.TRIG),
])
def test_construct_answers_in_every_graph_format(url, media_type, rdf_format):
    response = get(url, "CONSTRUCT WHERE { ?s ?p ?o }", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media_type
    assert len(list(ox.parse(response.content, format=rdf_format))) == 2  # capped at max_rows


def test_unsupported_format_is_406_naming_the_formats(url):
    response = get(url, COUNT_ALL, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text and "text/csv" in response.text
    response = get(url, "ASK {}", headers={"Accept": "text/csv"})
    assert response.status_code == 406
    assert "application/sparql-results+xml" in response.text


def test_row_cap_is_announced_by_a_header(url):
    response = get(url, "SELECT ?s WHERE { ?s ?p ?o }", params={"format": "json"})
    assert response.headers["X-Result-Truncated"] == "true"
    assert len(response.json()["results"]["bindings"]) == 2
    small = get(url, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", params={"format": "json"})
    assert "X-Result-Truncated" not in small.headers


def test_row_cap_is_announced_on_the_page(url):
    response = get(url, "SELECT ?s WHERE { ?s ?p ?o }", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert 'class="sparql-notice sparql-truncated"' in response.text


def test_malformed_query_is_400_with_parser_message_and_position(url):
    response = get(url, "SELECT * WHERE { ?s ?p }")
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "error at 1:" in response.text


def test_malformed_query_is_shown_inside_the_page_escaped(url):
    response = get(url, "SELECT * WHERE { <script>x</script> }", headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert 'class="sparql-notice sparql-error"' in response.text
    assert "<script>x</script>" not in response.text
    assert "&lt;script&gt;x&lt;/script&gt;" in response.text


@pytest.mark.parametrize("how", ["get", "form", "direct", "query-body"])
def test_updates_are_refused_with_403_whatever_way_they_arrive(url, how):
    update = "INSERT DATA { <http://e.org/s> <http://e.org/p> 1 }"
    if how == "get":
        response = requests.get(url, params={"update": update}, timeout=30)
    elif how == "form":
        response = requests.post(url, data={"update": update}, timeout=30)
    elif how == "direct":
        response = requests.post(url, data=update.encode(), timeout=30,
                                 headers={"Content-Type": "application/sparql-update"})
    else:
        response = requests.post(url, data={"query": update}, timeout=30)
    assert response.status_code == 403
    assert "read-only" in response.text
    assert get(url, COUNT_ALL, params={"format": "csv"}).text.splitlines()[1] == "3"


def test_protocol_errors_are_400(url):
    assert requests.post(url, params={"query": "ASK {}"}, data=b"ASK {}", timeout=30,
                         headers={"Content-Type": "application/sparql-query"}).status_code == 400
    assert requests.post(url, data={"format": "json"}, timeout=30).status_code == 400
    assert requests.post(url, data=b"ASK {}", timeout=30).status_code == 415
    assert requests.get(url, params={"query": ["ASK {}", "ASK {}"]}, timeout=30).status_code == 400
    missing = requests.get(url, headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert missing.status_code == 400


def test_service_outside_the_allowlist_is_refused(url):
    response = get(url, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert response.status_code == 403
    assert "SERVICE <http://example.org/sparql> is not allowed" in response.text


def test_request_size_limits_answer_with_the_reason(url):
    big = requests.post(url, data={"query": "ASK {}" + " " * 30_000}, timeout=30)
    assert big.status_code == 413
    assert "20000 bytes" in big.text
    long_query = get(url, "ASK {}" + " " * 6000)
    assert long_query.status_code == 414  # in a GET the query is the URI
    assert "the limit is 5000" in long_query.text


def test_cors_on_answers_and_preflight(url):
    assert get(url, "ASK {}").headers["Access-Control-Allow-Origin"] == "*"
    preflight = requests.options(url, headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }, timeout=30)
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]


def test_service_description_lists_endpoint_formats_and_named_graphs(url):
    response = requests.get(url, headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = next(graph.subjects(rdflib.RDF.type, sd.Service))
    assert graph.value(service, sd.endpoint) == rdflib.URIRef("https://data.clusterscord.eu/sparql")
    assert (service, sd.feature, sd.UnionDefaultGraph) in graph
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
    formats = set(graph.objects(service, sd.resultFormat))
    assert rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats
    names = {str(name) for name in graph.objects(None, sd.name)}
    assert names == {f"{KASEI}data{n}.rdf" for n in (1, 2, 3)}


def test_named_query_runs_by_name_for_machines_and_people(url):
    machine = requests.get(url, params={"name": "documents", "format": "json"}, timeout=30)
    assert [b["doc"]["value"] for b in machine.json()["results"]["bindings"]] == [
        f"{KASEI}data1.rdf", f"{KASEI}data2.rdf",
    ]
    page = requests.get(url, params={"name": "documents", "lang": "cs"},
                        headers={"Accept": "text/html"}, timeout=30)
    assert "Dokumenty" in page.text and f"{KASEI}data1.rdf" in page.text
    assert requests.get(url, params={"name": "nope"}, timeout=30).status_code == 404


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_runaway_query_is_killed_at_the_limit_while_others_answer(live, url):
    pool = live[1].extensions["sparql_pool"]
    get(url, "ASK {}")  # both workers exist once the pool has served a request
    outcome = {}
    runaway = threading.Thread(target=lambda: outcome.update(response=get(url, RUNAWAY)))
    runaway.start()
    while not pool.busy:
        time.sleep(0.02)
    [runaway_pid] = pool.busy
    simple = get(url, COUNT_ALL, params={"format": "csv"})
    assert runaway.is_alive(), "the simple query was answered while the runaway ran"
    assert simple.status_code == 200 and simple.text.splitlines()[1] == "3"
    runaway.join(timeout=120)
    response = outcome["response"]
    assert response.status_code == 503
    assert "stopped after the time limit of 10 s" in response.text
    assert runaway_pid in pool.killed
    assert not pid_alive(runaway_pid)
    assert get(url, COUNT_ALL, params={"format": "csv"}).status_code == 200


def test_results_page_links_iris_and_escapes_literals(url):
    query = 'SELECT ?s ?text WHERE { ?s a ?t BIND("<b>bold</b>"@en AS ?text) } LIMIT 1'
    page = get(url, query, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert f'href="{KASEI}' in page.text
    assert "&lt;b&gt;bold&lt;/b&gt;" in page.text and "<b>bold</b>" not in page.text
    assert json.dumps("x")  # the page is HTML, not JSON


def count(url, query, **params) -> int:
    response = get(url, query, params=params, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def test_from_in_the_query_replaces_the_union_default_graph(url):
    every = count(url, COUNT_ALL)
    one = count(url, f"SELECT (COUNT(*) AS ?n) FROM <{KASEI}data1.rdf> WHERE {{ ?s ?p ?o }}")
    assert 0 < one < every
    assert count(url, "SELECT (COUNT(*) AS ?n) FROM <file:///etc/passwd> WHERE { ?s ?p ?o }") == 0
    named = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{KASEI}data1.rdf> WHERE {{ ?s ?p ?o }}"
    assert count(url, named) == 0, "FROM NAMED alone leaves an empty default graph"


def test_protocol_graphs_override_from_in_the_query(url):
    query = f"SELECT (COUNT(*) AS ?n) FROM <{KASEI}data1.rdf> WHERE {{ ?s ?p ?o }}"
    both = count(url, query, **{"default-graph-uri": f"{KASEI}data2.rdf"})
    only_data2 = f"SELECT (COUNT(*) AS ?n) FROM <{KASEI}data2.rdf> WHERE {{ ?s ?p ?o }}"
    assert both == count(url, only_data2)


LATIN1_QUERY = "SELECT%20%2A%20WHERE%20%7B%20%3Fs%20%3Fp%20%22caf%E9%22%20%7D"


def test_percent_escapes_that_are_not_utf8_are_refused_not_replaced(url):
    by_get = requests.get(f"{url}?query={LATIN1_QUERY}", timeout=30)
    by_form = requests.post(
        url, data=f"query={LATIN1_QUERY}", timeout=30,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    for response in (by_get, by_form):
        assert response.status_code == 400
        assert "not UTF-8" in response.text
    utf8 = LATIN1_QUERY.replace("%E9", "%C3%A9")
    assert requests.get(f"{url}?query={utf8}", timeout=30).status_code == 200
    form_ok = requests.post(
        url, data=f"query={utf8}", timeout=30,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form_ok.status_code == 200
