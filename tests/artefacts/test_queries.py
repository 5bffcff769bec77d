"""The query texts of a generation: written rebased by the build, the only ones served."""

from __future__ import annotations

import shutil

import pyoxigraph as ox
import pytest
import requests

from publisher.artefacts.queries import OWN_FOLDERS, Queries
from publisher.build.pipeline import build
from publisher.core.config import load_settings
from publisher.core.iris import SOURCE_BASE
from publisher.store.base import MissingQueryError
from publisher.store.oxigraph import OxigraphStore
from tests import mini_project
from tests.conftest import ROOT
from tests.live import serving

OTHER_BASE = "http://127.0.0.1:9/"
NAMED = """\
# title: The thing a
# description: What is said about a.
SELECT ?p ?o WHERE { <https://data.clusterscord.eu/id/thing/a> ?p ?o . ?x cc:next ?y }
"""
# A page view that finds no outgoing statement: served, pages lose every property.
EMPTY_VIEW = "SELECT ?s ?p ?o ?g WHERE { FILTER(false) }\n"


def project(root):
    """The mini project with its own copy of the page views and one named query."""
    mini_project.make(root)
    shutil.copytree(ROOT / "sparql" / "views", root / "sparql" / "views")
    (root / "sparql" / "queries").mkdir()
    (root / "sparql" / "queries" / "thing-a.rq").write_text(NAMED, encoding="utf-8")
    return root


@pytest.fixture
def rebased(tmp_path):
    root = project(tmp_path / "project")
    settings = load_settings(root=root, var_dir=tmp_path / "var", environ={},
                             base_iri=OTHER_BASE)
    return settings, build(settings)


def test_the_build_writes_every_folder_of_query_texts_into_the_generation(rebased):
    _settings, generation = rebased
    counts = generation.manifest()["queries"]
    assert counts["queries"] == 1
    for folder in OWN_FOLDERS:
        assert counts[folder] > 0, folder
        assert (generation.path / "sparql" / folder).is_dir()
    queries = Queries(generation)
    assert queries.view("labels") == (ROOT / "sparql/views/labels.rq").read_text()
    # A project without its own copy gets the publisher's (the mini project has no build/).
    assert queries.build("union-triples") == (ROOT / "sparql/build/union-triples.rq").read_text()


def test_a_project_overrides_one_text_and_keeps_the_publishers_others(tmp_path):
    root = tmp_path / "project"
    mini_project.make(root)
    (root / "sparql" / "views").mkdir()
    (root / "sparql" / "views" / "labels.rq").write_text(EMPTY_VIEW, encoding="utf-8")
    settings = load_settings(root=root, var_dir=tmp_path / "var", environ={})
    queries = Queries(build(settings))
    assert queries.view("labels") == EMPTY_VIEW
    assert queries.view("members") == (ROOT / "sparql/views/members.rq").read_text()


def test_texts_are_rebased_once_at_build_and_run_as_written(rebased):
    _settings, generation = rebased
    named = Queries(generation).named_query("thing-a")
    assert named.titles == {"en": "The thing a"}
    assert f"<{OTHER_BASE}id/thing/a>" in named.text
    assert SOURCE_BASE + "id/" not in named.text
    store = OxigraphStore(generation)
    assert list(store.query(named.text)), "the rebased named query finds the thing"
    # Nothing is rebased per query: a text naming the source base finds nothing here.
    assert not store.ask(f"ASK {{ <{SOURCE_BASE}id/thing/a> ?p ?o }}")
    assert store.ask(f"ASK {{ <{OTHER_BASE}id/thing/a> ?p ?o }}")


def test_a_missing_text_is_a_clear_error_naming_the_build_to_run(rebased):
    _settings, generation = rebased
    assert Queries(generation).named_query("no-such-query") is None
    assert Queries(generation).named_query("../../etc/passwd") is None
    with pytest.raises(MissingQueryError, match="run 'clusterscord build'"):
        Queries(generation).view("no-such-view")


def test_editing_a_view_in_the_checkout_changes_nothing_served_until_the_next_build(tmp_path):
    root = project(tmp_path / "project")
    settings = load_settings(root=root, var_dir=tmp_path / "var", environ={})
    build(settings)
    with serving(settings) as site:
        page = site + "/doc/thing/a.json"
        before = requests.get(page, timeout=30)
        assert before.status_code == 200
        (root / "sparql" / "views" / "entity-outgoing.rq").write_text(EMPTY_VIEW)
        (root / "sparql" / "queries" / "thing-a.rq").unlink()
        after = requests.get(page, timeout=30)
        assert after.status_code == 200
        assert after.content == before.content
        named = requests.get(site + "/sparql", params={"name": "thing-a"},
                             headers={"Accept": "application/sparql-results+json"}, timeout=30)
        assert named.status_code == 200, "the named query of the build is still served"

        build(settings)
        rebuilt = requests.get(page, timeout=30)
        assert rebuilt.status_code == 200
        assert b"/def/size" in before.content
        assert b"/def/size" not in rebuilt.content, "the next build serves the edited view"
        gone = requests.get(site + "/sparql", params={"name": "thing-a"}, timeout=30)
        assert gone.status_code == 404


def test_the_web_serves_with_no_sparql_folder_in_the_checkout(tmp_path):
    root = project(tmp_path / "project")
    settings = load_settings(root=root, var_dir=tmp_path / "var", environ={})
    build(settings)
    shutil.rmtree(root / "sparql")
    with serving(settings) as site:
        assert requests.get(site + "/doc/thing/b", timeout=30).status_code == 200
        assert requests.get(site + "/def/", timeout=30).status_code == 200
        answer = requests.get(site + "/sparql", params={"name": "thing-a"},
                              headers={"Accept": "application/sparql-results+json"}, timeout=30)
        assert answer.status_code == 200
        assert answer.json()["results"]["bindings"]


def test_build_steps_read_their_queries_from_the_generation(rebased):
    _settings, generation = rebased
    store = ox.Store.read_only(str(generation.store_path))
    rows = Queries(generation).run(store, "build", "typed-subjects")
    assert {row["s"].value for row in rows} >= {OTHER_BASE + "id/thing/a"}
