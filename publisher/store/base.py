"""The store interface the web layer reads through.

One small interface, one implementation per backend (embedded Oxigraph here; a remote
SPARQL 1.1 server in :mod:`publisher.remote`). Every backend returns pyoxigraph result
objects, so callers never care which one answers. Queries are filled with typed terms
(``substitutions``), never by pasting request text into query strings. Oxigraph applies a
substitution to a SELECT only when the query projects that variable, so every SELECT view
projects the variables it is filled with. Query texts are our own (views, code) and are
written against the source base like the data, so they are rebased like the data.
"""

from __future__ import annotations

import abc
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from publisher.core.generation import Generation


class QueryStore(abc.ABC):
    """Read-only SPARQL access to one published generation."""

    generation: Generation

    @abc.abstractmethod
    def query(
        self,
        sparql: str,
        *,
        substitutions: dict[str, object] | None = None,
        default_graph: list | None = None,
        named_graphs: list | None = None,
        union_default_graph: bool = True,
    ):
        """Run a query; returns pyoxigraph QuerySolutions, QueryBoolean or QueryTriples."""

    def select(self, sparql: str, **substitutions) -> list[dict[str, object]]:
        """Rows of a SELECT as dicts of variable name → term (unbound names absent)."""
        solutions = self.query(sparql, substitutions=substitutions)
        names = [v.value for v in solutions.variables]
        rows = []
        for solution in solutions:
            row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = value
            rows.append(row)
        return rows

    def construct(self, sparql: str, **substitutions) -> list[ox.Triple]:
        return list(self.query(sparql, substitutions=substitutions))

    def ask(self, sparql: str, **substitutions) -> bool:
        return bool(self.query(sparql, substitutions=substitutions))

    def close(self) -> None:  # noqa: B027 - optional hook; most backends hold nothing
        """Release the backend's resources."""


@cache
def _view_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def view(root: Path, name: str) -> str:
    """The text of a parameterised query in sparql/views/ (the web pages' queries)."""
    path = root / "sparql" / "views" / f"{name}.rq"
    if not path.is_file():
        raise FileNotFoundError(f"no view query {path}")
    return _view_text(path)
