"""The embedded Oxigraph store of a generation, behind the store interface."""

from __future__ import annotations

import pyoxigraph as ox

from publisher.core.generation import Generation
from publisher.core.iris import PREFIXES
from publisher.core.scheme import Scheme
from publisher.store.base import QueryStore


def _to_variables(substitutions: dict[str, object] | None) -> dict | None:
    if not substitutions:
        return None
    return {ox.Variable(name): term for name, term in substitutions.items()}


class OxigraphStore(QueryStore):
    """The embedded store of a generation, opened read-only (safe for many workers)."""

    def __init__(self, generation: Generation, store: ox.Store | None = None):
        self.generation = generation
        self.scheme = Scheme(generation.manifest()["base_iri"])
        self._store = store if store is not None else ox.Store.read_only(str(generation.store_path))

    @property
    def raw(self) -> ox.Store:
        return self._store

    def query(self, sparql, *, substitutions=None, default_graph=None, named_graphs=None,
              union_default_graph=True):
        kwargs = {
            "prefixes": PREFIXES,
            "substitutions": _to_variables(substitutions),
        }
        if default_graph is not None:
            kwargs["default_graph"] = default_graph
        else:
            kwargs["use_default_graph_as_union"] = union_default_graph
        if named_graphs is not None:
            kwargs["named_graphs"] = named_graphs
        return self._store.query(self.scheme.rebase_text(sparql), **kwargs)
