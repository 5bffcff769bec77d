"""Complete dumps of the published graph, written by the build beside its store.

Each build writes immutable files named for its generation into ``dumps/``: N-Quads
(every named graph, so provenance stays intact) and JSON-LD (also with its named graphs),
plus Turtle and N-Triples of the union of the graphs (those formats cannot carry graph
names; each triple once). Sizes and SHA-256 checksums go into the manifest, from which
the catalogue, the download pages and ``clusterscord export`` all read. Compressed files
are written with a fixed gzip timestamp.

Every file is written by the store's own serializers to a file path, outside Python's
lock: a build that works in memory writes them from memory while its Python steps run
(:mod:`publisher.build.pipeline`), and the N-Quads dump is the staged copy of the store
it writes anyway, compressed.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from publisher.artefacts.queries import Queries
from publisher.core.generation import DumpEntry, Manifest
from publisher.core.iris import PREFIXES

IANA = "http://www.iana.org/assignments/media-types/"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"


@dataclass(frozen=True)
class DumpFormat:
    """One kind of dump: how it is written and how the catalogue describes it."""

    key: str
    ext: str
    rdf: ox.RdfFormat
    media_type: str
    file_type: str
    label: str
    gzip: bool
    named_graphs: bool

    def file_name(self, generation_id: str) -> str:
        return f"clusterscord-{generation_id}.{self.ext}"

    @property
    def latest_name(self) -> str:
        return f"latest.{self.ext}"

    @property
    def media_type_iri(self) -> str:
        return IANA + self.media_type

    @property
    def file_type_iri(self) -> str:
        return FILE_TYPE + self.file_type


FORMATS = (
    DumpFormat("nq", "nq.gz", ox.RdfFormat.N_QUADS, "application/n-quads", "RDF_N_QUADS",
               "N-Quads", gzip=True, named_graphs=True),
    DumpFormat("ttl", "ttl", ox.RdfFormat.TURTLE, "text/turtle", "RDF_TURTLE",
               "Turtle", gzip=False, named_graphs=False),
    DumpFormat("jsonld", "jsonld", ox.RdfFormat.JSON_LD, "application/ld+json", "JSON_LD",
               "JSON-LD", gzip=False, named_graphs=True),
    DumpFormat("nt", "nt.gz", ox.RdfFormat.N_TRIPLES, "application/n-triples", "RDF_N_TRIPLES",
               "N-Triples", gzip=True, named_graphs=False),
)
GZIP_MEDIA_TYPE = "application/gzip"

GZIP_LEVEL = 6


def by_key(key: str) -> DumpFormat | None:
    return next((fmt for fmt in FORMATS if fmt.key == key), None)


def format_of(entry: DumpEntry) -> DumpFormat:
    """The format of a dump a manifest lists (always one this code writes)."""
    fmt = by_key(entry["format"])
    if fmt is None:
        raise ValueError(f"the manifest lists a dump in an unknown format {entry['format']!r}; "
                         "run 'clusterscord build'")
    return fmt


def _entry(fmt: DumpFormat, path: Path) -> DumpEntry:
    """A written dump as the manifest records it: name, size and SHA-256."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {
        "format": fmt.key,
        "file": path.name,
        "media_type": fmt.media_type,
        "gzip": fmt.gzip,
        "named_graphs": fmt.named_graphs,
        "bytes": path.stat().st_size,
        "sha256": digest.hexdigest(),
    }


def _compress(plain: Path, path: Path) -> None:
    """gzip a file in blocks (zlib works outside Python's lock), with a fixed timestamp."""
    with open(plain, "rb") as source, open(path, "wb") as raw, gzip.GzipFile(
            filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=GZIP_LEVEL) as packed:
        for block in iter(lambda: source.read(1 << 20), b""):
            packed.write(block)


def _dump(store: ox.Store, fmt: DumpFormat, path: Path,
          from_graph: ox.DefaultGraph | None = None) -> DumpEntry:
    """Dump a store to a file path: the store writes it without holding Python's lock;
    compressed formats are written plain beside, then compressed."""
    prefixes = None if fmt.rdf in (ox.RdfFormat.N_QUADS, ox.RdfFormat.N_TRIPLES) else PREFIXES
    target = path.with_name(path.name + ".plain") if fmt.gzip else path
    store.dump(str(target), fmt.rdf, from_graph=from_graph, prefixes=prefixes)
    if fmt.gzip:
        _compress(target, path)
        target.unlink()
    return _entry(fmt, path)


def compress_nquads(nquads: Path, path: Path) -> DumpEntry:
    """The N-Quads dump from a file the store already wrote (the build's staged copy of
    the store), compressed instead of dumped a second time."""
    fmt = FORMATS[0]
    _compress(nquads, path)
    return _entry(fmt, path)


def union_store(store: ox.Store, union: str, scratch: Path, on_disk: bool) -> ox.Store:
    """A store whose default graph is the union of the named graphs, each triple once
    (``union``, the CONSTRUCT ``sparql/build/union-triples.rq``, may give a triple held in
    two graphs twice; the store keeps it once). In memory, or on disk under ``scratch``
    (for data too large for memory)."""
    triples = store.query(union)
    assert isinstance(triples, ox.QueryTriples)  # union is a CONSTRUCT
    staged = scratch.with_name(scratch.name + ".nt")
    triples.serialize(str(staged), ox.RdfFormat.N_TRIPLES)
    merged = ox.Store(str(scratch)) if on_disk else ox.Store()
    merged.bulk_load(path=str(staged), format=ox.RdfFormat.N_TRIPLES)
    staged.unlink()
    return merged


def write_dump(store: ox.Store, fmt: DumpFormat, path: Path, union: str) -> DumpEntry:
    """Write one dump file of a store; its name, size and SHA-256 as the manifest records
    them. ``union`` is the CONSTRUCT giving the union of the graphs, for the formats
    without named graphs."""
    if fmt.named_graphs:
        return _dump(store, fmt, path)
    merged = union_store(store, union, path.with_name(path.name + ".union"), on_disk=False)
    return _dump(merged, fmt, path, ox.DefaultGraph())


def write_all(store: ox.Store, folder: Path, generation_id: str, union: str, *,
              nquads: bool = True, on_disk: bool = False) -> list[DumpEntry]:
    """Every dump of a store (the N-Quads one only if ``nquads``), two at a time: the
    named-graph formats from the store itself, the union formats from one store of the
    union (in memory, or on disk when ``on_disk``), each written by the store's own
    serializers outside Python's lock."""
    folder.mkdir(parents=True, exist_ok=True)

    def named() -> list[DumpEntry]:
        return [_dump(store, fmt, folder / fmt.file_name(generation_id)) for fmt in FORMATS
                if fmt.named_graphs and (nquads or fmt.rdf != ox.RdfFormat.N_QUADS)]

    def of_union() -> list[DumpEntry]:
        scratch = folder / f".union-{generation_id}"
        union_graph = union_store(store, union, scratch, on_disk)
        try:
            return [_dump(union_graph, fmt, folder / fmt.file_name(generation_id),
                          ox.DefaultGraph()) for fmt in FORMATS if not fmt.named_graphs]
        finally:
            del union_graph
            shutil.rmtree(scratch, ignore_errors=True)

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="dumps") as pool:
        futures = [pool.submit(named), pool.submit(of_union)]
        return [entry for future in futures for entry in future.result()]


def record(context, entries: list[DumpEntry]) -> None:
    """List the dumps in FORMATS order in ``SHA256SUMS`` and the manifest."""
    order = [fmt.key for fmt in FORMATS]
    entries = sorted(entries, key=lambda e: order.index(e["format"]))
    (context.work.dumps_path / "SHA256SUMS").write_text(
        "".join(f"{e['sha256']}  {e['file']}\n" for e in entries), encoding="utf-8"
    )
    context.manifest["dumps"] = entries


def write(context) -> None:
    """Artefact step: every dump of the store as it stands (data, provenance, rules)."""
    union = Queries(context.work).build("union-triples")
    record(context, write_all(context.store, context.work.dumps_path, context.work.id, union,
                              on_disk=True))


def published(manifest: Manifest) -> list[DumpEntry]:
    """The dumps a generation lists in its manifest (none for builds made before dumps)."""
    return list(manifest.get("dumps", []))
