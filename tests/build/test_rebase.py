"""A deployment on another base IRI: data, rules, views and named queries all follow it.

Every IRI under the source base moves onto the configured base — in the data and in our
own SPARQL files — except the vocabulary (/def/), which is the same in every deployment.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import requests

from publisher.artefacts import named_queries
from publisher.build.pipeline import build
from publisher.core.config import load_settings
from publisher.core.iris import SOURCE_BASE, VOCABULARY
from publisher.core.scheme import Scheme
from publisher.store.oxigraph import OxigraphStore
from tests.conftest import ROOT
from tests.live import serving

BASE = "http://kg.example.test/"


@pytest.fixture(scope="module")
def rebased(tmp_path_factory):
    settings = load_settings(
        root=ROOT, var_dir=tmp_path_factory.mktemp("rebased-var"), environ={}, base_iri=BASE
    )
    generation = build(settings)
    return settings, OxigraphStore(generation)


def test_no_source_base_iri_survives_but_the_vocabulary(rebased):
    _settings, store = rebased
    leftovers = set()
    for row in store.query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"):
        for term in (row["g"], row["s"], row["p"], row["o"]):
            if isinstance(term, ox.NamedNode) and term.value.startswith(SOURCE_BASE):
                if not term.value.startswith(VOCABULARY):
                    leftovers.add(term.value)
    assert leftovers == set()


def test_rules_derive_links_between_rebased_entities(rebased):
    _settings, store = rebased
    assert store.ask(
        "ASK { ?org org:hasMembership ?m . ?m org:role ?role }",
    )
    rows = store.select(
        "SELECT ?org ?m WHERE { GRAPH ?g { ?org org:hasMembership ?m } }",
        org=ox.NamedNode(BASE + "id/organisation/rra-uk"),
    )
    assert rows and all(row["m"].value.startswith(BASE + "id/membership/") for row in rows)


def test_every_named_query_answers_on_the_rebased_store(rebased):
    settings, store = rebased
    for query in named_queries.load_all(settings.root, Scheme(settings.base_iri)):
        assert SOURCE_BASE + "id/" not in query.text, query.name
        result = store.raw.query(query.text, use_default_graph_as_union=True)
        if isinstance(result, ox.QuerySolutions):
            assert list(result), f"{query.name} returned no rows on base {BASE}"


def test_pages_keep_role_order_and_vocabulary_documentation(rebased):
    settings, _store = rebased
    with serving(settings) as site:
        project = requests.get(f"{site}/doc/project/clusters-cord.json", timeout=30).json()
        term = requests.get(
            f"{site}/def/Cluster", headers={"Accept": "text/html"}, timeout=30,
            allow_redirects=False,
        )
        page = requests.get(f"{site}/doc/project/clusters-cord", timeout=30).text
    assert project["iri"] == BASE + "id/project/clusters-cord"
    assert project["members"][0]["url"] == "/doc/organisation/rra-uk"
    assert project["members"][0]["role"] == "lead partner"
    assert term.status_code == 303
    assert 'href="/def/' in page
