"""A build in memory (then written to disk), one validated and derived in memory then built
on disk, and one on disk all publish the same."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from publisher.artefacts import incoming_counts
from publisher.build.pipeline import build
from publisher.core.config import load_settings


def blurred(store: ox.Store) -> set[tuple]:
    return {tuple("_:" if isinstance(t, ox.BlankNode) else t
                  for t in (q.subject, q.predicate, q.object, q.graph_name)) for q in store}


def published(project_copy, tmp_path, name: str, memory_mb: int, rules_mb: int = 0):
    settings = load_settings(root=project_copy, var_dir=tmp_path / name, environ={})
    generation = build(settings.replace(build_memory_max_mb=memory_mb,
                                        rules_memory_max_mb=rules_mb))
    return settings, generation


@pytest.mark.parametrize("mode", ["memory", "staged"])
def test_builds_in_memory_and_on_disk_publish_the_same_graph_and_artefacts(
        project_copy, tmp_path, mode):
    if mode == "memory":
        _s, memory = published(project_copy, tmp_path, "memory", 150)
        steps = list(memory.manifest()["timings"])
        assert steps.index("write store") > steps.index("statistics")
    else:
        _s, memory = published(project_copy, tmp_path, "staged", 0, 150)
        steps = list(memory.manifest()["timings"])
        assert steps.index("apply rules") < steps.index("write store") < steps.index("statistics")
    _s, disk = published(project_copy, tmp_path, "disk", 0)
    assert "write store" not in disk.manifest()["timings"]
    a, b = memory.manifest(), disk.manifest()
    for key in ("stats", "search", "incoming_counts", "types"):
        assert a[key] == b[key], key
    assert {**a["changes"], "last_change": ""} == {**b["changes"], "last_change": ""}
    first, second = (ox.Store.read_only(str(g.store_path)) for g in (memory, disk))
    build_graph = "/graph/catalog-build"  # dates and checksums of each build differ
    assert ({q for q in blurred(first) if not q[3].value.endswith(build_graph)}
            == {q for q in blurred(second) if not q[3].value.endswith(build_graph)})
    hashes = [json.loads(g.changes_path.read_text(encoding="utf-8"))["hashes"]
              for g in (memory, disk)]
    assert hashes[0] == hashes[1]
    counts = [sorted(sqlite3.connect(incoming_counts.path_in(g.path)).execute(
        "SELECT object, predicate, n FROM incoming")) for g in (memory, disk)]
    assert counts[0] == counts[1] and len(counts[0]) > 100
    labels = [sorted(sqlite3.connect(g.search_path).execute(
        "SELECT iri, type, lang, predicate, boost, label FROM labels")) for g in (memory, disk)]
    assert labels[0] == labels[1] and len(labels[0]) > 500


DROP_AND_TRIM = """
import gc, sys
import pyoxigraph as ox
from publisher.build import pipeline

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) // 1024

ex = "http://example.org/"
store = ox.Store()
store.bulk_extend(ox.Quad(ox.NamedNode(f"{ex}s{i}"), ox.NamedNode(f"{ex}p{i % 50}"),
                          ox.Literal(f"value {i}"), ox.NamedNode(f"{ex}g{i % 7}"))
                  for i in range(400_000))
del store
gc.collect()
dropped = rss_mb()
pipeline._return_freed_memory()
print(dropped, rss_mb())
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_the_memory_a_dropped_in_memory_store_held_goes_back_to_the_system():
    """After the staged build writes its store out, the later steps start from little."""
    result = subprocess.run([sys.executable, "-c", DROP_AND_TRIM], capture_output=True,
                            text=True, timeout=300, cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stderr
    dropped, trimmed = map(int, result.stdout.split())
    assert trimmed < dropped - 60, (dropped, trimmed)
