"""Materialise the CONSTRUCT rules of sparql/rules/ into derived graphs, one per confidence.

Alignment (schema.org, EURIO, FOAF) and the inverse links pages need are derived from the
canonical facts at build time, so they never drift from them. Rules run in file order,
each over the sources and what earlier rules derived.

A derived triple is never more certain than what it was derived from. Each rule runs once
per confidence level, over the named graphs declared at least that certain (and the
derived graphs of those levels): first over the high graphs, then the high and medium
ones, then all. A triple lands in the derived graph of the first level that yields it
(``rules`` for high, ``rules-medium``, ``rules-low``), so it takes the weakest confidence of
its premises. A graph with no declared confidence counts as low. Each derived graph names
the graphs its premises came from (``prov:wasDerivedFrom``), inside itself.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from publisher.core.iris import PREFIXES, RULES_GRAPH, VOCABULARY
from publisher.core.scheme import Scheme

# (confidence level, derived graph name), most certain first.
LEVELS: tuple[tuple[str, str], ...] = (
    ("high", RULES_GRAPH), ("medium", "rules-medium"), ("low", "rules-low"))
DERIVED_GRAPHS: tuple[str, ...] = tuple(name for _level, name in LEVELS)
_WAS_DERIVED_FROM = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")


class RuleError(ValueError):
    """A rule cannot be parsed or run; the message names the file."""


def rule_files(root: Path) -> list[Path]:
    folder = root / "sparql" / "rules"
    return sorted(folder.glob("*.rq")) if folder.is_dir() else []


def derived_graph_iris(scheme: Scheme) -> frozenset[str]:
    """The IRIs of the derived graphs of every confidence level."""
    return frozenset(scheme.graph(name) for name in DERIVED_GRAPHS)


def apply(root: Path, scheme: Scheme, store: ox.Store) -> int:
    """Run every rule; return how many new triples went into the derived graphs."""
    targets = [ox.NamedNode(scheme.graph(name)) for _level, name in LEVELS]
    before = sum(_count(store, target) for target in targets)
    premises = _premises_by_level(store, set(targets))
    for path in rule_files(root):
        text = scheme.rebase_text(path.read_text(encoding="utf-8"))
        for index, target in enumerate(targets):
            graphs = premises[index] + targets[: index + 1]
            try:
                result = store.query(text, base_iri=scheme.base, prefixes=PREFIXES,
                                     default_graph=graphs, named_graphs=graphs)
            except SyntaxError as exc:
                raise RuleError(f"{path.relative_to(root)}: {exc}") from exc
            if not isinstance(result, ox.QueryTriples):
                raise RuleError(f"{path.relative_to(root)}: a rule must be a CONSTRUCT query")
            stronger = targets[:index]
            store.extend(
                ox.Quad(t.subject, t.predicate, t.object, target)
                for t in list(result)
                if not any(_holds(store, t, graph) for graph in stronger)
            )
    for index, target in enumerate(targets):
        store.extend(ox.Quad(target, _WAS_DERIVED_FROM, graph, target)
                     for graph in premises[index])
    return sum(_count(store, target) for target in targets) - before


def _premises_by_level(store: ox.Store, derived: set) -> list[list[ox.NamedNode]]:
    """For each level, the source graphs declared at least that certain."""
    rank = {f"{VOCABULARY}{level}": index for index, (level, _name) in enumerate(LEVELS)}
    confidence = ox.NamedNode(f"{VOCABULARY}confidence")
    declared: dict[ox.NamedNode, int] = {}
    for quad in store.quads_for_pattern(None, confidence, None, None):
        level = rank.get(quad.object.value) if isinstance(quad.object, ox.NamedNode) else None
        if level is not None and isinstance(quad.subject, ox.NamedNode):
            declared[quad.subject] = max(declared.get(quad.subject, level), level)
    sources = sorted((g for g in store.named_graphs()
                      if isinstance(g, ox.NamedNode) and g not in derived),
                     key=lambda g: g.value)
    low = len(LEVELS) - 1
    return [[g for g in sources if declared.get(g, low) <= index] for index in range(len(LEVELS))]


def _holds(store: ox.Store, triple: ox.Triple, graph: ox.NamedNode) -> bool:
    return any(True for _ in store.quads_for_pattern(
        triple.subject, triple.predicate, triple.object, graph))


def _count(store: ox.Store, graph: ox.NamedNode) -> int:
    return sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
