"""Complete dumps of the published graph, written by the build beside its store.

Each build writes immutable files named for its generation into ``dumps/``: N-Quads
(every named graph, so provenance stays intact) and JSON-LD (also with its named graphs),
plus Turtle and N-Triples of the union of the graphs (those formats cannot carry graph
names). Sizes and SHA-256 checksums go into the manifest, from which the catalogue, the
download pages and ``clusterscord export`` all read. Compressed files are written with a
fixed gzip timestamp, so the same content always gives the same bytes.
"""

from __future__ import annotations

import gzip
import hashlib
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


def _write(store: ox.Store, fmt: DumpFormat, handle, union: str) -> None:
    if fmt.named_graphs:
        store.dump(handle, fmt.rdf, prefixes=None if fmt.rdf == ox.RdfFormat.N_QUADS else PREFIXES)
        return
    triples = store.query(union)
    assert isinstance(triples, ox.QueryTriples)  # union is a CONSTRUCT
    if fmt.rdf == ox.RdfFormat.N_TRIPLES:
        triples.serialize(handle, fmt.rdf)
    else:
        ox.serialize(iter(triples), handle, fmt.rdf, prefixes=PREFIXES)


def write_dump(store: ox.Store, fmt: DumpFormat, path: Path, union: str) -> DumpEntry:
    """Write one dump file; its name, size and SHA-256 as the manifest records them.
    ``union`` is the CONSTRUCT giving each triple of the union of the graphs once
    (``sparql/build/union-triples.rq``), for the formats without named graphs."""
    with open(path, "wb") as raw:
        if fmt.gzip:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                               compresslevel=GZIP_LEVEL) as packed:
                _write(store, fmt, packed, union)
        else:
            _write(store, fmt, raw, union)
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


def write(context) -> None:
    """Artefact step: every dump of the store as it stands (data, provenance, rules)."""
    folder = context.work.dumps_path
    folder.mkdir(parents=True, exist_ok=True)
    # Two at a time: serializing and compressing release the GIL for most of their work,
    # so two threads take 24 s instead of 45 s at 1M triples, with identical files.
    union = Queries(context.work).build("union-triples")
    with ThreadPoolExecutor(max_workers=2) as pool:
        entries = list(pool.map(
            lambda fmt: write_dump(context.store, fmt, folder / fmt.file_name(context.work.id),
                                   union),
            FORMATS,
        ))
    (folder / "SHA256SUMS").write_text(
        "".join(f"{e['sha256']}  {e['file']}\n" for e in entries), encoding="utf-8"
    )
    context.manifest["dumps"] = entries


def published(manifest: Manifest) -> list[DumpEntry]:
    """The dumps a generation lists in its manifest (none for builds made before dumps)."""
    return list(manifest.get("dumps", []))
