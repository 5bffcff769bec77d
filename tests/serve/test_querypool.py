"""The query pool's hand-off: one message for a small answer, frames for a large one.

A generation of 3,000 quads with literals in several scripts and datatypes is published in
a temporary directory; answers through the pool are compared with the same query written
in-process (SPARQL JSON as a document of dicts, the reference form).
"""

from __future__ import annotations

import json
import os
import time

import pyoxigraph as ox
import pytest

from publisher.serve.query import SELECT, Job, QueryRefused, prepare, term_json
from publisher.serve.querypool import CHUNK_BYTES, QueryPool
from publisher.store.backends import open_store
from tests.sparql_fixtures import publish_quads, settings_for

JSON_TYPES = {"select": "application/sparql-results+json",
              "ask": "application/sparql-results+json", "construct": "text/turtle"}
EX = "http://example.org/"
ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"


def _quads() -> list[ox.Quad]:
    graph = ox.NamedNode(EX + "graph")
    quads = []
    for n in range(1000):
        s = ox.NamedNode(f"{EX}thing/{n}")
        quads.append(ox.Quad(s, ox.NamedNode(EX + "label"),
                             ox.Literal(f"věc \"{n}\"\n\\ \u2028", language="cs"), graph))
        quads.append(ox.Quad(s, ox.NamedNode(EX + "size"),
                             ox.Literal(str(n), datatype=ox.NamedNode(
                                 "http://www.w3.org/2001/XMLSchema#integer")), graph))
        quads.append(ox.Quad(s, ox.NamedNode(EX + "part"), ox.BlankNode(f"b{n}"), graph))
    return quads


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("querypool")
    settings = settings_for(root, query_workers=1)
    generation = publish_quads(settings.var, _quads(), root=settings.root)
    pool = QueryPool(settings)
    yield settings, generation, pool
    pool.close()


def _job(generation, query: str, max_rows: int = 10_000) -> Job:
    return Job(query=query, generation_path=str(generation.path), media_types=JSON_TYPES,
               max_rows=max_rows)


def _reference(settings, generation, query: str) -> dict:
    store = open_store(settings, generation)
    try:
        result = store.raw.query(query, use_default_graph_as_union=True)
        names = [v.value for v in result.variables]
        bindings = [{name: term_json(row[name]) for name in names if row[name] is not None}
                    for row in result]
    finally:
        store.close()
    return {"head": {"vars": names}, "results": {"bindings": bindings}}


def test_small_answer_arrives_whole_and_frees_its_worker_before_it_is_read(published):
    settings, generation, pool = published
    stream = pool.submit(_job(generation, f"SELECT ?p ?o WHERE {{ <{EX}thing/7> ?p ?o }}"))
    assert stream.worker is None and not pool.busy
    assert stream.head.form == SELECT and stream.head.rows == 3 and not stream.head.truncated
    again = pool.submit(_job(generation, "ASK { ?s ?p ?o }"))
    assert json.loads(again.read()) == {"head": {}, "boolean": True}
    assert len(json.loads(stream.read())["results"]["bindings"]) == 3


def test_large_answer_streams_after_its_head_equal_to_the_reference_json(published):
    settings, generation, pool = published
    stream = pool.submit(_job(generation, ALL))
    assert stream.worker is not None
    body = stream.read()
    assert len(body) > CHUNK_BYTES
    assert json.loads(body) == _reference(settings, generation, ALL)
    assert not pool.busy


def test_row_cap_cuts_the_answer_and_says_so_in_the_head(published):
    settings, generation, pool = published
    stream = pool.submit(_job(generation, ALL, max_rows=10))
    assert stream.head.rows == 10 and stream.head.truncated
    assert len(json.loads(stream.read())["results"]["bindings"]) == 10


def test_refusal_comes_back_with_its_status_and_the_worker_stays(published):
    settings, generation, pool = published
    with pytest.raises(QueryRefused) as refused:
        pool.submit(_job(generation, "SELECT WHERE {"))
    assert refused.value.status == 400
    assert pool.submit(_job(generation, "ASK {}")).read()


def test_in_process_writer_equals_the_reference_for_every_kind_of_term(published):
    settings, generation, _ = published
    store = open_store(settings, generation)
    try:
        written = prepare(store, _job(generation, ALL))
        output = bytearray()

        class Sink:
            def write(self, data):
                output.extend(data)
                return len(data)

        written.write(Sink())
    finally:
        store.close()
    assert json.loads(bytes(output)) == _reference(settings, generation, ALL)


def _holders(folder: str) -> set[int]:
    """Processes other than this one with a file under ``folder`` open."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            fds = os.listdir(f"/proc/{entry}/fd")
            links = [os.readlink(f"/proc/{entry}/fd/{fd}") for fd in fds]
        except OSError:
            continue
        if any(link.startswith(folder + os.sep) for link in links):
            found.add(int(entry))
    return found


def test_a_started_worker_opens_the_store_before_its_first_query(tmp_path):
    # Opening the store is part of a worker's start, never of a query's time limit.
    settings = settings_for(tmp_path, query_workers=1)
    generation = publish_quads(settings.var, _quads()[:30], root=settings.root)
    folder = str(generation.store_path.resolve())
    pool = QueryPool(settings)
    try:
        pool.warm()
        deadline = time.monotonic() + 60
        while not _holders(folder) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _holders(folder), "no query worker opened the store before a query came"
    finally:
        pool.close()
