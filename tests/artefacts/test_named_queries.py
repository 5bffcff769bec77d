"""The named queries of sparql/queries/: headers read; each runs by name on the built graph."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from publisher.artefacts import named_queries
from publisher.web import create_app
from tests.live import serving

REAL = named_queries.load_all(Path(__file__).resolve().parents[2])


def test_header_lines_give_titles_and_descriptions_per_language():
    query = named_queries.parse("x", (
        "# title: Partners\n# title@cs: Partneři\n# description: All of them.\n"
        "# description@CS: Všichni.\n# another comment\nSELECT * {}\n# title: ignored\n"
    ))
    assert query.titles == {"en": "Partners", "cs": "Partneři"}
    assert query.descriptions == {"en": "All of them.", "cs": "Všichni."}


def test_names_outside_the_pattern_are_never_looked_up(tmp_path):
    assert named_queries.find(tmp_path, "../../etc/passwd") is None
    assert named_queries.find(tmp_path, "missing") is None


def test_at_least_twelve_named_queries_each_titled_and_described_in_both_languages():
    assert len(REAL) >= 12
    for query in REAL:
        assert set(query.titles) >= {"en", "cs"}, query.name
        assert set(query.descriptions) >= {"en", "cs"}, query.name


@pytest.fixture(scope="module")
def endpoint(built):
    app = create_app(built.settings)
    with serving(built.settings, app) as base:
        yield base + "/sparql"
    app.extensions["sparql_pool"].close()


@pytest.mark.parametrize("query", REAL, ids=lambda q: q.name)
def test_named_query_runs_in_one_click_on_the_built_graph(endpoint, query):
    answer = requests.get(endpoint, params={"name": query.name, "format": "json"}, timeout=60)
    assert answer.status_code == 200, answer.text
    document = answer.json()
    assert document.get("boolean") is True or document["results"]["bindings"], query.name
    page = requests.get(endpoint, params={"name": query.name},
                        headers={"Accept": "text/html"}, timeout=60)
    assert page.status_code == 200
    assert 'class="sparql-results"' in page.text


def test_results_table_links_entities_to_their_pages_with_labels(endpoint):
    page = requests.get(endpoint, params={"name": "partners-by-country"},
                        headers={"Accept": "text/html"}, timeout=60)
    assert '<a href="/doc/organisation/' in page.text
    assert '<span class="sparql-iri">https://data.clusterscord.eu/id/organisation/' in page.text
