"""Bulk loading puts into the store exactly what load_sources parses, with the same errors."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from publisher.build import loading
from publisher.build.sources import SourceError, load_sources
from publisher.core.scheme import Scheme

ROOT = Path(__file__).resolve().parents[2]
SCHEME = Scheme("https://data.clusterscord.eu/")


def blurred(quads) -> set[tuple]:
    """Quads with blank nodes blurred (two parses name them differently)."""
    return {tuple("_:" if isinstance(t, ox.BlankNode) else t
                  for t in (q.subject, q.predicate, q.object, q.graph_name)) for q in quads}


def test_bulk_load_of_the_real_sources_equals_load_sources_quad_for_quad():
    reference = load_sources(ROOT, SCHEME)
    store = ox.Store()
    loaded = loading.load_into(ROOT, SCHEME, store)
    assert loaded.files == reference.files
    assert loaded.digest == reference.digest
    before = ox.Store()  # the way the build loaded them before: Python quads, bulk_extend
    before.bulk_extend(reference.quads)
    assert loaded.quads == len(store) == len(before)
    assert blurred(store) == blurred(before)


def test_a_syntax_error_names_file_line_and_column_as_load_sources_does(project_copy):
    (project_copy / "data" / "broken.trig").write_text(
        "<https://data.clusterscord.eu/graph/x> {\n  <a> <b> .\n}\n", encoding="utf-8")
    with pytest.raises(SourceError) as expected:
        load_sources(project_copy, SCHEME)
    with pytest.raises(SourceError) as bulk:
        loading.load_into(project_copy, SCHEME, ox.Store())
    assert str(bulk.value) == str(expected.value)
    assert "broken.trig:2:" in str(bulk.value)


def test_a_triple_outside_a_named_graph_is_refused_with_its_file(project_copy):
    (project_copy / "data" / "stray.ttl").write_text(
        "<https://data.clusterscord.eu/id/thing/x> <http://example.org/p> 1 .\n",
        encoding="utf-8")
    with pytest.raises(SourceError) as bulk:
        loading.load_into(project_copy, SCHEME, ox.Store())
    assert "stray.ttl" in str(bulk.value) and "outside a named graph" in str(bulk.value)


def test_origins_name_the_files_of_the_wanted_subjects_only():
    project = "https://data.clusterscord.eu/id/project/clusters-cord"
    found = loading.origins_of(ROOT, SCHEME, {project})
    assert set(found) == {project}
    reference = load_sources(ROOT, SCHEME).origins[ox.NamedNode(project)]
    assert found[project] == reference


def test_only_a_build_on_the_source_base_is_bulk_loaded():
    assert loading.bulk_loadable(SCHEME)
    assert not loading.bulk_loadable(Scheme("https://example.org/kg/"))
