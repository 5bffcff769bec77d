"""Every test of the W3C SPARQL 1.1 Protocol manifest, sent as written to the live server.

Query tests must pass as the manifest says. This endpoint is read-only, so every update
test must be refused with a 4xx and change nothing: the store holds the same quads
afterwards, and the manifest's follow-up queries (which check the update's effect) find
that it had none.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, Namespace
from rdflib.collection import Collection
from rdflib.namespace import RDF

from publisher.store.oxigraph import OxigraphStore
from publisher.web import create_app
from tests.live import serving
from tests.sparql_fixtures import PROTOCOL_TESTS, REPO, protocol_quads, publish_quads, settings_for

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
MANIFEST = PROTOCOL_TESTS / "manifest.ttl"
BOOLEAN_TYPES = ("application/sparql-results+json", "application/sparql-results+xml")
TABULAR_TYPES = (*BOOLEAN_TYPES, "text/csv", "text/tab-separated-values")
RDF_TYPES = ("application/rdf+xml", "text/turtle", "application/n-triples", "application/ld+json")


def load_manifest() -> list[dict]:
    graph = Graph().parse(MANIFEST, format="turtle")
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    tests = []
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        action = graph.value(entry, MF.action)
        requests_ = []
        for node in Collection(graph, graph.value(action, HT.requests)):
            body = graph.value(node, HT.body)
            headers = {}
            header_list = graph.value(node, HT.headers)
            if header_list is not None:
                for header in Collection(graph, header_list):
                    headers[str(graph.value(header, HT.fieldName))] = str(
                        graph.value(header, HT.fieldValue)
                    )
            response = graph.value(node, HT.resp)
            boolean = graph.value(response, MF.expectedBoolean)
            fmt = graph.value(response, MF.expectedFormat)
            requests_.append({
                "method": str(graph.value(node, HT.methodName)),
                "path": str(graph.value(node, HT.absolutePath)),
                "headers": headers,
                "body": None if body is None else str(graph.value(body, CNT.chars)).encode(
                    str(graph.value(body, CNT.characterEncoding) or "UTF-8")
                ),
                "statuses": {str(s).rsplit("StatusCode", 1)[1]
                             for s in graph.objects(response, MF.expectedStatus)},
                "boolean": None if boolean is None else boolean.toPython(),
                "format": None if fmt is None else str(fmt),
            })
        tests.append({"id": str(entry).rsplit("#", 1)[1], "requests": requests_})
    return tests


TESTS = load_manifest()


def is_update_test(test: dict) -> bool:
    return "update" in test["id"]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    settings = settings_for(REPO, var_dir=tmp_path_factory.mktemp("var"), query_timeout_s=20)
    generation = publish_quads(settings.var, protocol_quads(), root=settings.root)
    app = create_app(settings)
    with serving(settings, app) as base:
        yield base, generation
    app.extensions["sparql_pool"].close()


def send(base: str, request: dict) -> requests.Response:
    assert request["path"].startswith("/sparql/")
    return requests.request(
        request["method"], base + request["path"], headers=request["headers"],
        data=request["body"], timeout=60,
    )


def status_class(code: int) -> str:
    return f"{code // 100}xx"


def boolean_of(response: requests.Response) -> bool:
    media_type = response.headers["Content-Type"].split(";")[0].strip()
    assert media_type in BOOLEAN_TYPES
    if media_type.endswith("json"):
        return json.loads(response.content)["boolean"]
    root = ET.fromstring(response.content)
    node = root.find("{http://www.w3.org/2005/sparql-results#}boolean")
    return node.text.strip() == "true"


def check_format(response: requests.Response, expected: str) -> None:
    media_type = response.headers["Content-Type"].split(";")[0].strip()
    if expected == "boolean":
        boolean_of(response)
    elif expected == "tabular":
        assert media_type in TABULAR_TYPES
        fmt = ox.QueryResultsFormat.from_media_type(media_type)
        assert list(ox.parse_query_results(response.content, fmt))
    else:
        assert media_type in RDF_TYPES
        list(ox.parse(response.content, format=ox.RdfFormat.from_media_type(media_type)))


def store_quads(generation) -> list[str]:
    store = OxigraphStore(generation)
    try:
        return sorted(str(quad) for quad in store.raw)
    finally:
        store.close()


def test_manifest_was_read_completely():
    assert len(TESTS) == 34
    assert sum(is_update_test(t) for t in TESTS) == 14


@pytest.mark.parametrize("test", [t for t in TESTS if not is_update_test(t)], ids=lambda t: t["id"])
def test_query_test_passes_as_written(endpoint, test):
    base, _generation = endpoint
    for request in test["requests"]:
        response = send(base, request)
        assert status_class(response.status_code) in request["statuses"], response.text
        if request["boolean"] is not None:
            assert boolean_of(response) is request["boolean"]
        if request["format"] is not None:
            check_format(response, request["format"])


@pytest.mark.parametrize("test", [t for t in TESTS if is_update_test(t)], ids=lambda t: t["id"])
def test_update_test_is_refused_and_changes_nothing(endpoint, test):
    base, generation = endpoint
    before = store_quads(generation)
    first, *follow_ups = test["requests"]
    refused = send(base, first)
    assert status_class(refused.status_code) == "4xx", refused.text
    for request in follow_ups:
        response = send(base, request)
        assert status_class(response.status_code) == "2xx", response.text
        assert boolean_of(response) is False, "the refused update had an effect"
    assert store_quads(generation) == before
