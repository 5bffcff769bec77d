"""Incoming links counted once per build: (object IRI, predicate) → number of subjects.

A hub (a country region, the project) has thousands of incoming links; counting them per
request costs a full scan of its links (about 30 ms for 10,000). The build step
:func:`write` counts every entity's incoming links per predicate into ``incoming.sqlite``
beside the store; :class:`IncomingCounts` reads them with one indexed lookup. Only objects
under the base IRI (the ones with pages) are counted; the page of links itself is still
read from the store, paged.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from publisher.artefacts.queries import Queries
from publisher.artefacts.scan import scan
from publisher.core.scheme import Scheme

FILE = "incoming.sqlite"

SCHEMA = """
CREATE TABLE incoming (
  object TEXT NOT NULL, predicate TEXT NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (object, predicate)
) WITHOUT ROWID;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def path_in(generation_path: Path) -> Path:
    return Path(generation_path) / FILE


def count(queries: Queries, store: ox.Store, scheme: Scheme) -> list[tuple[str, str, int]]:
    """(object, predicate, count) for every IRI under the base with incoming links."""
    rows = queries.run(store, "build", "incoming-counts",
                       values=("base", [ox.Literal(scheme.base)]))
    return [(row["o"].value, row["p"].value, int(row["n"].value)) for row in rows]


def write_counts(rows, scheme: Scheme, path: Path) -> None:
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    try:
        connection.executescript(SCHEMA)
        connection.executemany("INSERT INTO incoming (object, predicate, n) VALUES (?,?,?)",
                               rows)
        connection.execute("INSERT INTO meta (key, value) VALUES ('base', ?)", [scheme.base])
        connection.commit()
    finally:
        connection.close()


class IncomingLinks:
    """Collects the links of a scan (:mod:`publisher.artefacts.scan`) that :func:`count`
    counts: IRI subject, IRI object under the base; each (object, predicate, subject) once,
    whichever graphs state it, so the counts are of distinct subjects."""

    def __init__(self, scheme: Scheme):
        self.base = scheme.base
        self.links: set[tuple[str, str, str]] = set()
        self._subject: tuple[object, str] = (None, "")

    def add(self, graph, subject, predicate: str, obj) -> None:
        if not isinstance(obj, ox.NamedNode) or not isinstance(subject, ox.NamedNode):
            return
        target = obj.value
        if not target.startswith(self.base):
            return
        if self._subject[0] != subject:  # quads come grouped by subject: one string each
            self._subject = (subject, subject.value)
        self.links.add((target, predicate, self._subject[1]))

    def rows(self) -> list[tuple[str, str, int]]:
        counted = Counter((target, predicate) for target, predicate, _s in self.links)
        return [(target, predicate, n) for (target, predicate), n in sorted(counted.items())]


def write(context, links: IncomingLinks | None = None) -> None:
    """Build step: incoming.sqlite in the generation being built. It runs after every step
    that adds statements to the store (the catalogue's build graph), so it counts them;
    ``links`` (from the build's one scan, with the later graphs added) saves its own."""
    if links is None:
        links = IncomingLinks(context.scheme)
        scan(context.store, [links])
    rows = links.rows()
    write_counts(rows, context.scheme, path_in(context.work.path))
    context.manifest["incoming_counts"] = {
        "objects": len({row[0] for row in rows}), "pairs": len(rows),
    }


class IncomingCounts:
    """Read-only access to one incoming.sqlite (one connection per thread)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        self.base = self._connection().execute(
            "SELECT value FROM meta WHERE key = 'base'"
        ).fetchone()[0]

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True,
                                         check_same_thread=False)
            self._local.connection = connection
        return connection

    def covers(self, iri: str) -> bool:
        """Whether the build counted iri's incoming links (it is under the base IRI)."""
        return iri.startswith(self.base)

    def counts(self, iri: str) -> list[tuple[str, int]]:
        """[(predicate, count)] of the links to iri."""
        return self._connection().execute(
            "SELECT predicate, n FROM incoming WHERE object = ?", [iri]
        ).fetchall()


def open_for(generation_path: Path) -> IncomingCounts | None:
    """The counts of a generation, or None when it was built without them."""
    path = path_in(generation_path)
    return IncomingCounts(path) if path.is_file() else None
