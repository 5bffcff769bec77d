"""The store interface the web layer reads through.

One small interface, one implementation per backend (embedded Oxigraph here; a remote
SPARQL 1.1 server in :mod:`publisher.store.remote`). Every backend returns pyoxigraph
result objects, so callers never care which one answers. Queries are filled with typed
terms (``substitutions``), never by pasting request text into query strings. Oxigraph
applies a substitution to a SELECT only when the query projects that variable, so every
SELECT view projects the variables it is filled with.

Our own query texts (page views, named queries, the backends' own queries) are read from
the generation a store answers for: the build wrote them there already rebased onto the
generation's base (:mod:`publisher.artefacts.queries`), so nothing is rebased per query
and an edit in the checkout changes nothing served until the next build.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from publisher.core.generation import Generation

# A term a SELECT of our own binds: the graph holds no RDF-star triple terms, so our
# queries never bind one (a client's query goes through client_query, not select).
Term = ox.NamedNode | ox.BlankNode | ox.Literal
# One row of a SELECT: variable name → term, unbound names absent.
Row = dict[str, Term]

# Where a generation keeps its SPARQL texts, one folder per kind (views, queries, …).
QUERIES_DIR = "sparql"


class MissingQueryError(FileNotFoundError):
    """A generation lacks one of the query texts the code asks for (built by an older build)."""


@lru_cache(maxsize=512)
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def query_text(generation: Generation, folder: str, name: str) -> str:
    """One of the SPARQL texts the build wrote into a generation (already rebased)."""
    path = generation.path / QUERIES_DIR / folder / f"{name}.rq"
    try:
        return _read(path)
    except FileNotFoundError as exc:
        raise MissingQueryError(
            f"generation {generation.id} has no query {folder}/{name}.rq; "
            "run 'clusterscord build' to publish a complete generation"
        ) from exc


class QueryStore(abc.ABC):
    """Read-only SPARQL access to one published generation."""

    generation: Generation

    @abc.abstractmethod
    def query(
        self,
        sparql: str,
        *,
        substitutions: Mapping[str, object] | None = None,
        default_graph: list | None = None,
        named_graphs: list | None = None,
        union_default_graph: bool = True,
    ):
        """Run one of our own queries; returns pyoxigraph QuerySolutions, QueryBoolean or
        QueryTriples."""

    @abc.abstractmethod
    def client_query(
        self,
        sparql: str,
        *,
        base_iri: str | None,
        default_graph: list | None = None,
        named_graphs: list | None = None,
    ):
        """Run a client's query as the SPARQL Protocol asks: relative IRIs resolve against
        base_iri; the dataset is the one given, else the query's own FROM / FROM NAMED
        where the backend can honour it, else the union of the generation's graphs."""

    def view(self, name: str) -> str:
        """The text of a page query (``sparql/views/<name>.rq`` of this generation)."""
        return query_text(self.generation, "views", name)

    def own_query(self, name: str) -> str:
        """The text of one of the backends' own queries (``sparql/store/<name>.rq``)."""
        return query_text(self.generation, "store", name)

    def answers(self) -> bool:
        """Whether the store holds at least one quad of the generation (a start-up check)."""
        return self.ask(self.own_query("has-quads"))

    def select(self, sparql: str, **substitutions: Term) -> list[Row]:
        """Rows of a SELECT as dicts of variable name → term (unbound names absent)."""
        solutions = self.query(sparql, substitutions=substitutions)
        names = [v.value for v in solutions.variables]
        rows = []
        for solution in solutions:
            row: Row = {}
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
