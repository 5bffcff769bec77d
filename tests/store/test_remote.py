"""The remote backend answers like the embedded store, against a real Oxigraph server."""

from __future__ import annotations

import threading

import pyoxigraph as ox
import pytest
import requests

from publisher.build.pipeline import ValidationFailed, build
from publisher.core.config import load_settings
from publisher.core.generation import Generations
from publisher.store.backends import open_store
from publisher.store.oxigraph import OxigraphStore
from publisher.store.remote import RemoteStore, generation_of
from tests import mini_project, oxigraph_server
from tests.live import serving

THING_A = ox.NamedNode("https://data.clusterscord.eu/id/thing/a")


@pytest.fixture
def remote(tmp_path):
    """A mini project built into a fresh Oxigraph server; yields its settings."""
    with oxigraph_server.running(tmp_path / "oxigraph") as base:
        root = mini_project.make(tmp_path / "project")
        settings = load_settings(
            root=root, environ={}, backend="remote",
            remote_query_url=base + "/query", remote_update_url=base + "/update",
            remote_store_url=base + "/store",
        )
        build(settings)
        yield settings


def _rows(store, sparql, **substitutions):
    return sorted(
        tuple(sorted((k, str(v)) for k, v in row.items()))
        for row in store.select(sparql, **substitutions)
    )


def _remote_graphs(settings) -> list[str]:
    response = requests.post(
        settings.remote_query_url,
        data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=10,
    )
    return sorted(b["g"]["value"] for b in response.json()["results"]["bindings"])


QUERIES = [
    ("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {}),
    ("SELECT ?s ?o WHERE { ?s cc:size ?o }", {}),
    ("SELECT ?entity ?label WHERE { ?entity skos:prefLabel ?label }", {"entity": THING_A}),
    ("SELECT ?min ?n (COUNT(*) AS ?c) WHERE { ?s cc:size ?n FILTER(?n >= ?min) } "
     "GROUP BY ?min ?n",
     {"min": ox.Literal("4", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))}),
    ("SELECT ?text ?label WHERE { ?s skos:prefLabel ?label FILTER(STR(?label) = ?text) }",
     {"text": ox.Literal("Bé")}),
]


@pytest.mark.parametrize(("sparql", "substitutions"), QUERIES)
def test_remote_select_answers_exactly_as_the_embedded_store(remote, sparql, substitutions):
    generation = Generations(remote.var).current()
    assert isinstance(open_store(remote), RemoteStore)
    expected = _rows(OxigraphStore(generation), sparql, **substitutions)
    assert expected
    assert _rows(RemoteStore(remote, generation), sparql, **substitutions) == expected


def test_remote_ask_and_construct_return_pyoxigraph_types(remote):
    store = open_store(remote)
    assert store.ask("ASK { ?entity cc:size 3 }", entity=THING_A) is True
    assert store.ask("ASK { ?entity cc:size 4 }", entity=THING_A) is False
    triples = store.construct(
        "CONSTRUCT { ?entity ?p ?o } WHERE { ?entity ?p ?o }", entity=THING_A
    )
    assert all(isinstance(t, ox.Triple) for t in triples)
    assert {t.predicate.value.rsplit("/", 1)[-1] for t in triples} >= {"size", "previous"}
    described = list(store.query("DESCRIBE ?entity", substitutions={"entity": THING_A}))
    assert {t.subject for t in described} == {THING_A}


def test_malformed_query_raises_syntax_error_like_the_embedded_store(remote):
    with pytest.raises(SyntaxError):
        open_store(remote).query("SELECT ?x WHERE { ?x ")


def test_rebuild_loads_the_new_generation_beside_the_served_one(remote):
    before = Generations(remote.var).current().id
    data = remote.root / "data" / "things.trig"
    data.write_text(data.read_text().replace("graph/seed", "graph/renamed").replace(
        '"3"^^xsd:integer', '"5"^^xsd:integer'))
    after = build(remote).id
    stored = {}
    for name in _remote_graphs(remote):
        generation, graph = generation_of(name) or ("", name)
        stored.setdefault(generation, set()).add(graph)
    assert set(stored) == {before, after}  # the previous one stays for the grace period
    assert "https://data.clusterscord.eu/graph/renamed" in stored[after]
    assert "https://data.clusterscord.eu/graph/seed" not in stored[after]
    assert "https://data.clusterscord.eu/graph/seed" in stored[before]
    store = open_store(remote)
    assert store.ask("ASK { ?entity cc:size 5 }", entity=THING_A)
    assert {row["g"].value for row in store.select(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")} == stored[after]


def test_refused_build_leaves_the_remote_store_answering_as_before(remote):
    store = open_store(remote)
    before = _rows(store, "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    data = remote.root / "data" / "things.trig"
    data.write_text(data.read_text().replace('skos:prefLabel "A"@en ;', ""))
    with pytest.raises(ValidationFailed):
        build(remote)
    assert _rows(open_store(remote), "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }") == (
        before
    )


def test_readers_during_the_switch_see_the_old_or_the_new_generation_never_a_mixture(remote):
    numbers = "\n".join(
        f"<https://data.clusterscord.eu/id/n/{i}> <https://data.clusterscord.eu/def/n> {i} ."
        for i in range(3000)
    )
    (remote.root / "data" / "numbers.trig").write_text(
        f"<https://data.clusterscord.eu/graph/numbers> {{\n{numbers}\n}}\n"
    )
    build(remote)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s cc:n ?o }"
    seen, done = set(), threading.Event()

    def read():
        store = open_store(remote)
        while not done.is_set():
            seen.add(int(store.select(count)[0]["n"].value))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        (remote.root / "data" / "numbers.trig").write_text(
            "<https://data.clusterscord.eu/graph/numbers> {\n"
            + numbers.replace("/n/", "/m/")
            + "\n<https://data.clusterscord.eu/id/n/x> <https://data.clusterscord.eu/def/n> 0 ."
            + "\n}\n"
        )
        build(remote)
    finally:
        done.set()
        reader.join(timeout=60)
    assert seen <= {3000, 3001}, seen
    assert int(open_store(remote).select(count)[0]["n"].value) == 3001


def test_web_app_serves_from_the_remote_backend(remote):
    with serving(remote) as base:
        ready = requests.get(base + "/ready", timeout=10).json()
        assert ready["backend"] == "remote"
        response = requests.get(
            base + "/sparql",
            params={"query": f"SELECT ?o WHERE {{ {THING_A} cc:size ?o }}"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=10,
        )
    assert response.status_code == 200, response.text
    [binding] = response.json()["results"]["bindings"]
    assert binding["o"]["value"] == "3"


