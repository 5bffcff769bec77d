"""One description of an entity, computed once and rendered by every format.

A :class:`Description` holds the IRI, types, labels by language, outgoing statements with
the named graphs (sources) that state them, structured values nested inline (periods,
addresses, amounts, sites), labels of every linked IRI, and incoming links counted per
predicate with one page of them. HTML, the ``.json`` twin and the RDF documents all render
this structure, so they never disagree. Every query is a view of ``sparql/views`` filled
with typed terms.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import islice

import pyoxigraph as ox

from publisher.artefacts.display import Display
from publisher.core.labels import LABEL_PREDICATES, LABEL_RANK, best_labels
from publisher.core.sparql import with_values
from publisher.store.base import QueryStore

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# Label predicates, best first: a page shows the first one found in the chosen language.
# How many values a single property may show before the rest are counted, not listed.
VALUES_CAP = 500


@dataclass
class Value:
    """One object of a statement: a link, a literal, or a structured value shown inline."""

    kind: str  # "iri" | "literal" | "node"
    value: str = ""
    lang: str | None = None
    datatype: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    properties: list[Property] = field(default_factory=list)

    def sort_key(self):
        return (self.kind != "literal", self.lang or "", self.value)


@dataclass
class Property:
    predicate: str
    values: list[Value] = field(default_factory=list)
    truncated: int = 0
    single: bool = False  # the shapes allow one value (sh:maxCount 1)

    @property
    def sources(self) -> set[str]:
        return {source for value in self.values for source in value.sources}

    @property
    def disputed(self) -> bool:
        """Values that compete (figures, dates, structured values, or more than the shapes
        allow), stated by different sources: shown side by side, each with its source."""
        if len(self.values) < 2 or len({tuple(v.sources) for v in self.values}) < 2:
            return False
        return self.single or all(
            v.kind == "node" or v.properties or (v.kind == "literal" and not v.lang)
            for v in self.values
        )


@dataclass
class Group:
    key: str
    labels: dict[str, str]
    properties: list[Property]


@dataclass
class Incoming:
    predicate: str
    count: int
    items: list[Value]
    offset: int = 0

    @property
    def next_offset(self) -> int | None:
        end = self.offset + len(self.items)
        return end if end < self.count else None


@dataclass
class Description:
    iri: str
    labels: dict[str, str]
    types: list[Value]
    groups: list[Group]
    incoming: list[Incoming]
    graphs: list[str]
    triples: list[ox.Triple]

    @property
    def properties(self) -> list[Property]:
        return [prop for group in self.groups for prop in group.properties]

    def find(self, predicate: str) -> Property | None:
        for prop in self.properties:
            if prop.predicate == predicate:
                return prop
        return None

    @property
    def type_iris(self) -> list[str]:
        return [t.value for t in self.types]


class Describer:
    """Builds descriptions from one store, with the build's display profile."""

    def __init__(self, store: QueryStore, display: Display, page_size: int = 50,
                 derived_graphs: frozenset[str] = frozenset(), incoming_counts=None):
        self.store = store
        # Incoming-link counts materialised at build time (publisher.incoming_counts); without
        # them, or for an IRI they do not cover, the store counts per request.
        self.incoming_counts = incoming_counts
        self.display = display
        self.page_size = page_size
        # Graphs of statements derived at build time (alignment, inverses): they go into the
        # RDF documents, but pages show the stated facts only.
        self.derived_graphs = derived_graphs

    def _view(self, name: str) -> str:
        return self.store.view(name)

    def labels_of(self, iris) -> dict[str, dict[str, str]]:
        """{iri: {language: label}} for the given IRIs (one query)."""
        nodes = sorted(set(iris))
        result: dict[str, dict[str, str]] = {}
        for start in range(0, len(nodes), 500):
            chunk = [ox.NamedNode(iri) for iri in nodes[start:start + 500]]
            rows: dict[str, list] = defaultdict(list)
            query = with_values(self._view("labels"), "o", chunk)
            for solution in self.store.query(query):
                label = solution["label"]
                if isinstance(label, ox.Literal):
                    rows[solution["o"].value].append((solution["lp"].value, label))
            for iri, pairs in rows.items():
                result[iri] = best_labels(pairs)
        return result

    def exists(self, iri: str) -> bool:
        node = ox.NamedNode(iri)
        return self.store.ask(self._view("entity-exists"), s=node)

    def describe(self, iri: str, incoming_predicate: str | None = None,
                 incoming_offset: int = 0) -> Description | None:
        """The description of iri, or None when the store says nothing about it."""
        subject = ox.NamedNode(iri)
        triples: dict[tuple, ox.Triple] = {}
        outgoing: dict[str, dict[tuple, Value]] = defaultdict(dict)
        types: list[str] = []
        own_labels = []
        graphs: set[str] = set()
        for row in self.store.select(self._view("entity-outgoing"), s=subject):
            p, o, g = row["p"], row["o"], row["g"]
            assert isinstance(p, ox.NamedNode)  # a predicate is an IRI
            triples.setdefault((p, o), ox.Triple(subject, p, o))
            graphs.add(g.value)
            if p.value == RDF_TYPE:
                if o.value not in types:
                    types.append(o.value)
                continue
            if p.value in LABEL_RANK and isinstance(o, ox.Literal):
                own_labels.append((p.value, o))
            if g.value in self.derived_graphs:
                continue
            key = _term_key(o)
            value = outgoing[p.value].get(key)
            if value is None:
                value = outgoing[p.value][key] = _value(o)
            if g.value not in value.sources:
                value.sources.append(g.value)

        incoming_counts = [
            (predicate, n) for predicate, n in self.count_incoming(subject)
            if predicate not in self.display.derived_predicates
        ]
        if not triples and not incoming_counts:
            return None

        nested_triples = self._nested(subject, outgoing, triples)
        incoming = self._incoming(subject, incoming_counts, incoming_predicate, incoming_offset)

        linked = set(types)
        for value in _walk(outgoing):
            if value.kind == "iri":
                linked.add(value.value)
            linked.update(value.types)
        linked.update(item.value for block in incoming for item in block.items)
        labels = self.labels_of(linked)
        for value in _walk(outgoing):
            if value.kind == "iri":
                value.labels = labels.get(value.value, {})
        for block in incoming:
            for item in block.items:
                item.labels = labels.get(item.value, {})
            block.items.sort(key=lambda item: (_sortable(item.labels), item.value))

        rdf = list(triples.values()) + nested_triples
        for link, by_lang in labels.items():
            for lang, text in by_lang.items():
                literal = ox.Literal(text, language=lang) if lang else ox.Literal(text)
                rdf.append(ox.Triple(ox.NamedNode(link), ox.NamedNode(LABEL_PREDICATES[1]),
                                     literal))
        for block in incoming:
            for item in block.items:
                rdf.append(ox.Triple(ox.NamedNode(item.value), ox.NamedNode(block.predicate),
                                     subject))

        type_values = [Value("iri", t, labels=labels.get(t, {})) for t in types]
        return Description(
            iri=iri,
            labels=best_labels(own_labels),
            types=type_values,
            groups=self._group(types, outgoing),
            incoming=incoming,
            graphs=sorted(graphs),
            triples=rdf,
        )

    def count_incoming(self, subject: ox.NamedNode) -> list[tuple[str, int]]:
        """[(predicate, number of entities linking to subject through it)]."""
        counts = self.incoming_counts
        if counts is not None and counts.covers(subject.value):
            return counts.counts(subject.value)
        return [
            (row["p"].value, int(row["n"].value))
            for row in self.store.select(self._view("incoming-counts"), o=subject)
        ]

    def _nested(self, subject, outgoing, triples) -> list[ox.Triple]:
        """Attach the structured values' own statements; return their triples."""
        nodes: dict[str, dict[str, dict[tuple, Value]]] = defaultdict(lambda: defaultdict(dict))
        node_types: dict[str, list[str]] = defaultdict(list)
        nested: dict[tuple[str, str, str], ox.Triple] = {}
        for row in self.store.select(self._view("entity-nested"), s=subject):
            x, p, o, g = row["x"], row["p"], row["o"], row["g"]
            assert isinstance(x, ox.NamedNode | ox.BlankNode)  # a subject, never a literal
            assert isinstance(p, ox.NamedNode)  # a predicate is an IRI
            nested.setdefault((str(x), str(p), str(o)), ox.Triple(x, p, o))
            if g.value in self.derived_graphs:
                continue
            if p.value == RDF_TYPE:
                if o.value not in node_types[_node_key(x)]:
                    node_types[_node_key(x)].append(o.value)
                continue
            if isinstance(x, ox.NamedNode) and p.value in LABEL_RANK:
                continue
            value = nodes[_node_key(x)][p.value].setdefault(_term_key(o), _value(o))
            if g.value not in value.sources:
                value.sources.append(g.value)

        def expand(value: Value, depth: int) -> None:
            key = value.value
            if depth > 3 or (key not in nodes and key not in node_types):
                return
            value.types = node_types.get(key, [])
            value.properties = []
            for predicate, by_term in nodes.get(key, {}).items():
                children = sorted(by_term.values(), key=Value.sort_key)
                for child in children:
                    if child.kind != "literal":
                        expand(child, depth + 1)
                value.properties.append(Property(predicate, children))
            value.properties.sort(key=lambda prop: self.display.property_order(prop.predicate))

        for values in outgoing.values():
            for value in values.values():
                if value.kind != "literal":
                    expand(value, 1)
        return list(nested.values())

    def _incoming(self, subject, counts, predicate, offset) -> list[Incoming]:
        blocks = []
        for p, n in sorted(counts, key=lambda pair: (-pair[1], pair[0])):
            start = offset if p == predicate else 0
            rows = self.store.query(
                self._view("incoming-page"),
                substitutions={"o": subject, "p": ox.NamedNode(p)},
            )
            items = [
                Value("iri", iri)
                for iri in islice(_unique(row["s"].value for row in rows),
                                  start, start + self.page_size)
            ]
            blocks.append(Incoming(p, n, items, start))
        return blocks

    def _group(self, types: list[str], outgoing) -> list[Group]:
        properties = {}
        for predicate, values in outgoing.items():
            ordered = sorted(values.values(), key=Value.sort_key)
            properties[predicate] = Property(
                predicate, ordered[:VALUES_CAP], max(0, len(ordered) - VALUES_CAP),
                single=self.display.single_valued(predicate, types),
            )
        groups = []
        for key, labels, predicates in self.display.layout(types, list(properties)):
            chosen = [properties[p] for p in predicates if p in properties]
            if chosen:
                groups.append(Group(key, labels, chosen))
        return groups


def _value(term) -> Value:
    if isinstance(term, ox.NamedNode):
        return Value("iri", term.value)
    if isinstance(term, ox.BlankNode):
        return Value("node", str(term))
    datatype = term.datatype.value
    if datatype in (XSD_STRING, RDF_LANG_STRING):
        datatype = None
    return Value("literal", term.value, lang=term.language, datatype=datatype)


def _node_key(term) -> str:
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def _term_key(term) -> tuple:
    return (type(term).__name__, str(term))


def _walk(outgoing):
    stack = [value for values in outgoing.values() for value in values.values()]
    while stack:
        value = stack.pop()
        yield value
        for prop in value.properties:
            stack.extend(prop.values)


def _unique(iterable):
    seen = set()
    for item in iterable:
        if item not in seen:
            seen.add(item)
            yield item


def _sortable(labels: dict[str, str]) -> str:
    for lang in ("en", "cs", ""):
        if lang in labels:
            return labels[lang].casefold()
    return next(iter(labels.values()), "").casefold()
