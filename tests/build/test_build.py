"""The build publishes only complete, valid generations, atomically."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from publisher.build.pipeline import ValidationFailed, build, check
from publisher.build.sources import SourceError
from publisher.core.config import load_settings
from publisher.core.generation import BuildLockedError, Generations
from publisher.store.oxigraph import OxigraphStore
from tests import mini_project


def settings_for(root: Path, **overrides):
    return load_settings(root=root, environ={}, **overrides)


def tree_digest(path: Path) -> str:
    """A digest of every file name and byte under path (for 'untouched' checks)."""
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        digest.update(str(file.relative_to(path)).encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def published_answers(settings) -> list[str]:
    store = OxigraphStore(Generations(settings.var).current())
    rows = store.query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o")
    return [" ".join(str(row[v]) for v in ("g", "s", "p", "o")) for row in rows]


@pytest.fixture
def project(tmp_path):
    root = mini_project.make(tmp_path / "project")
    settings = settings_for(root)
    build(settings)
    return settings


def test_build_publishes_store_manifest_and_rules_graph(project):
    """The mini project's seed graph declares no confidence, so it counts as low and what
    the rules derive from it lands in rules-low (with the graphs it came from)."""
    generation = Generations(project.var).current()
    manifest = generation.manifest()
    assert manifest["stats"]["entities"] == 2
    assert manifest["stats"]["graphs"] == {
        "https://data.clusterscord.eu/graph/ontology": 5,
        "https://data.clusterscord.eu/graph/rules-low": 3,
        "https://data.clusterscord.eu/graph/seed": 7,
    }
    store = OxigraphStore(generation)
    assert store.ask(
        "ASK { GRAPH <https://data.clusterscord.eu/graph/rules-low> "
        "{ <https://data.clusterscord.eu/id/thing/a> cc:previous "
        "<https://data.clusterscord.eu/id/thing/b> } }"
    )


def test_syntax_error_names_file_line_and_column_and_publishes_nothing(project):
    before_answers = published_answers(project)
    before_bytes = tree_digest(Generations(project.var).current().path)
    (project.root / "data" / "broken.trig").write_text(
        '<https://data.clusterscord.eu/graph/seed> {\n  <x:a> <x:b> "unterminated .\n}\n'
    )
    with pytest.raises(SourceError, match=r"data/broken\.trig:2:\d+: syntax error"):
        build(project)
    assert published_answers(project) == before_answers
    assert tree_digest(Generations(project.var).current().path) == before_bytes


def test_shacl_violation_is_reported_with_focus_path_and_file_and_publishes_nothing(project):
    before_answers = published_answers(project)
    before_bytes = tree_digest(Generations(project.var).current().path)
    data = project.root / "data" / "things.trig"
    data.write_text(data.read_text().replace('"3"^^xsd:integer', '"three"'))
    with pytest.raises(ValidationFailed) as failure:
        build(project)
    [violation] = failure.value.report.violations
    assert violation.focus == "https://data.clusterscord.eu/id/thing/a"
    assert violation.path == "https://data.clusterscord.eu/def/size"
    assert violation.value == "three"
    assert violation.files == ("data/things.trig",)
    assert "ThingShape" in violation.shape
    assert published_answers(project) == before_answers
    assert tree_digest(Generations(project.var).current().path) == before_bytes


def test_triple_outside_a_named_graph_is_refused(project):
    (project.root / "data" / "loose.trig").write_text("<x:a> <x:b> <x:c> .\n")
    with pytest.raises(SourceError, match="outside a named graph"):
        check(project)


SLOW_RULE = """\
PREFIX cc: <https://data.clusterscord.eu/def/>
CONSTRUCT { ?a cc:never ?c } WHERE {
  ?a cc:n ?x . ?b cc:n ?y . ?c cc:n ?z FILTER(?x + ?y + ?z < 0)
}
"""


def test_killed_build_leaves_published_generation_answering_as_before(project):
    before_answers = published_answers(project)
    before_bytes = tree_digest(Generations(project.var).current().path)
    numbers = "\n".join(
        f"<https://data.clusterscord.eu/id/n/{i}> <https://data.clusterscord.eu/def/n> {i} ."
        for i in range(400)
    )
    (project.root / "data" / "numbers.trig").write_text(
        f"<https://data.clusterscord.eu/graph/numbers> {{\n{numbers}\n}}\n"
    )
    (project.root / "sparql" / "rules" / "20-slow.rq").write_text(SLOW_RULE)
    process = subprocess.Popen(
        [sys.executable, "-m", "publisher.cli", "--root", str(project.root), "build"],
        stderr=subprocess.PIPE,
        text=True,
    )
    timer = threading.Timer(120, process.kill)
    timer.start()
    try:
        for line in process.stderr:
            if line.startswith("✓ load store"):
                break
        assert any(Generations(project.var).builds.glob(".tmp-*")), "build dir not aside"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    finally:
        timer.cancel()
    assert process.returncode == -signal.SIGKILL
    assert published_answers(project) == before_answers
    assert tree_digest(Generations(project.var).current().path) == before_bytes
    (project.root / "sparql" / "rules" / "20-slow.rq").unlink()
    build(project)
    assert not any(Generations(project.var).builds.glob(".tmp-*"))


def test_second_build_while_one_runs_is_refused(project):
    with Generations(project.var).lock():
        with pytest.raises(BuildLockedError, match="another build is running"):
            build(project)


def test_rebuild_swaps_generation_and_keeps_a_bounded_history(project):
    first = Generations(project.var).current()
    for _ in range(4):
        build(project)
    generations = Generations(project.var)
    assert generations.current().id != first.id
    assert len(generations.finished()) == 3


def test_base_iri_rebases_every_iri_of_the_sources_but_the_vocabulary(tmp_path):
    root = mini_project.make(tmp_path / "project")
    settings = settings_for(root, base_iri="http://localhost:9999/kg/")
    build(settings)
    store = OxigraphStore(Generations(settings.var).current())
    iris = {
        term.value
        for row in store.query("SELECT ?s ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        for term in (row["s"], row["g"])
        if isinstance(term, ox.NamedNode)
    }
    assert "http://localhost:9999/kg/id/thing/a" in iris
    assert "http://localhost:9999/kg/graph/seed" in iris
    moved = {iri for iri in iris if not iri.startswith("https://data.clusterscord.eu/def/")}
    assert not any(iri.startswith("https://data.clusterscord.eu/") for iri in moved)
    assert "https://data.clusterscord.eu/def/Thing" in iris, "the vocabulary is not rebased"


def test_cli_reports_violation_and_exits_non_zero(project):
    data = project.root / "data" / "things.trig"
    data.write_text(data.read_text().replace('skos:prefLabel "A"@en ;', ""))
    result = subprocess.run(
        [sys.executable, "-m", "publisher.cli", "--root", str(project.root), "-q", "build"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "focus node: https://data.clusterscord.eu/id/thing/a" in result.stderr
    assert "path:       http://www.w3.org/2004/02/skos/core#prefLabel" in result.stderr
    assert "the published data is unchanged" in result.stderr
