"""Materialise the CONSTRUCT rules of sparql/rules/ into their own named graph.

Alignment (schema.org, EURIO, FOAF) and the inverse links pages need are derived from the
canonical facts at build time, so they never drift from them. Rules run in file order,
each over the union of the sources and what earlier rules derived.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from publisher.core.iris import PREFIXES, RULES_GRAPH, graph_iri, rebase_text


class RuleError(ValueError):
    """A rule cannot be parsed or run; the message names the file."""


def rule_files(root: Path) -> list[Path]:
    folder = root / "sparql" / "rules"
    return sorted(folder.glob("*.rq")) if folder.is_dir() else []


def apply(root: Path, base_iri: str, store: ox.Store) -> int:
    """Run every rule; return how many new triples went into the rules graph."""
    target = ox.NamedNode(graph_iri(base_iri, RULES_GRAPH))
    before = _count(store, target)
    for path in rule_files(root):
        text = rebase_text(path.read_text(encoding="utf-8"), base_iri)
        try:
            result = store.query(
                text, base_iri=base_iri, prefixes=PREFIXES, use_default_graph_as_union=True
            )
        except SyntaxError as exc:
            raise RuleError(f"{path.relative_to(root)}: {exc}") from exc
        if not isinstance(result, ox.QueryTriples):
            raise RuleError(f"{path.relative_to(root)}: a rule must be a CONSTRUCT query")
        store.extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in list(result))
    return _count(store, target) - before


def _count(store: ox.Store, graph: ox.NamedNode) -> int:
    return sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
