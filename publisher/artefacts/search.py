"""Label search and browse lists over a generation's search.sqlite (parameterised SQL only).

The user's text never becomes SQL: it is split into word tokens, each quoted as an FTS5
string with a prefix star, and the resulting match expression is bound as a parameter.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

_TOKEN = re.compile(r"\w+", re.UNICODE)
MAX_TOKENS = 8
MAX_QUERY_CHARS = 200


# bm25() is only allowed in the FTS query itself: materialise it before grouping by entity.
SEARCH_SQL = """
WITH m AS MATERIALIZED (
  SELECT l.iri AS iri, l.type AS type, bm25(labels_fts) + l.boost AS score, l.label AS label
  FROM labels_fts JOIN labels l ON l.id = labels_fts.rowid
  WHERE labels_fts MATCH :match AND (:types = '' OR instr(:types, ',' || l.type || ',') > 0)
),
r AS (SELECT iri, type, MIN(score) AS score, MIN(label) AS matched FROM m GROUP BY iri)
SELECT r.iri, r.type, r.matched, e.label_en, e.label_cs, e.label_any, COUNT(*) OVER () AS total
FROM r LEFT JOIN entities e ON e.iri = r.iri
ORDER BY r.score, e.sort_key, r.iri
LIMIT :limit OFFSET :offset
"""


@dataclass
class Hit:
    iri: str
    type: str
    label: str
    matched: str
    labels: dict[str, str] = field(default_factory=dict)


def match_expression(text: str) -> str | None:
    """An FTS5 expression: every word of text as a quoted prefix ("usti"* "lab"*)."""
    tokens = _TOKEN.findall(text[:MAX_QUERY_CHARS])[:MAX_TOKENS]
    if not tokens:
        return None
    return " ".join(f'"{token}"*' for token in tokens)


class SearchIndex:
    """Read-only access to one search.sqlite (one connection per thread)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            uri = f"{self.path.as_uri()}?mode=ro"
            connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._local.connection = connection
        return connection

    def search(self, text: str, types: list[str] | None = None, limit: int = 20,
               offset: int = 0) -> tuple[list[Hit], int]:
        """Entities whose labels match text, best first; and how many match in all."""
        expression = match_expression(text)
        if expression is None:
            return [], 0
        params = {
            "match": expression,
            "types": "," + ",".join(types or ()) + "," if types else "",
            "limit": limit,
            "offset": offset,
        }
        try:
            rows = self._connection().execute(SEARCH_SQL, params).fetchall()
        except sqlite3.OperationalError:
            return [], 0
        total = rows[0][-1] if rows else 0
        return [_hit(row) for row in rows], total

    def type_counts(self, text: str) -> dict[str, int]:
        """How many entities of each type match text (for the type filter)."""
        expression = match_expression(text)
        if expression is None:
            return {}
        rows = self._connection().execute(
            "SELECT type, COUNT(DISTINCT l.iri) FROM labels_fts JOIN labels l "
            "ON l.id = labels_fts.rowid WHERE labels_fts MATCH ? GROUP BY type ORDER BY type",
            [expression],
        ).fetchall()
        return dict(rows)

    def browse(self, kind: str, limit: int, offset: int) -> tuple[list[Hit], int]:
        """Entities of one type segment in label order, one page; and the total."""
        connection = self._connection()
        total = connection.execute(
            "SELECT COUNT(*) FROM entities WHERE type = ?", [kind]
        ).fetchone()[0]
        rows = connection.execute(
            "SELECT iri, type, label_any, label_en, label_cs, label_any FROM entities "
            "WHERE type = ? ORDER BY sort_key, iri LIMIT ? OFFSET ?",
            [kind, limit, offset],
        ).fetchall()
        return [_hit(row) for row in rows], total


def _hit(row) -> Hit:
    iri, kind, matched, label_en, label_cs, label_any = row[:6]
    labels = {lang: text for lang, text in (("en", label_en), ("cs", label_cs)) if text}
    if not labels and label_any:
        labels[""] = label_any
    return Hit(iri=iri, type=kind, label=label_any or matched or iri, matched=matched or "",
               labels=labels)
