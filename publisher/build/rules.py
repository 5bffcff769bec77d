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

Each rule runs inside the store as one SPARQL update per level (``INSERT … USING``, then
``DELETE`` of what a stronger level holds), never a Python object per derived triple. A
level that reads every graph of the store (the last, as a rule) runs instead as a
CONSTRUCT over the store's union of graphs, far cheaper than a dataset listing every
graph, its triples passing through Python once. A level that adds no source graph to the
one before it is skipped, since it could derive nothing new.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from publisher.core.iris import DERIVED_GRAPHS, PREFIXES, VOCABULARY
from publisher.core.scheme import Scheme

# (confidence level, derived graph name), most certain first.
LEVELS: tuple[tuple[str, str], ...] = (
    tuple(zip(("high", "medium", "low"), DERIVED_GRAPHS, strict=True)))
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
    before = len(store)
    premises = _premises_by_level(store, set(targets))
    for path in rule_files(root):
        text = scheme.rebase_text(path.read_text(encoding="utf-8"))
        parts = _split_construct(text)
        for index, target in enumerate(targets):
            if index and premises[index] == premises[index - 1]:
                continue  # no graph of this level: the rule would derive nothing new
            graphs = premises[index] + targets[: index + 1]
            if _covers_every_graph(store, graphs):
                _construct_over_union(store, scheme, root, path, text, targets[:index], target)
                continue
            if parts is not None and _insert(store, scheme, parts, graphs, targets[:index],
                                             target):
                continue
            _construct(store, scheme, root, path, text, graphs, targets[:index], target)
    for index, target in enumerate(targets):
        store.extend(ox.Quad(target, _WAS_DERIVED_FROM, graph, target)
                     for graph in premises[index])
    return len(store) - before


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


def _insert(store: ox.Store, scheme: Scheme, parts: tuple[str, str, str], graphs: list,
            stronger: list, target: ox.NamedNode) -> bool:
    """Run one rule at one level as a SPARQL update, inside the store: what it derives
    goes into the target, then what a stronger level holds is taken out of the target
    again (the stronger graphs are small next to what a level derives, so this costs far
    less than staging every derived triple in a scratch graph).

    The same triples as the CONSTRUCT path, without a Python object per triple (1.2M
    derived triples at 1M source triples). False when the store cannot parse the rule
    as an update; the caller then runs it as a CONSTRUCT, which reports the error.
    """
    prologue, template, where = parts
    if not where.lstrip()[:5].upper() == "WHERE":
        where = "WHERE " + where
    dataset = "".join(f"USING {g} " for g in graphs) + "".join(
        f"USING NAMED {g} " for g in graphs)
    update = f"{prologue}\nINSERT {{ GRAPH {target} {{ {template} }} }}\n{dataset}\n{where}"
    update += "".join(f" ;\n{_without(g, target)}" for g in stronger)
    try:
        store.update(update, base_iri=scheme.base, prefixes=PREFIXES)
    except SyntaxError:
        return False
    return True


def _without(stronger: ox.NamedNode, target: ox.NamedNode) -> str:
    """The update taking out of ``target`` what the ``stronger`` graph holds."""
    return (f"DELETE {{ GRAPH {target} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {stronger} "
            f"{{ ?s ?p ?o }} GRAPH {target} {{ ?s ?p ?o }} }}")


def _covers_every_graph(store: ox.Store, graphs: list) -> bool:
    return set(store.named_graphs()) <= set(graphs)


def _construct_over_union(store: ox.Store, scheme: Scheme, root: Path, path: Path, text: str,
                          stronger: list, target: ox.NamedNode) -> None:
    """Run one rule at a level that reads every graph of the store: over the store's union
    of its graphs (one index scan a pattern) rather than a dataset listing each graph (a
    lookup in every listed graph for each pattern: 3.5 times slower with 54 graphs at 1M
    triples, and the rules of 10M triples in 230 graphs had not ended after 45 minutes).
    The derived triples keep the store's own blank nodes; then what a stronger level
    holds is taken out of the target."""
    try:
        result = store.query(text, base_iri=scheme.base, prefixes=PREFIXES,
                             use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise RuleError(f"{path.relative_to(root)}: {exc}") from exc
    if not isinstance(result, ox.QueryTriples):
        raise RuleError(f"{path.relative_to(root)}: a rule must be a CONSTRUCT query")
    derived = [ox.Quad(t.subject, t.predicate, t.object, target) for t in result]
    store.extend(derived)
    for graph in stronger:
        store.update(_without(graph, target))


def _construct(store: ox.Store, scheme: Scheme, root: Path, path: Path, text: str,
               graphs: list, stronger: list, target: ox.NamedNode) -> None:
    """Run one rule at one level as a CONSTRUCT query, triple by triple in Python."""
    try:
        result = store.query(text, base_iri=scheme.base, prefixes=PREFIXES,
                             default_graph=graphs, named_graphs=graphs)
    except SyntaxError as exc:
        raise RuleError(f"{path.relative_to(root)}: {exc}") from exc
    if not isinstance(result, ox.QueryTriples):
        raise RuleError(f"{path.relative_to(root)}: a rule must be a CONSTRUCT query")
    store.extend(
        ox.Quad(t.subject, t.predicate, t.object, target)
        for t in list(result)
        if not any(_holds(store, t, graph) for graph in stronger)
    )


def _holds(store: ox.Store, triple: ox.Triple, graph: ox.NamedNode) -> bool:
    return any(True for _ in store.quads_for_pattern(
        triple.subject, triple.predicate, triple.object, graph))


# IRIs, strings and comments, which may hold braces or the keyword without meaning them.
_SKIP = re.compile(r'<[^<>"{}|^`\\\s]*>|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*')
_CONSTRUCT = re.compile(r"CONSTRUCT\b", re.IGNORECASE)


def _in_name(text: str, position: int) -> bool:
    return position > 0 and (text[position - 1].isalnum() or text[position - 1] in "_:?$")


def _split_construct(text: str) -> tuple[str, str, str] | None:
    """(prologue, template, the rest) of a ``CONSTRUCT { template } WHERE { … }`` rule, or
    None when the text is not of that form (the CONSTRUCT path then handles it)."""
    position, start = 0, None
    while position < len(text):
        skip = _SKIP.match(text, position)
        if skip:
            position = skip.end()
        elif _CONSTRUCT.match(text, position) and not _in_name(text, position):
            start = position
            position += len("CONSTRUCT")
            break
        else:
            position += 1
    while start is not None and position < len(text) and text[position] != "{":
        if not text[position].isspace():
            return None
        position += 1
    if start is None or position >= len(text):
        return None
    depth, opened = 0, position
    while position < len(text):
        skip = _SKIP.match(text, position)
        if skip:
            position = skip.end()
            continue
        if text[position] == "{":
            depth += 1
        elif text[position] == "}":
            depth -= 1
            if depth == 0:
                return text[:start], text[opened + 1:position], text[position + 1:]
        position += 1
    return None
