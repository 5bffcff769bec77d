"""Read the source files (ontology, data, shapes) into quads, with errors that point home.

Every data triple must sit in a named graph (one per source document); the ontology is
loaded into its own named graph. A syntax error is reported with file, line and column.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox

from publisher.core.context import SourceSet
from publisher.core.iris import ONTOLOGY_GRAPH, SOURCE_BASE
from publisher.core.scheme import Scheme

FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
}


VENDOR = "vendor"


class SourceError(ValueError):
    """A source file cannot be used; the message names the file (and line, column)."""


def files_by_subject(origins) -> dict[str, set[Path]]:
    """Where each subject was written, keyed by its text (what validation reports name)."""
    return {node.value: files for node, files in (origins or {}).items()}


def source_files(root: Path, folder: str) -> list[Path]:
    """The RDF files of one source folder, in a stable order.

    A ``vendor/`` folder holds other publishers' files (the DCAT-AP shapes) that the
    project checks against on demand; they are never part of the graph or its shapes.
    """
    base = root / folder
    if not base.is_dir():
        return []
    return sorted(
        p for p in base.rglob("*")
        if p.suffix in FORMATS and p.is_file() and VENDOR not in p.relative_to(base).parts
    )


def parse_file(path: Path, scheme: Scheme, relative_to: Path | None = None) -> list[ox.Quad]:
    """Parse one file; SourceError with file, line and column on a syntax error."""
    shown = path.relative_to(relative_to) if relative_to else path
    try:
        quads = list(ox.parse(path=str(path), format=FORMATS[path.suffix], base_iri=SOURCE_BASE))
    except SyntaxError as exc:
        message = str(exc).split(" (", 1)[0] if exc.filename else str(exc)
        raise SourceError(
            f"{shown}:{exc.lineno}:{exc.offset}: syntax error: {message}"
        ) from exc
    except (OSError, ValueError) as exc:
        raise SourceError(f"{shown}: cannot read: {exc}") from exc
    return [scheme.rebase_quad(q) for q in quads]


def load_sources(root: Path, scheme: Scheme) -> SourceSet:
    """The ontology and data files as one set of quads, rebased onto the scheme's base."""
    result = SourceSet()
    digest = hashlib.sha256()
    ontology_graph = ox.NamedNode(scheme.graph(ONTOLOGY_GRAPH))

    for folder in ("ontology", "data"):
        for path in source_files(root, folder):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
            quads = parse_file(path, scheme, root)
            for quad in quads:
                if folder == "ontology":
                    if not isinstance(quad.graph_name, ox.DefaultGraph):
                        raise SourceError(
                            f"{path.relative_to(root)}: the ontology must not use named graphs"
                        )
                    quad = ox.Quad(quad.subject, quad.predicate, quad.object, ontology_graph)
                elif isinstance(quad.graph_name, ox.DefaultGraph):
                    raise SourceError(
                        f"{path.relative_to(root)}: triple outside a named graph: "
                        f"{quad.subject} {quad.predicate} {quad.object} "
                        "(every fact belongs in the named graph of its source)"
                    )
                result.quads.append(quad)
                result.origins[quad.subject].add(path.relative_to(root))
            result.files.append(path.relative_to(root))

    if not result.files:
        raise SourceError(f"no source files under {root / 'ontology'} or {root / 'data'}")
    result.digest = digest.hexdigest()
    return result


def load_shapes(root: Path, scheme: Scheme) -> list[ox.Quad]:
    """The SHACL shapes, as quads in the default graph."""
    quads: list[ox.Quad] = []
    for path in source_files(root, "shapes"):
        quads.extend(parse_file(path, scheme, root))
    if not quads:
        raise SourceError(f"no SHACL shapes under {root / 'shapes'}")
    return quads
