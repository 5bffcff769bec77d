"""One pass over the store's quads for every artefact that counts or lists them.

Statistics, the search index's labels, the change history's entity hashes and the
incoming-link counts each used to read the whole store on their own (four scans, or
whole-graph GROUP BY queries: 200 s at a million triples). :func:`scan` reads each quad
once and hands it to the collectors; each artefact module keeps the logic of what it
collects (``Collector`` classes beside its writer), so each gives exactly what its own
query or pass gave.
"""

from __future__ import annotations

from typing import Protocol

import pyoxigraph as ox


class Collector(Protocol):
    def add(self, graph: ox.NamedNode | ox.BlankNode, subject, predicate: str, obj) -> None:
        """Take one quad of a named graph (predicate as IRI text)."""


def scan(store: ox.Store, collectors: list[Collector],
         skip_graphs: frozenset[ox.NamedNode] = frozenset()) -> None:
    """Feed every quad of the named graphs (except ``skip_graphs``) to every collector; a
    collector with a ``predicates`` set gets only the quads of those predicates (a set
    lookup costs far less than a call)."""
    every, some = [], []
    for collector in collectors:
        wanted = getattr(collector, "predicates", None)
        if wanted is None:
            every.append(collector.add)
        else:
            some.append((wanted, collector.add))
    for quad in store.quads_for_pattern(None, None, None, None):
        graph = quad.graph_name
        if isinstance(graph, ox.DefaultGraph) or graph in skip_graphs:
            continue
        subject, predicate, obj = quad.subject, quad.predicate.value, quad.object
        for add in every:
            add(graph, subject, predicate, obj)
        for wanted, add in some:
            if predicate in wanted:
                add(graph, subject, predicate, obj)
