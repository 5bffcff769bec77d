"""Real clients against the production server: Comunica on the command line (its SPARQL
endpoint mode and link traversal over documents) and rdflib (``Graph().parse`` with the
Accept headers it sends per format, and ``SPARQLStore``, which queries by GET)."""

from __future__ import annotations

import json
import subprocess

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from tests.production import ROOT, production

COMUNICA = ROOT / "node_modules" / ".bin" / "comunica-sparql"
BASE = "https://data.clusterscord.eu/"
ORG = rdflib.URIRef("http://www.w3.org/ns/org#FormalOrganization")


@pytest.fixture(scope="module")
def server(built, tmp_path_factory):
    log = tmp_path_factory.mktemp("clients") / "server.log"
    with production(built.settings.var, log, workers=1, threads=4) as running:
        yield running


@pytest.fixture(scope="module")
def organisations(server) -> list[str]:
    store = SPARQLStore(query_endpoint=server.base + "/sparql", returnFormat="json")
    rows = rdflib.Graph(store).query(
        "SELECT ?s WHERE { ?s a <http://www.w3.org/ns/org#FormalOrganization> } ORDER BY ?s")
    found = [str(row[0]) for row in rows if "/id/organisation/" in str(row[0])]
    assert len(found) >= 5
    return found


def comunica(*args: str) -> list[dict]:
    assert COMUNICA.exists(), "comunica-sparql is missing: run `make setup` (npm ci)"
    result = subprocess.run([str(COMUNICA), *args, "-t", "application/json"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def values_query(iris: list[str]) -> str:
    listed = " ".join(f"<{iri}>" for iri in iris)
    return f"SELECT ?s ?label WHERE {{ VALUES ?s {{ {listed} }} ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }}"  # noqa: E501


def test_comunica_queries_the_endpoint_with_a_long_values_list(server, organisations):
    padding = [f"{BASE}id/organisation/none-{n}" for n in range(80)]
    rows = comunica(f"sparql@{server.base}/sparql", values_query(organisations + padding))
    assert {row["s"] for row in rows} == set(organisations)


def test_comunica_traverses_documents_and_graph_pages(server, organisations):
    document = organisations[0].replace(BASE + "id/", server.base + "/doc/")
    rows = comunica(document, f"{server.base}/graph/wrs",
                    f"SELECT ?t ?source WHERE {{ <{organisations[0]}> a ?t . <{BASE}graph/wrs> "
                    "<http://www.w3.org/ns/prov#wasDerivedFrom> ?source }")
    assert ORG.toPython() in {row["t"] for row in rows}
    assert all(row["source"].startswith(BASE + "id/source/") for row in rows)


def test_rdflib_parses_every_format_it_asks_for_by_name(server, organisations):
    iri = rdflib.URIRef(organisations[0])
    url = organisations[0].replace(BASE + "id/", server.base + "/id/")
    for fmt in (None, "turtle", "nt", "n3", "xml", "json-ld"):
        graph = rdflib.Graph()
        graph.parse(url, format=fmt)
        assert (iri, rdflib.RDF.type, ORG) in graph, fmt
    dataset = rdflib.Dataset()
    dataset.parse(url, format="trig")
    assert (iri, rdflib.RDF.type, ORG) in dataset.graph(rdflib.graph.DATASET_DEFAULT_GRAPH_ID) \
        or any((iri, rdflib.RDF.type, ORG) in g for g in dataset.graphs())
    graph = rdflib.Graph()
    graph.parse(server.base + "/graph/wrs", format="nt")
    assert (rdflib.URIRef(BASE + "graph/wrs"), rdflib.URIRef("http://rdfs.org/ns/void#triples"),
            None) in graph


def test_rdflib_sparqlstore_sends_long_queries_by_get_and_describes(
        server, organisations):
    store = SPARQLStore(query_endpoint=server.base + "/sparql", returnFormat="json")
    padding = [f"{BASE}id/organisation/none-{n}" for n in range(80)]
    rows = rdflib.Graph(store).query(values_query(organisations + padding))
    assert {str(row[0]) for row in rows} == set(organisations)
    default = SPARQLStore(query_endpoint=server.base + "/sparql")  # asks SPARQL XML or RDF/XML
    described = rdflib.Graph(default).query(f"DESCRIBE <{organisations[0]}>")
    triples = list(described)
    assert (rdflib.URIRef(organisations[0]), rdflib.RDF.type, ORG) in set(triples)
