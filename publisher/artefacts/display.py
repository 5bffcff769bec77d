"""The display profile: how pages order, group and name properties, compiled at build time.

The build step :func:`write` reads the SHACL shapes (``sh:targetClass``, ``sh:property`` with
``sh:path``, ``sh:name``, ``sh:description``, ``sh:order``, ``sh:group``), the ontology's
labels, the provenance of the named graphs and the entity counts per IRI type into
``display.json``. The web layer loads that file through :class:`Display` and never parses
shapes per request.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import NotRequired, Required, TypedDict, cast

import pyoxigraph as ox

from publisher.artefacts.queries import Queries
from publisher.core.iris import DERIVED_GRAPHS, ONTOLOGY_GRAPH
from publisher.core.scheme import Scheme

SH = "http://www.w3.org/ns/shacl#"
OTHER_GROUP = ""

# {language tag, "" for none: text}
Texts = dict[str, str]


class GroupEntry(TypedDict):
    """A property group (sh:PropertyGroup): its labels and place on the page."""

    labels: Texts
    order: float


class PropertyEntry(TypedDict):
    """How the shapes of a class show one property."""

    names: Texts
    descriptions: Texts
    order: float
    group: str


class ClassEntry(TypedDict):
    """The shapes that describe a class and the properties they lay out."""

    shapes: list[str]
    properties: dict[str, PropertyEntry]


# One cardinality or value constraint of a shape on a path, for the class it targets.
Constraint = TypedDict("Constraint", {
    "class": Required[str], "minCount": int, "maxCount": int, "datatype": str, "range": str,
}, total=False)


class TermEntry(TypedDict):
    """The ontology's labels and comments (or definitions) of one term."""

    labels: Texts
    comments: Texts


class GraphEntry(TypedDict):
    """A named graph: its labels, its sources and how far its facts can be trusted."""

    labels: Texts
    sources: list[str]
    confidence: NotRequired[str]


class TypeSegment(TypedDict):
    """The entities under one /id/{type}/ segment: how many, and their classes."""

    count: int
    classes: list[str]


class Profile(TypedDict, total=False):
    """``display.json``; every key is written by a build, a missing file reads as ``{}``."""

    derived_predicates: list[str]
    groups: dict[str, GroupEntry]
    classes: dict[str, ClassEntry]
    constraints: dict[str, list[Constraint]]
    terms: dict[str, TermEntry]
    graphs: dict[str, GraphEntry]
    types: dict[str, TypeSegment]
    main_project: str | None


def _lang_put(table: dict, term) -> None:
    if isinstance(term, ox.Literal):
        table.setdefault(term.language or "", term.value)


def compile_profile(queries: Queries, shapes: ox.Store, data: ox.Store, scheme: Scheme,
                    typed: Iterable[tuple[str, str]] | None = None) -> Profile:
    """The display profile as a JSON-ready dict (``typed``: every (IRI, class) of the
    data, when the build's pass has them; otherwise the store is asked)."""
    groups: dict[str, GroupEntry] = {}
    for row in queries.run(shapes, "build", "display-groups", union=False):
        entry = groups.setdefault(row["group"].value, {"labels": {}, "order": 1000.0})
        if row["label"] is not None:
            _lang_put(entry["labels"], row["label"])
        if row["order"] is not None:
            entry["order"] = float(row["order"].value)

    classes: dict[str, ClassEntry] = defaultdict(lambda: {"shapes": [], "properties": {}})
    constraints: dict[str, list[Constraint]] = defaultdict(list)
    shape_classes = node_shape_classes(queries, shapes, data)
    for row in queries.run(shapes, "build", "display-shapes", union=False):
        shape, path = row["shape"].value, row["path"].value
        if row["class"] is not None:
            targets = [row["class"].value]
        else:
            targets = shape_classes.get(shape, [])
        for cls in targets:
            _add_property(classes[cls], shape, row)
            constraint: Constraint = {"class": cls}
            if row["min"] is not None:
                constraint["minCount"] = int(row["min"].value)
            if row["max"] is not None:
                constraint["maxCount"] = int(row["max"].value)
            if row["datatype"] is not None:
                constraint["datatype"] = row["datatype"].value
            if row["range"] is not None:
                constraint["range"] = row["range"].value
            if constraint not in constraints[path]:
                constraints[path].append(constraint)

    terms: dict[str, TermEntry] = defaultdict(lambda: {"labels": {}, "comments": {}})
    ontology = ox.NamedNode(scheme.graph(ONTOLOGY_GRAPH))
    for row in queries.run(data, "build", "ontology-texts", default_graph=[ontology]):
        term = terms[row["term"].value]
        comment = row["p"].value.endswith(("comment", "definition"))
        _lang_put(term["comments"] if comment else term["labels"], row["text"])

    sources: dict[str, GraphEntry] = {}
    for row in queries.run(data, "build", "display-graphs"):
        graph_entry = sources.setdefault(row["g"].value, {"labels": {}, "sources": []})
        if row["label"] is not None:
            _lang_put(graph_entry["labels"], row["label"])
        if row["source"] is not None and row["source"].value not in graph_entry["sources"]:
            graph_entry["sources"].append(row["source"].value)

    for graph, level in graph_confidence(data, scheme).items():
        if graph in sources:
            sources[graph]["confidence"] = level
    for graph_entry in sources.values():  # in IRI order: every build links the same first source
        graph_entry["sources"].sort()
    return {
        "derived_predicates": derived_predicates(queries, data, scheme),
        "groups": groups,
        "classes": dict(classes),
        "constraints": dict(constraints),
        "terms": dict(terms),
        "graphs": sources,
        "types": type_segments(typed if typed is not None else _typed(queries, data), scheme),
        "main_project": main_project(queries, data, scheme),
    }


def main_project(queries: Queries, data: ox.Store, scheme: Scheme) -> str | None:
    """The dataset's own project (the collaboration with the most memberships in the
    source graphs), chosen once here so no page aggregates the whole graph to find it."""
    derived = {scheme.graph(name) for name in DERIVED_GRAPHS}
    sources = [g for g in data.named_graphs()
               if isinstance(g, ox.NamedNode) and g.value not in derived]
    if not sources:
        return None
    rows = list(queries.run(data, "build", "main-project", values=("g", sources)))
    return rows[0]["project"].value if rows else None


def _typed(queries: Queries, data: ox.Store) -> Iterable[tuple[str, str]]:
    return ((row["s"].value, row["c"].value)
            for row in queries.run(data, "build", "typed-subjects"))


def _add_property(entry: ClassEntry, shape: str, row) -> None:
    """One sh:property row of a shape into the profile of a class it describes."""
    if shape not in entry["shapes"] and isinstance(row["shape"], ox.NamedNode):
        entry["shapes"].append(shape)
    prop = entry["properties"].setdefault(row["path"].value, {
        "names": {}, "descriptions": {}, "order": 1000.0,
        "group": row["group"].value if row["group"] is not None else OTHER_GROUP,
    })
    if row["name"] is not None:
        _lang_put(prop["names"], row["name"])
    if row["description"] is not None:
        _lang_put(prop["descriptions"], row["description"])
    if row["order"] is not None:
        prop["order"] = min(prop["order"], float(row["order"].value))


def node_shape_classes(queries: Queries, shapes: ox.Store, data: ox.Store) -> dict[str, list[str]]:
    """{node shape: classes it describes} for shapes without sh:targetClass: the classes
    of the values of the paths that point to them with sh:node (e.g. the identifier shape
    describes adms:Identifier, the class of every adms:identifier value)."""
    found: dict[str, list[str]] = defaultdict(list)
    for row in queries.run(shapes, "build", "display-node-shapes", union=False):
        for hit in queries.run(data, "build", "value-classes", path=row["path"]):
            if hit["c"].value not in found[row["shape"].value]:
                found[row["shape"].value].append(hit["c"].value)
    return dict(found)


def graph_confidence(data: ox.Store, scheme: Scheme) -> dict[str, str]:
    """{named graph: 'high' | 'medium' | 'low'} from each graph's cc:confidence."""
    levels = {scheme.term(level): level for level in ("high", "medium", "low")}
    confidence = ox.NamedNode(scheme.term("confidence"))
    found: dict[str, str] = {}
    for quad in data.quads_for_pattern(None, confidence, None, None):
        level = levels.get(quad.object.value) if isinstance(quad.object, ox.NamedNode) else None
        if level and isinstance(quad.subject, ox.NamedNode):
            found.setdefault(quad.subject.value, level)
    return found


def derived_predicates(queries: Queries, data: ox.Store, scheme: Scheme) -> list[str]:
    """Predicates used only in the derived graphs (alignment and inverse links)."""
    derived = {scheme.graph(name) for name in DERIVED_GRAPHS}
    graphs: dict[str, set] = defaultdict(set)
    for row in queries.run(data, "build", "graph-predicates", union=False):
        graphs[row["p"].value].add(row["g"].value)
    return sorted(p for p, found in graphs.items() if found <= derived)


def type_segments(typed: Iterable[tuple[str, str]], scheme: Scheme) -> dict[str, TypeSegment]:
    """Per /id/{type}/ segment: entity count and its classes, most frequent first, from
    every distinct (IRI, class) of the data."""
    entities: dict[str, set] = defaultdict(set)
    classes: dict[str, Counter] = defaultdict(Counter)
    for iri, cls in typed:
        split = scheme.split_entity(iri)
        if split is None:
            continue
        entities[split[0]].add(iri)
        classes[split[0]][cls] += 1
    return {
        kind: {
            "count": len(entities[kind]),
            "classes": [c for c, _n in sorted(classes[kind].items(), key=lambda i: (-i[1], i[0]))],
        }
        for kind in sorted(entities)
    }


def write(context, typed: Iterable[tuple[str, str]] | None = None) -> None:
    """Build step: write display.json into the generation being built (``typed``: every
    (IRI, class), from the build's one pass when it made it)."""
    shapes = ox.Store()
    shapes.extend(context.shapes)
    profile = compile_profile(Queries(context.work), shapes, context.store, context.scheme,
                              typed)
    context.work.display_path.write_text(
        json.dumps(profile, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    context.manifest["types"] = {kind: entry["count"] for kind, entry in profile["types"].items()}


class Display:
    """Read access to a compiled display profile."""

    def __init__(self, profile: Profile):
        self.profile = profile
        self.groups = profile.get("groups", {})
        self.classes = profile.get("classes", {})
        self.terms = profile.get("terms", {})
        self.graphs = profile.get("graphs", {})
        self.types = profile.get("types", {})
        self.main_project = profile.get("main_project")
        self.constraints = profile.get("constraints", {})
        self.derived_predicates = frozenset(profile.get("derived_predicates", ()))
        self._order: dict[str, float] = {}
        for entry in self.classes.values():
            for path, prop in entry["properties"].items():
                self._order[path] = min(self._order.get(path, 1e9), prop["order"])

    @classmethod
    def load(cls, path: Path) -> Display:
        return _load(Path(path), Path(path).stat().st_mtime_ns if Path(path).exists() else 0)

    def property_order(self, predicate: str) -> tuple:
        return (self._order.get(predicate, 1e9), predicate)

    def shaped(self, types: list[str]) -> list[ClassEntry]:
        return [self.classes[t] for t in types if t in self.classes]

    def property_names(self, predicate: str, types: list[str]) -> dict[str, str]:
        """{lang: name}: sh:name from the shapes of the node's own classes, else the
        property's ontology label; never a name another class's shape gives it."""
        for entry in self.shaped(types):
            prop = entry["properties"].get(predicate)
            if prop and prop["names"]:
                return prop["names"]
        return self.term_labels(predicate)

    def term_labels(self, iri: str) -> Texts:
        """{lang: label} of an ontology term ({} for a term it does not know)."""
        term = self.terms.get(iri)
        return term["labels"] if term else {}

    def term_comments(self, iri: str) -> Texts:
        """{lang: comment or definition} of an ontology term."""
        term = self.terms.get(iri)
        return term["comments"] if term else {}

    def type_classes(self, kind: str) -> list[str]:
        """The classes of the entities under an /id/{kind}/ segment, most frequent first."""
        segment = self.types.get(kind)
        return segment["classes"] if segment else []

    def class_properties(self, iri: str) -> list[str]:
        """The paths the shapes of a class lay out."""
        entry = self.classes.get(iri)
        return list(entry["properties"]) if entry else []

    def confidence(self, graph: str) -> str | None:
        """'high', 'medium' or 'low': how far the facts of a named graph can be trusted."""
        entry = self.graphs.get(graph)
        return entry.get("confidence") if entry else None

    def single_valued(self, predicate: str, types: list[str]) -> bool:
        """Whether a shape of these types allows at most one value of predicate."""
        targets = set(types)
        return any(
            c.get("maxCount") == 1 and c["class"] in targets
            for c in self.constraints.get(predicate, [])
        )

    def property_description(self, predicate: str, types: list[str]) -> dict[str, str]:
        for entry in self.shaped(types):
            prop = entry["properties"].get(predicate)
            if prop and prop["descriptions"]:
                return prop["descriptions"]
        return self.term_comments(predicate)

    def layout(self, types: list[str], predicates: list[str]):
        """[(group key, group labels, predicates in order)] for an entity's properties."""
        placed: dict[str, tuple[float, str]] = {}
        for entry in self.shaped(types):
            for path, prop in entry["properties"].items():
                if path in predicates and path not in placed:
                    placed[path] = (prop["order"], prop["group"])
        by_group: dict[str, list[str]] = defaultdict(list)
        for predicate in predicates:
            order_group = placed.get(predicate)
            group = order_group[1] if order_group else OTHER_GROUP
            by_group[group].append(predicate)
        for members in by_group.values():
            members.sort(key=lambda p: (placed.get(p, (1e9,))[0], self.property_order(p), p))
        def group_order(key: str) -> float:
            group = self.groups.get(key)
            return group["order"] if group else 1000.0

        def group_labels(key: str) -> Texts:
            group = self.groups.get(key)
            return group["labels"] if group else {}

        keys = sorted(by_group, key=lambda g: (g == OTHER_GROUP, group_order(g), g))
        return [(key, group_labels(key), by_group[key]) for key in keys]


@cache
def _load(path: Path, _mtime: int) -> Display:
    try:
        return Display(cast(Profile, json.loads(path.read_text(encoding="utf-8"))))
    except FileNotFoundError:
        return Display({})
