"""Dumps hold exactly the published graph: N-Quads quad for quad, the rest triple for triple."""

from __future__ import annotations

import gzip
import hashlib

import pyoxigraph as ox
import pytest

from publisher.artefacts import dumps
from publisher.artefacts.catalog import BUILD_GRAPH
from publisher.artefacts.queries import Queries
from publisher.build.pipeline import build
from publisher.core.config import load_settings
from publisher.core.generation import Generations
from publisher.core.scheme import Scheme
from tests.harvest_fixtures import REPO, canonical


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    settings = load_settings(root=REPO, environ={}, var_dir=tmp_path_factory.mktemp("var"))
    build(settings)
    return settings, Generations(settings.var).current()


def published_quads(settings, generation) -> set[ox.Quad]:
    """The store's quads, less the graph that describes the dumps themselves."""
    store = ox.Store.read_only(str(generation.store_path))
    build_graph = ox.NamedNode(Scheme(settings.base_iri).graph(BUILD_GRAPH))
    return {q for q in store if q.graph_name != build_graph}


def union_of(quads) -> list[ox.Quad]:
    return [ox.Quad(q.subject, q.predicate, q.object) for q in quads]


def dump_path(generation, key: str):
    entry = next(e for e in generation.manifest()["dumps"] if e["format"] == key)
    return generation.dumps_path / entry["file"]


def parse(path, fmt: ox.RdfFormat) -> list[ox.Quad]:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return list(ox.parse(data, format=fmt))


def test_nquads_dump_loaded_into_an_empty_store_is_the_published_graph_quad_for_quad(published):
    settings, generation = published
    empty = ox.Store()
    empty.bulk_extend(parse(dump_path(generation, "nq"), ox.RdfFormat.N_QUADS))
    assert canonical(empty) == canonical(published_quads(settings, generation))
    assert len(empty) == generation.manifest()["stats"]["triples"]


def test_jsonld_dump_keeps_the_named_graphs(published):
    settings, generation = published
    quads = parse(dump_path(generation, "jsonld"), ox.RdfFormat.JSON_LD)
    assert canonical(quads) == canonical(published_quads(settings, generation))


@pytest.mark.parametrize(("key", "fmt"), [("ttl", ox.RdfFormat.TURTLE),
                                          ("nt", ox.RdfFormat.N_TRIPLES)])
def test_turtle_and_ntriples_dumps_hold_the_union_of_the_graphs_each_triple_once(
        published, key, fmt):
    settings, generation = published
    union = canonical(union_of(published_quads(settings, generation)))
    dumped = union_of(parse(dump_path(generation, key), fmt))
    assert canonical(dumped) == union
    assert len(dumped) == len(union)  # a triple stated in two graphs is written once


def test_manifest_records_the_true_size_and_sha256_of_every_dump(published):
    _settings, generation = published
    entries = generation.manifest()["dumps"]
    assert {e["format"] for e in entries} == {"nq", "ttl", "jsonld", "nt"}
    for entry in entries:
        data = (generation.dumps_path / entry["file"]).read_bytes()
        assert entry["file"].startswith(f"clusterscord-{generation.id}.")
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    sums = (generation.dumps_path / "SHA256SUMS").read_text()
    assert all(f"{e['sha256']}  {e['file']}" in sums for e in entries)


def test_compressed_dumps_are_byte_identical_for_the_same_store(published, tmp_path):
    _settings, generation = published
    store = ox.Store.read_only(str(generation.store_path))
    fmt = dumps.by_key("nq")
    union = Queries(generation).build("union-triples")
    first = dumps.write_dump(store, fmt, tmp_path / "a.nq.gz", union)
    second = dumps.write_dump(store, fmt, tmp_path / "b.nq.gz", union)
    assert first["sha256"] == second["sha256"]


@pytest.mark.parametrize("key", ["ttl", "nt"])
def test_a_triple_stated_in_two_graphs_is_written_once_in_the_union_dumps(tmp_path, key):
    store = ox.Store()
    triples = [(ox.NamedNode(f"https://example.org/{name}"), ox.NamedNode("https://example.org/p"),
                ox.Literal("x")) for name in ("a", "b")]
    for graph in ("https://example.org/g1", "https://example.org/g2"):
        store.extend(ox.Quad(*triple, ox.NamedNode(graph)) for triple in triples)
    fmt = dumps.by_key(key)
    union = (REPO / "sparql" / "build" / "union-triples.rq").read_text(encoding="utf-8")
    dumps.write_dump(store, fmt, tmp_path / fmt.file_name("x"), union)
    written = parse(tmp_path / fmt.file_name("x"), fmt.rdf)
    assert sorted(written, key=str) == [ox.Quad(*triple) for triple in triples]
