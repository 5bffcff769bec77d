"""Build step: the label search index (SQLite FTS5) and the browse lists, in search.sqlite.

One FTS row per label of an entity or ontology term, in every language, tokenised with
``unicode61 remove_diacritics 2`` so case and diacritics fold ("usti" finds "Ústí nad
Labem"). Each row carries the entity's IRI type segment, the label's language and a boost
(preferred labels rank above alternative names and notations). The ``entities`` table
gives /browse/{type} its paged, label-sorted lists without touching the store.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from publisher.artefacts.scan import scan
from publisher.core.labels import LABEL_PREDICATES, best_labels
from publisher.core.scheme import Scheme

# Lower is better (added to bm25, which is negative for good matches).
BOOSTS = {
    "http://www.w3.org/2004/02/skos/core#prefLabel": -3.0,
    "http://www.w3.org/2000/01/rdf-schema#label": -2.5,
    "http://schema.org/name": -2.5,
    "http://purl.org/dc/terms/title": -2.0,
    "http://xmlns.com/foaf/0.1/name": -2.0,
    "http://www.w3.org/2006/vcard/ns#fn": -2.0,
    "http://schema.org/legalName": -1.5,
    "http://www.w3.org/2004/02/skos/core#altLabel": -1.0,
    "http://schema.org/alternateName": -1.0,
    "http://www.w3.org/2004/02/skos/core#notation": -0.5,
}

SCHEMA = """
CREATE TABLE entities (
  iri TEXT PRIMARY KEY, type TEXT NOT NULL, sort_key TEXT NOT NULL,
  label_en TEXT, label_cs TEXT, label_any TEXT
);
CREATE INDEX entities_by_type ON entities (type, sort_key, iri);
CREATE TABLE labels (
  id INTEGER PRIMARY KEY, iri TEXT NOT NULL, type TEXT NOT NULL, lang TEXT NOT NULL,
  predicate TEXT NOT NULL, boost REAL NOT NULL, label TEXT NOT NULL
);
CREATE VIRTUAL TABLE labels_fts USING fts5(
  label, content='labels', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
"""

ONTOLOGY_TYPE = "def"
# A code an entity carries on an identifier node (adms:identifier [ skos:notation "…" ]).
IDENTIFIER = "http://www.w3.org/ns/adms#identifier"
NOTATION = "http://www.w3.org/2004/02/skos/core#notation"


def fold(text: str) -> str:
    """Case- and accent-folded text for sorting."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def index_type(scheme: Scheme, iri: str) -> str | None:
    """The type segment an IRI is listed under: /id/{type}/…, or 'def' for terms."""
    split = scheme.split_entity(iri)
    if split is not None:
        return split[0]
    if scheme.is_vocabulary(iri):
        return ONTOLOGY_TYPE
    return None


class Labels:
    """Collects the index's rows from a scan (:mod:`publisher.artefacts.scan`): each
    distinct (IRI, label predicate, literal), as ``sparql/build/search-labels.rq`` selects."""

    def __init__(self, scheme: Scheme):
        self.scheme = scheme
        self.predicates = frozenset(BOOSTS) | {IDENTIFIER, NOTATION}  # all add() looks at
        self.seen: set = set()
        self.rows: list[tuple] = []
        self.own: dict[str, list] = defaultdict(list)
        self._subject: tuple = (None, None, None)
        # identifier node → entities that carry it, and its codes (quads come in any order)
        self._holders: dict[ox.BlankNode, set[tuple[str, str]]] = defaultdict(set)
        self._codes: dict[ox.BlankNode, set[ox.Literal]] = defaultdict(set)

    def identifier_rows(self) -> list[tuple]:
        """Rows for the codes on identifier nodes, under the entities that carry them
        (a project is found by its programme code)."""
        rows = []
        for node, holders in self._holders.items():
            for code in sorted(self._codes.get(node, ()), key=lambda c: c.value):
                for iri, kind in sorted(holders):
                    key = (iri, NOTATION, code)
                    if key not in self.seen:
                        self.seen.add(key)
                        rows.append((iri, kind, "", NOTATION, BOOSTS[NOTATION], code.value))
        return rows

    def add(self, graph, subject, predicate: str, obj) -> None:
        if predicate == IDENTIFIER and isinstance(obj, ox.BlankNode):
            if isinstance(subject, ox.NamedNode):
                kind = index_type(self.scheme, subject.value)
                if kind is not None:
                    self._holders[obj].add((subject.value, kind))
            return
        if predicate == NOTATION and isinstance(subject, ox.BlankNode):
            if isinstance(obj, ox.Literal):
                self._codes[subject].add(obj)
            return
        boost = BOOSTS.get(predicate)
        if boost is None or not isinstance(obj, ox.Literal):
            return
        if self._subject[0] != subject:  # quads come grouped by subject: one split each
            iri = subject.value if isinstance(subject, ox.NamedNode) else None
            self._subject = (subject, iri, index_type(self.scheme, iri) if iri else None)
        _s, iri, kind = self._subject
        if kind is None:
            return
        key = (iri, predicate, obj)
        if key in self.seen:
            return
        self.seen.add(key)
        self.rows.append((iri, kind, obj.language or "", predicate, boost, obj.value))
        if predicate in LABEL_PREDICATES:
            self.own[iri].append((predicate, obj))


def build_index(store: ox.Store, scheme: Scheme, path: Path) -> dict:
    """Write search.sqlite from one pass over the store; return counts for the manifest."""
    labels = Labels(scheme)
    scan(store, [labels])
    return write_index(labels, scheme, path)


def write_index(labels: Labels, scheme: Scheme, path: Path) -> dict:
    """Write search.sqlite from the collected labels; return counts for the manifest."""
    rows, own = labels.rows + labels.identifier_rows(), labels.own
    path.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    try:
        connection.executescript(SCHEMA)
        connection.executemany(
            "INSERT INTO labels (iri, type, lang, predicate, boost, label) VALUES (?,?,?,?,?,?)",
            rows,
        )
        connection.execute("INSERT INTO labels_fts (labels_fts) VALUES ('rebuild')")
        entities = []
        for iri, pairs in own.items():
            names = best_labels(pairs)
            any_label = names.get("en") or names.get("cs") or next(iter(names.values()))
            kind = index_type(scheme, iri)
            entities.append((iri, kind, fold(any_label), names.get("en"), names.get("cs"),
                             any_label))
        connection.executemany(
            "INSERT INTO entities (iri, type, sort_key, label_en, label_cs, label_any) "
            "VALUES (?,?,?,?,?,?)",
            entities,
        )
        connection.commit()
        connection.execute("VACUUM")
    finally:
        connection.close()
    return {"labels": len(rows), "entities": len(entities)}


def write(context, labels: Labels | None = None) -> None:
    """Build step: search.sqlite in the generation being built (from the labels the
    build's one scan collected, when given)."""
    if labels is None:
        counts = build_index(context.store, context.scheme, context.work.search_path)
    else:
        counts = write_index(labels, context.scheme, context.work.search_path)
    context.manifest["search"] = counts
