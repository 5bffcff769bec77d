"""Parse the sources straight into the build's store, with no Python work per quad.

:func:`publisher.build.sources.load_sources` turns every triple into a Python object (then
the store turns it back): at a million triples that was the better part of a minute. Here
the store's parser reads every data file straight into one bulk load (three times faster
than ``Store.bulk_load`` file by file, which writes each file's own index files); Python
only reads the bytes for the digest and checks the result. The errors are the same as
``load_sources`` gives, because on any problem (a syntax error, a triple outside a named
graph) the sources are parsed again by ``load_sources``, which names file, line and column.

Bulk loading applies when the build keeps the source base (nothing to rebase); a build on
another base goes through ``load_sources``, whose rebasing touches every term anyway.
Where each subject was written (for a validation report) is read back only when a report
has results to place (:func:`origins_of`).
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from publisher.build.sources import FORMATS, SourceError, load_sources, parse_file, source_files
from publisher.core.iris import ONTOLOGY_GRAPH, SOURCE_BASE
from publisher.core.scheme import Scheme

SOURCE_FOLDERS = ("ontology", "data")


@dataclass
class Loaded:
    """What a bulk load leaves besides the store: the files, their digest, the count."""

    files: list[Path] = field(default_factory=list)
    digest: str = ""
    quads: int = 0


def digest_of(root: Path) -> tuple[list[Path], str]:
    """The source files (relative to root) and the SHA-256 ``load_sources`` gives them."""
    digest = hashlib.sha256()
    files = []
    for folder in SOURCE_FOLDERS:
        for path in source_files(root, folder):
            relative = path.relative_to(root)
            digest.update(str(relative).encode())
            digest.update(path.read_bytes())
            files.append(relative)
    if not files:
        raise SourceError(f"no source files under {root / 'ontology'} or {root / 'data'}")
    return files, digest.hexdigest()


def source_bytes(root: Path) -> int:
    """The size of the ontology and data files, which tells how large the store will be."""
    return sum(path.stat().st_size for folder in SOURCE_FOLDERS
               for path in source_files(root, folder))


def bulk_loadable(scheme: Scheme) -> bool:
    """Whether the sources can go into the store as written (no IRI to rebase)."""
    return scheme.base == SOURCE_BASE


def load_into(root: Path, scheme: Scheme, store: ox.Store) -> Loaded:
    """Load the ontology and data files into an empty store; SourceError as load_sources.

    The ontology (small) is parsed and checked in Python and moved into its named graph;
    every data file is bulk-loaded by the store. The data must not write into the default
    graph: when it does, the offending file is found and named by ``load_sources``.
    """
    files, digest = digest_of(root)
    ontology_graph = ox.NamedNode(scheme.graph(ONTOLOGY_GRAPH))
    ontology: list[ox.Quad] = []
    for path in source_files(root, "ontology"):
        for quad in parse_file(path, scheme, root):
            if not isinstance(quad.graph_name, ox.DefaultGraph):
                raise SourceError(
                    f"{path.relative_to(root)}: the ontology must not use named graphs")
            ontology.append(ox.Quad(quad.subject, quad.predicate, quad.object, ontology_graph))
    data = (ox.parse(path=str(path), format=FORMATS[path.suffix], base_iri=SOURCE_BASE)
            for path in source_files(root, "data"))
    try:
        store.bulk_extend(itertools.chain(ontology, itertools.chain.from_iterable(data)))
    except (SyntaxError, OSError, ValueError):
        load_sources(root, scheme)  # raises SourceError with file, line and column
        raise
    stray = next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None)
    if stray is not None:
        load_sources(root, scheme)  # names the file and the triple outside a named graph
        raise SourceError(f"triple outside a named graph: {stray}")
    return Loaded(files, digest, len(store))


def origins_of(root: Path, scheme: Scheme, wanted: set[str]) -> dict[str, set[Path]]:
    """Where each of the wanted subjects (IRI text) is written: parses the sources again,
    so it is called only for the focus nodes a validation report names."""
    found: dict[str, set[Path]] = {}
    if not wanted:
        return found
    for folder in SOURCE_FOLDERS:
        for path in source_files(root, folder):
            for quad in parse_file(path, scheme, root):
                subject = quad.subject
                if isinstance(subject, ox.NamedNode) and subject.value in wanted:
                    found.setdefault(subject.value, set()).add(path.relative_to(root))
    return found
