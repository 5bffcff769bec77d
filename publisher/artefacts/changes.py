"""What changed between builds: resource versions for the change feed and the sitemap.

Every resource (every IRI that is the subject of a quad: the entities under ``{base}id/``,
and the ontology's terms, the named graphs' provenance, the authorities' labels, the
catalogue's editorial nodes) is summarised by a hash of its outgoing triples in every
graph, blank-node structures expanded and hashed canonically (so the blank-node labels a
build happens to pick never count as a change). Comparing the hashes with the previous
generation's gives the resources added, changed and removed; each is appended as a
version to the history, which every generation carries whole in ``changes.json`` (the
first build emits every resource as added), with each version's state beside it, so the
feed replicates the whole graph. The sitemap keeps the entities.

The states (every version's N-Quads, the whole graph after a first build) go to an SQLite
table written row by row and read one version at a time: at 10M triples they are gigabytes
of text, which neither a build nor a web worker may hold at once.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sqlite3
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from publisher.artefacts.scan import scan
from publisher.core.scheme import Scheme

ADDED, CHANGED, REMOVED = "added", "changed", "removed"


def _describe(subjects, node, visiting: frozenset) -> str:
    """A canonical text of a blank node's description (nested, cycle-safe)."""
    if node in visiting:
        return "[cycle]"
    inner = visiting | {node}
    lines = sorted(_line(subjects, g, p, o, inner) for g, p, o in subjects.get(node, ()))
    return "[" + " ; ".join(lines) + "]"


def _line(subjects, graph, predicate, obj, visiting: frozenset) -> str:
    text = _describe(subjects, obj, visiting) if isinstance(obj, ox.BlankNode) else str(obj)
    return f"{graph} {predicate} {text}"


def entity_hashes(store: ox.Store, scheme: Scheme) -> dict[str, str]:
    """IRI → SHA-256 of the resource's outgoing triples (graph names included)."""
    lines = EntityLines(scheme)
    scan(store, [lines])
    return lines.hashes()


# A line of an entity's text: written at once, or (graph, predicate, blank node) to expand
# once every blank node is known.
EntityLine = str | tuple[ox.NamedNode | ox.DefaultGraph, str, ox.BlankNode]


class EntityLines:
    """Collects each resource's outgoing triples from a scan
    (:mod:`publisher.artefacts.scan`) and hashes them once every blank node is known."""

    def __init__(self, scheme: Scheme):
        self.scheme = scheme
        self.blanks: dict[object, list] = defaultdict(list)
        self.entities: dict[str, list[EntityLine]] = defaultdict(list)
        self._last: tuple[object, str] = (None, "")
        self._graph: tuple[object, str] = (None, "")

    def _iri(self, subject) -> str:
        if self._last[0] != subject:  # quads come grouped by subject: one text per group
            self._last = (subject, subject.value)
        return self._last[1]

    def add(self, graph, subject, predicate: str, obj) -> None:
        if isinstance(subject, ox.BlankNode):
            self.blanks[subject].append((graph, f"<{predicate}>", obj))
        elif isinstance(subject, ox.NamedNode):
            if isinstance(obj, ox.BlankNode):  # expanded once every blank node is known
                self.entities[self._iri(subject)].append((graph, f"<{predicate}>", obj))
            else:  # kept as its text line at once: far less memory than the terms
                if self._graph[0] != graph:
                    self._graph = (graph, str(graph))
                self.entities[self._iri(subject)].append(
                    f"{self._graph[1]} <{predicate}> {obj}")

    def hashes(self) -> dict[str, str]:
        hashes = {}
        for iri, items in self.entities.items():
            lines = sorted(item if isinstance(item, str)
                           else _line(self.blanks, *item, frozenset()) for item in items)
            hashes[iri] = hashlib.sha256("\n".join(lines).encode()).hexdigest()
        return dict(sorted(hashes.items()))

    def states(self, iris: set[str]) -> Iterator[tuple[str, str]]:
        """For each IRI, one at a time: its outgoing quads and the blank-node structures
        under them, as N-Quads, blank nodes labelled in the order met (b0, b1, …); made
        from the lines already collected (a second pass over the store cost more)."""
        return ((iri, self._nquads(iri, items)) for iri, items in self.entities.items()
                if iri in iris)

    def _nquads(self, iri: str, items: list[EntityLine]) -> str:
        subject = f"<{iri}>"
        labels: dict[object, str] = {}
        lines: list[str] = []
        todo: list[tuple[str, object, str, object]] = []

        def text(term) -> str:
            if isinstance(term, ox.BlankNode):
                if term not in labels:
                    labels[term] = f"_:b{len(labels)}"
                    todo.extend((labels[term], g, p, o) for g, p, o in self.blanks.get(term, ()))
                return labels[term]
            return str(term)

        for item in items:
            if isinstance(item, str):  # "graph <predicate> object"
                name, rest = item.split(" ", 1)
                lines.append(f"{subject} {rest} {name} .\n")
            else:
                graph, predicate, node = item
                lines.append(f"{subject} {predicate} {text(node)} {graph} .\n")
        while todo:
            label, in_graph, at, obj = todo.pop(0)
            lines.append(f"{label} {at} {text(obj)} {in_graph} .\n")
        return "".join(lines)


def compare(before: dict[str, str], after: dict[str, str]) -> list[tuple[str, str]]:
    """(IRI, added|changed|removed) for every entity whose hash differs, in IRI order."""
    found = []
    for iri in sorted(before.keys() | after.keys()):
        if iri not in before:
            found.append((iri, ADDED))
        elif iri not in after:
            found.append((iri, REMOVED))
        elif before[iri] != after[iri]:
            found.append((iri, CHANGED))
    return found


@dataclass(frozen=True)
class ChangeLog:
    """One generation's changes.json: current hashes and the whole version history."""

    generation: str
    built_at: str
    hashes: dict[str, str]
    history: list[dict]

    def to_json(self) -> str:
        return json.dumps(
            {"generation": self.generation, "built_at": self.built_at,
             "hashes": self.hashes, "history": self.history},
            ensure_ascii=False, separators=(",", ":"),
        )

    def last_modified(self) -> dict[str, str]:
        """IRI → time of the entity's latest version, for entities that still exist."""
        latest = {}
        for version in self.history:
            latest[version["entity"]] = version["at"]
        return {iri: latest[iri] for iri in self.hashes if iri in latest}


def read(path: Path) -> ChangeLog | None:
    """The change log of a generation, or None when it has none (an older build)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return ChangeLog(data["generation"], data["built_at"], data["hashes"], data["history"])


@lru_cache(maxsize=4)
def read_cached(path: Path) -> ChangeLog | None:
    """read() for the web layer: a published generation's files never change."""
    return read(path)


def write(context, lines: EntityLines | None = None) -> None:
    """Artefact step: compare with the previous generation and extend the history
    (``lines``: what the build's one scan collected, when it did)."""
    built_at = context.manifest["built_at"]
    if lines is None:
        lines = EntityLines(context.scheme)
        scan(context.store, [lines])
    hashes = lines.hashes()
    previous = read(context.previous.changes_path) if context.previous else None
    before = previous.hashes if previous else {}
    history = list(previous.history) if previous else []
    found = compare(before, hashes)
    history.extend(
        {"entity": iri, "change": change, "at": built_at, "generation": context.work.id}
        for iri, change in found
    )
    log = ChangeLog(context.work.id, built_at, hashes, history)
    context.work.changes_path.write_text(log.to_json(), encoding="utf-8")
    write_states(context, lines.states({iri for iri, change in found if change != REMOVED}))
    counts = {kind: sum(1 for _, c in found if c == kind) for kind in (ADDED, CHANGED, REMOVED)}
    last_change = history[-1]["at"] if history else built_at
    context.manifest["changes"] = {**counts, "versions": len(history), "last_change": last_change}


STATES_FILE = "changes-states.sqlite"
# Before the states moved to SQLite: one JSON object, gzipped (carried into the next build).
LEGACY_STATES_FILE = "changes-states.json.gz"


def states_path(generation_path: Path) -> Path:
    """Each version's state: ``"{generation} {entity}"`` → the entity's N-Quads then
    (zlib-compressed, one row per version)."""
    return generation_path / STATES_FILE


def write_states(context, current: Iterable[tuple[str, str]]) -> None:
    """Carry the previous generation's version states and add this build's (``current``:
    IRI and N-Quads of each entity added or changed), so every version the feed lists keeps
    the entity's triples as they were at its generation. Row by row: nothing is held whole."""
    path = states_path(context.work.path)
    path.unlink(missing_ok=True)
    # A URI name, so that the previous generation's file can be attached read-only.
    with closing(sqlite3.connect(path.resolve().as_uri(), uri=True)) as db:
        db.execute("CREATE TABLE states (version TEXT PRIMARY KEY, nquads BLOB NOT NULL) "
                   "WITHOUT ROWID")
        if context.previous is not None:
            _carry(db, context.previous.path)
        prefix = context.work.id + " "
        db.executemany("INSERT INTO states VALUES (?, ?)", (
            (prefix + iri, zlib.compress(text.encode("utf-8"), 1)) for iri, text in current))
        db.commit()


def _carry(db: sqlite3.Connection, previous: Path) -> None:
    """Copy the previous generation's states (either form) into ``db``."""
    if states_path(previous).is_file():
        source = states_path(previous).resolve().as_uri() + "?mode=ro"
        db.execute("ATTACH DATABASE ? AS previous", (source,))
        db.execute("INSERT INTO states SELECT version, nquads FROM previous.states")
        db.commit()
        db.execute("DETACH DATABASE previous")
    elif (previous / LEGACY_STATES_FILE).is_file():
        old = json.loads(gzip.decompress((previous / LEGACY_STATES_FILE).read_bytes()))
        db.executemany("INSERT INTO states VALUES (?, ?)", (
            (key, zlib.compress(text.encode("utf-8"), 1)) for key, text in old.items()))


class States:
    """The version states a generation published, read one version at a time (none for
    builds made before them). A context manager: its connection is closed on leaving."""

    def __init__(self, generation_path: Path):
        path = states_path(generation_path)
        self._db = (sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
                    if path.is_file() else None)

    def get(self, version: str, default: str | None = None) -> str | None:
        if self._db is None:
            return default
        row = self._db.execute("SELECT nquads FROM states WHERE version = ?",
                               (version,)).fetchone()
        return zlib.decompress(row[0]).decode("utf-8") if row else default

    def __enter__(self) -> States:
        return self

    def __exit__(self, *exc) -> None:
        if self._db is not None:
            self._db.close()
