"""Virtuoso 7 as the remote store: the competency questions, the SPARQL protocol, the pages
and the harvest files, answered from a build loaded into a real Virtuoso.

One Virtuoso (Debian's ``virtuoso-opensource``, set up by ``deploy/virtuoso/setup.py``)
serves the module. The real project is built into it with the remote backend and the
usual tests run against that deployment, unchanged: their ``store``, ``built`` and ``site``
fixtures are replaced here by ones reading from Virtuoso. Where Virtuoso differs and the
publisher cannot put it right, a test says exactly what differs.
"""

from __future__ import annotations

import inspect
import json
import threading

import pyoxigraph as ox
import pytest
import requests

from publisher.build.pipeline import build
from publisher.core.config import load_settings
from publisher.core.generation import Generations
from publisher.store import remote
from publisher.store.backends import open_store
from publisher.store.remote import RemoteStore
from publisher.web import create_app
from tests import mini_project, virtuoso_server
from tests.conftest import ROOT, Built
from tests.graph import test_competency
from tests.harvest_fixtures import REPO, free_port
from tests.live import serving
from tests.sparql_fixtures import protocol_quads, publish_quads
from tests.web import test_harvest, test_pages, test_sparql_protocol


def _adopt(module, *, without=(), skip=()) -> None:
    """Run another module's tests here, against this module's fixtures."""
    for name, function in vars(module).items():
        if not name.startswith("test_") or not callable(function) or name in skip:
            continue
        if set(inspect.signature(function).parameters) & set(without):
            continue
        globals()[name] = function


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    with virtuoso_server.running(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


def remote_settings(server, **overrides):
    return load_settings(environ={}, **server.settings(), **overrides)


@pytest.fixture(scope="module")
def built(virtuoso, tmp_path_factory) -> Built:
    """The real project, built into Virtuoso."""
    settings = remote_settings(virtuoso, root=ROOT, var_dir=tmp_path_factory.mktemp("var"))
    return Built(settings, build(settings))


@pytest.fixture(scope="module")
def store(built):
    opened = open_store(built.settings)
    assert isinstance(opened, RemoteStore)
    yield opened
    opened.close()


# The competency questions ------------------------------------------------------------

_adopt(test_competency, skip={"test_f3_start_end_and_36_months"})


def test_f3_start_end_and_36_months_with_virtuosos_integer_booleans(store):
    """F3 as in test_competency, but Virtuoso answers a boolean expression (here
    ``?d = "P36M"^^xsd:duration``) as the integer 1: booleans computed in a query
    come back as xsd:integer 1 / 0 (docs/deployment.md)."""
    rows = store.select(f"""
        SELECT ?start ?end ?months WHERE {{ GRAPH {test_competency.SEED} {{
          {test_competency.PROJECT} dct:temporal ?t .
          ?t dcat:startDate ?start ; dcat:endDate ?end ; time:hasXSDDuration ?d . }}
          BIND(?d = "P36M"^^xsd:duration AS ?months) }}""")
    assert len(rows) == 1
    assert (rows[0]["start"].value, rows[0]["end"].value) == ("2010-03", "2013-02")
    assert rows[0]["start"].datatype.value.endswith("#gYearMonth")
    assert rows[0]["months"] == ox.Literal(
        "1", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


def test_virtuosos_own_forms_are_put_right(store):
    """Blank nodes, WKT literals and DESCRIBE come back as the embedded store gives them."""
    rows = store.select("SELECT ?t WHERE { ?p dct:temporal ?t FILTER(isBlank(?t)) } LIMIT 1")
    assert isinstance(rows[0]["t"], ox.BlankNode)
    points = [row["wkt"] for row in store.select("SELECT ?wkt WHERE { ?g geo:asWKT ?wkt }")]
    assert points
    assert {p.datatype.value for p in points} == {
        "http://www.opengis.net/ont/geosparql#wktLiteral"}
    assert "POINT(9.1829 48.7758)" in {p.value for p in points}  # stored as 9.182900428772
    project = ox.NamedNode(test_competency.PROJECT[1:-1])
    described = list(store.query(f"DESCRIBE {test_competency.PROJECT}"))
    assert described and {t.subject for t in described if not isinstance(
        t.subject, ox.BlankNode)} == {project}


def test_a_query_virtuoso_stops_at_its_time_limit_is_an_error_not_a_partial_answer(built):
    settings = built.settings.replace(query_timeout_s=0.5)
    heavy = ("SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?q ?x . ?c ?r ?x . ?d ?s ?x "
             "FILTER(STR(?a) < STR(?d)) }")
    with pytest.raises(remote.RemoteError, match="time limit"):
        open_store(settings).select(heavy)


# The pages -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(built):
    with serving(built.settings) as base:
        yield base


_adopt(test_pages, without={"mini", "big", "tmp_path", "project_copy"})


# The SPARQL protocol (the W3C tests, their own graphs loaded into Virtuoso) -------------


@pytest.fixture(scope="module")
def endpoint(virtuoso, tmp_path_factory):
    settings = remote_settings(virtuoso, root=REPO, var_dir=tmp_path_factory.mktemp("pvar"),
                               query_timeout_s=20)
    generation = publish_quads(settings.var, protocol_quads(), root=settings.root)
    stored = ox.Store()
    stored.extend(protocol_quads())
    manifest = generation.manifest()
    manifest["remote_graphs"] = remote.load_generation(settings, stored, generation.id)
    generation.manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    app = create_app(settings)
    with serving(settings, app) as base:
        yield base, generation
    app.extensions["sparql_pool"].close()


_adopt(test_sparql_protocol)


# The harvest files (a build whose base IRI is the server's own address) ----------------


@pytest.fixture(scope="module")
def harvest_site(virtuoso, tmp_path_factory):
    port = free_port()
    settings = remote_settings(virtuoso, root=REPO, var_dir=tmp_path_factory.mktemp("hvar"),
                               base_iri=f"http://127.0.0.1:{port}/")
    build(settings)
    with serving(settings, port=port) as url:
        yield settings, Generations(settings.var).current(), url


def _with_harvest_site(function):
    def run(harvest_site, *args, **kwargs):
        return function(harvest_site, *args, **kwargs)

    run.__name__ = function.__name__
    run.__doc__ = function.__doc__
    parameters = list(inspect.signature(function).parameters.values())
    run.__signature__ = inspect.Signature(
        [parameters[0].replace(name="harvest_site"), *parameters[1:]])
    run.pytestmark = getattr(function, "pytestmark", [])
    return run


for _name, _function in list(vars(test_harvest).items()):
    if _name.startswith("test_") and list(inspect.signature(_function).parameters)[:1] == [
            "site"]:
        globals()[_name] = _with_harvest_site(_function)


# Generations side by side ------------------------------------------------------------


@pytest.fixture
def mini(virtuoso, tmp_path):
    root = mini_project.make(tmp_path / "project")
    settings = remote_settings(virtuoso, root=root, var_dir=tmp_path / "var",
                               base_iri="https://mini.example.org/", remote_grace_s=0)
    build(settings)  # the sources' IRIs are rebased onto the base IRI
    return settings


def _stored_graphs(settings) -> list[str]:
    response = requests.post(
        settings.remote_query_url,
        data={"query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"},
        headers={"Accept": "application/sparql-results+json"}, timeout=10,
    )
    return sorted(b["g"]["value"] for b in response.json()["results"]["bindings"])


def test_graph_names_are_public_in_queries_and_answers(mini):
    store = open_store(mini)
    graph = "https://mini.example.org/graph/seed"
    listed = store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert graph in {row["g"].value for row in listed}
    assert store.ask(f"ASK {{ GRAPH <{graph}> {{ ?s cc:size 3 }} }}")
    assert store.ask("PREFIX g: <https://mini.example.org/graph/> "
                     "ASK { GRAPH g:seed { ?s cc:size 3 } FILTER(true) }")
    assert store.ask(f"ASK {{ GRAPH ?g {{ ?s cc:size 3 }} FILTER(?g = <{graph}>) }}")
    assert not store.ask(f"ASK {{ GRAPH ?g {{ ?s cc:size 3 }} FILTER(?g != <{graph}>) }}")


def test_only_graph_iris_are_renamed_never_strings_comments_or_other_iris():
    mapping = {"https://x.org/graph/seed": "urn:x-clusterscord:gen:G:https://x.org/graph/seed"}
    text = ('PREFIX g: <https://x.org/graph/>\nSELECT * WHERE { GRAPH g:seed { ?s ?p '
            '"<https://x.org/graph/seed> g:seed" } # <https://x.org/graph/seed>\n'
            'GRAPH <https://x.org/graph/seeds> {} GRAPH <https://x.org/graph/seed> {} }')
    renamed = remote.rename_iris(text, mapping)
    assert renamed.count("urn:x-clusterscord:gen:G:") == 2
    assert '"<https://x.org/graph/seed> g:seed"' in renamed
    assert "# <https://x.org/graph/seed>" in renamed
    assert "<https://x.org/graph/seeds>" in renamed


def test_credentials_leave_the_url_for_the_authentication():
    url, auth = remote.endpoint("http://loader:s%40cret@127.0.0.1:8890/sparql-auth")
    assert url == "http://127.0.0.1:8890/sparql-auth"
    assert (auth.digest.username, auth.digest.password) == ("loader", "s@cret")
    assert remote.endpoint("http://127.0.0.1:8890/sparql") == (
        "http://127.0.0.1:8890/sparql", None)


def test_a_new_generation_is_loaded_beside_the_served_one(mini):
    before = Generations(mini.var).current()
    served = open_store(mini)
    data = mini.root / "data" / "things.trig"
    data.write_text(data.read_text().replace('"3"^^xsd:integer', '"5"^^xsd:integer'))
    after = build(mini)
    assert served.ask("ASK { ?s cc:size 3 }") and not served.ask("ASK { ?s cc:size 5 }")
    assert open_store(mini, after).ask("ASK { ?s cc:size 5 }")
    stored = _stored_graphs(mini)
    assert any(g.startswith(remote.graph_name(before.id, "")) for g in stored)
    assert any(g.startswith(remote.graph_name(after.id, "")) for g in stored)


def test_old_generations_go_once_no_node_reads_them_and_the_grace_has_passed(mini):
    from publisher.store import nodes

    first = Generations(mini.var).current()
    data = mini.root / "data" / "things.trig"
    nodes.beat(mini, first.id)  # a node still answering from the first generation
    for size in (5, 6):
        data.write_text(data.read_text().replace('"3"^^xsd:integer', f'"{size}"^^xsd:integer')
                        .replace('"5"^^xsd:integer', f'"{size}"^^xsd:integer'))
        build(mini)
    stored = _stored_graphs(mini)
    assert any(g.startswith(remote.graph_name(first.id, "")) for g in stored)
    for path in nodes.folder(mini).glob("*.json"):
        path.unlink()
    nodes._last.clear()
    remote.prune(mini)
    stored = _stored_graphs(mini)
    current = Generations(mini.var).current()
    assert not any(g.startswith(remote.graph_name(first.id, "")) for g in stored)
    assert {remote.generation_of(g)[0] for g in stored
            if g.startswith(remote.GENERATION) and "mini.example.org" in g} == {current.id}


def test_readers_see_one_generation_or_the_next_never_a_mixture(mini):
    numbers = "\n".join(
        f"<https://data.clusterscord.eu/id/n/{i}> <https://data.clusterscord.eu/def/n> {i} ."
        for i in range(2000)
    )
    target = mini.root / "data" / "numbers.trig"
    target.write_text(f"<https://data.clusterscord.eu/graph/numbers> {{\n{numbers}\n}}\n")
    build(mini)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s cc:n ?o }"
    seen, done = set(), threading.Event()

    def read():
        while not done.is_set():
            seen.add(int(open_store(mini).select(count)[0]["n"].value))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        target.write_text("<https://data.clusterscord.eu/graph/numbers> {\n"
                          + numbers.replace("/n/", "/m/")
                          + "\n<https://data.clusterscord.eu/id/n/x> "
                            "<https://data.clusterscord.eu/def/n> 0 .\n}\n")
        build(mini)
    finally:
        done.set()
        reader.join(timeout=60)
    assert seen <= {2000, 2001}, seen
    assert int(open_store(mini).select(count)[0]["n"].value) == 2001
