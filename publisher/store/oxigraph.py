"""The embedded Oxigraph store of a generation, behind the store interface."""

from __future__ import annotations

import pyoxigraph as ox

from publisher.core.generation import Generation
from publisher.core.iris import PREFIXES
from publisher.store.base import QueryStore


def _to_variables(substitutions: dict[str, object] | None) -> dict | None:
    if not substitutions:
        return None
    return {ox.Variable(name): term for name, term in substitutions.items()}


def has_dataset_clause(text: str) -> bool:
    """True when the query names its own dataset (FROM / FROM NAMED).

    Then the union default graph must not apply: the query's dataset rules, as the
    protocol says. Keywords cannot be escaped, so a query without the letters "from" has
    no dataset clause; any other query is parsed to be sure.
    """
    if "from" not in text.lower():
        return False
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(text)
    except Exception:  # noqa: BLE001 - the store's own parser reports real syntax errors
        return False
    return any(getattr(part, "datasetClause", None) for part in parsed)


def _dataset(default_graph, named_graphs, union_default_graph: bool) -> dict:
    kwargs: dict = {}
    if default_graph is not None:
        kwargs["default_graph"] = default_graph
    else:
        kwargs["use_default_graph_as_union"] = union_default_graph
    if named_graphs is not None:
        kwargs["named_graphs"] = named_graphs
    return kwargs


class OxigraphStore(QueryStore):
    """The embedded store of a generation, opened read-only (safe for many workers)."""

    def __init__(self, generation: Generation, store: ox.Store | None = None):
        self.generation = generation
        self._store = store if store is not None else ox.Store.read_only(str(generation.store_path))

    @property
    def raw(self) -> ox.Store:
        return self._store

    def query(self, sparql, *, substitutions=None, default_graph=None, named_graphs=None,
              union_default_graph=True):
        return self._store.query(sparql, prefixes=PREFIXES,
                                 substitutions=_to_variables(substitutions),
                                 **_dataset(default_graph, named_graphs, union_default_graph))

    def client_query(self, sparql, *, base_iri, default_graph=None, named_graphs=None):
        given = default_graph is not None or named_graphs is not None
        if given:
            dataset = {"default_graph": default_graph or [], "named_graphs": named_graphs or []}
        else:
            dataset = _dataset(None, None, not has_dataset_clause(sparql))
        return self._store.query(sparql, prefixes=PREFIXES, base_iri=base_iri, **dataset)
