"""SHACL-core validation as SPARQL over the loaded store, for graphs too big for pyshacl.

pyshacl copies the data into rdflib and walks it node by node: fine for the curated
graph, far too slow and memory hungry at a million triples. Here each constraint of the
shapes becomes one SPARQL query over the store (its union default graph) that returns the
violating focus node and value; Oxigraph answers them from its indexes.

Only the part of SHACL-core the project's shapes use is translated (targets: class,
implicit class, node, subjects-of, objects-of; paths: predicate, inverse, sequence,
alternative, zero-or-more/one-or-more/zero-or-one; constraints: minCount, maxCount,
datatype, class, nodeKind, in, hasValue, pattern, languageIn, uniqueLang, min/max
inclusive/exclusive, min/max length, node). :func:`unsupported` names anything else so
the caller can fall back to pyshacl. The results are those pyshacl reports, checked
equal on the project's shapes and broken fixtures by the tests.
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from publisher.build.report import Report, Result, path_text, shape_text, to_rdflib
from publisher.build.sources import files_by_subject
from publisher.core.sparql import values_block

MAX_NESTING = 8

_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
_VALUE_CONSTRAINTS = (
    SH.datatype, SH["class"], SH.nodeKind, SH["in"], SH.hasValue, SH.pattern,
    SH.languageIn, SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive,
    SH.minLength, SH.maxLength, SH.node,
)
_PROPERTY_ONLY = (SH.minCount, SH.maxCount, SH.uniqueLang)
_SHAPE_TERMS = {
    SH.path, SH.property, SH.severity, SH.message, SH.name, SH.description, SH.order,
    SH.group, SH.deactivated, SH.defaultValue, SH.flags, RDF.type, RDFS.label,
    RDFS.comment, *_TARGETS, *_VALUE_CONSTRAINTS, *_PROPERTY_ONLY,
}
_IGNORED_NAMESPACES = (str(RDFS), "http://www.w3.org/2004/02/skos/core#",
                       "http://purl.org/dc/terms/", "http://www.w3.org/2002/07/owl#")

# xsd datatypes whose well-formedness Oxigraph checks by a cast of the lexical form.
_CASTABLE = {
    "string", "boolean", "integer", "decimal", "float", "double", "date", "dateTime",
    "time", "duration", "gYear", "gYearMonth", "gMonth", "gMonthDay", "gDay",
    "yearMonthDuration", "dayTimeDuration",
}
_XSD = "http://www.w3.org/2001/XMLSchema#"
_NODE_KINDS = {
    SH.IRI: "isIRI(?value)",
    SH.BlankNode: "isBlank(?value)",
    SH.Literal: "isLiteral(?value)",
    SH.BlankNodeOrIRI: "(isBlank(?value) || isIRI(?value))",
    SH.BlankNodeOrLiteral: "(isBlank(?value) || isLiteral(?value))",
    SH.IRIOrLiteral: "(isIRI(?value) || isLiteral(?value))",
}
_COMPARISONS = {SH.minInclusive: ">=", SH.maxInclusive: "<=",
                SH.minExclusive: ">", SH.maxExclusive: "<"}


class UnsupportedShapes(ValueError):
    """The shapes use SHACL features this validator does not translate."""


def _term(term):
    """A shapes-graph constant as a typed pyoxigraph term."""
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise UnsupportedShapes(f"a blank node cannot be a constant in a constraint: {term}")


def _nt(term) -> str:
    """A shapes-graph term as SPARQL text (N-Triples syntax, which SPARQL accepts)."""
    return str(_term(term))


def _list(shapes: rdflib.Graph, head) -> list:
    return list(Collection(shapes, head))


def _int(value: rdflib.term.Node) -> int:
    """An integer parameter of a shape (sh:minCount, sh:maxLength, …)."""
    if not isinstance(value, rdflib.Literal):
        raise UnsupportedShapes(f"not an integer: {value}")
    return int(value)


def _path(shapes: rdflib.Graph, node) -> str:
    """A SHACL path as a SPARQL property path."""
    if isinstance(node, rdflib.URIRef):
        return _nt(node)
    if (node, RDF.first, None) in shapes:
        return "(" + "/".join(_path(shapes, p) for p in _list(shapes, node)) + ")"
    for predicate, template in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"),
                                (SH.oneOrMorePath, "{}+"), (SH.zeroOrOnePath, "{}?")):
        inner = shapes.value(node, predicate)
        if inner is not None:
            return "(" + template.format(_path(shapes, inner)) + ")"
    alternatives = shapes.value(node, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path(shapes, p) for p in _list(shapes, alternatives)) + ")"
    raise UnsupportedShapes(f"unsupported path {node}")


@dataclass
class Check:
    """One constraint of one shape: the SPARQL condition its value nodes must meet."""

    shape: object
    component: str
    severity: str
    message: str
    path: object | None
    kind: str
    argument: object = None
    nested: list = field(default_factory=list)


class Shapes:
    """The shapes graph, read once into the checks each focus node must pass."""

    def __init__(self, shapes: rdflib.Graph):
        self.graph = shapes
        self.unsupported = sorted(self._unsupported())

    def _unsupported(self) -> set[str]:
        found = set()
        shape_nodes = set(self.graph.subjects(RDF.type, SH.NodeShape))
        shape_nodes |= set(self.graph.subjects(RDF.type, SH.PropertyShape))
        shape_nodes |= set(self.graph.objects(None, SH.property))
        shape_nodes |= set(self.graph.objects(None, SH.node))
        for target in _TARGETS:
            shape_nodes |= set(self.graph.subjects(target, None))
        for shape in shape_nodes:
            for predicate in self.graph.predicates(shape, None):
                if predicate in _SHAPE_TERMS or str(predicate).startswith(_IGNORED_NAMESPACES):
                    continue
                if str(predicate).startswith(str(SH)) or predicate == SH.targetClass:
                    found.add(self.graph.qname(str(predicate)))
        return found

    def node_shapes(self) -> list:
        """Shapes with targets, in a stable order."""
        shapes = set()
        for target in _TARGETS:
            shapes |= set(self.graph.subjects(target, None))
        for shape in self.graph.subjects(RDF.type, SH.NodeShape):
            if (shape, RDF.type, RDFS.Class) in self.graph:
                shapes.add(shape)
        return sorted(shapes, key=str)

    def _severity(self, shape) -> str:
        severity = self.graph.value(shape, SH.severity)
        return str(severity).rsplit("#", 1)[-1] if severity is not None else "Violation"

    def _message(self, shape) -> str:
        messages = list(self.graph.objects(shape, SH.message))
        english = [m for m in messages if getattr(m, "language", None) in (None, "en")]
        chosen = english or messages
        return "; ".join(str(m) for m in chosen)

    def checks(self, shape, depth: int = 0) -> list[Check]:
        """Every check of a shape: its own constraints and its property shapes'."""
        if depth > MAX_NESTING:
            raise UnsupportedShapes(f"sh:node nested deeper than {MAX_NESTING} at {shape}")
        if self.graph.value(shape, SH.deactivated) == rdflib.Literal(True):
            return []
        checks = self._own_checks(shape, None, depth)
        for prop in sorted(self.graph.objects(shape, SH.property), key=str):
            if self.graph.value(prop, SH.deactivated) == rdflib.Literal(True):
                continue
            path = self.graph.value(prop, SH.path)
            if path is None:
                raise UnsupportedShapes(f"property shape without sh:path: {prop}")
            checks.extend(self._own_checks(prop, path, depth))
        return checks

    def _own_checks(self, shape, path, depth: int) -> list[Check]:
        g = self.graph
        severity, message = self._severity(shape), self._message(shape)
        out = []

        def add(component, kind, argument=None, nested=None):
            out.append(Check(shape, component, severity, message, path, kind, argument,
                             nested or []))

        for value in g.objects(shape, SH.minCount):
            if _int(value) > 0:
                add("MinCountConstraintComponent", "minCount", _int(value))
        for value in g.objects(shape, SH.maxCount):
            add("MaxCountConstraintComponent", "maxCount", _int(value))
        if g.value(shape, SH.uniqueLang) == rdflib.Literal(True):
            add("UniqueLangConstraintComponent", "uniqueLang")
        for value in g.objects(shape, SH.datatype):
            add("DatatypeConstraintComponent", "datatype", value)
        for value in g.objects(shape, SH["class"]):
            add("ClassConstraintComponent", "class", value)
        for value in g.objects(shape, SH.nodeKind):
            add("NodeKindConstraintComponent", "nodeKind", value)
        for value in g.objects(shape, SH["in"]):
            add("InConstraintComponent", "in", _list(g, value))
        for value in g.objects(shape, SH.hasValue):
            add("HasValueConstraintComponent", "hasValue", value)
        for value in g.objects(shape, SH.pattern):
            flags = g.value(shape, SH.flags)
            add("PatternConstraintComponent", "pattern", (value, flags))
        for value in g.objects(shape, SH.languageIn):
            add("LanguageInConstraintComponent", "languageIn", _list(g, value))
        for predicate, comparison in _COMPARISONS.items():
            for value in g.objects(shape, predicate):
                name = predicate.rsplit("#", 1)[-1]
                component = name[0].upper() + name[1:] + "ConstraintComponent"
                add(component, "compare", (comparison, value))
        for predicate, comparison in ((SH.minLength, "<"), (SH.maxLength, ">")):
            for value in g.objects(shape, predicate):
                name = predicate.rsplit("#", 1)[-1]
                component = name[0].upper() + name[1:] + "ConstraintComponent"
                add(component, "length", (comparison, _int(value)))
        for value in g.objects(shape, SH.node):
            add("NodeConstraintComponent", "node", value, self.checks(value, depth + 1))
        return out


class Validator:
    """Runs the checks of the shapes as SPARQL over one store."""

    def __init__(self, store: ox.Store, shapes: Shapes):
        self.store = store
        self.shapes = shapes
        self._subclasses = self._subclass_closure()
        self._planned: list[str] | None = None
        self._answers: dict[str, list] | None = None

    def _subclass_closure(self) -> dict[str, set[str]]:
        below: dict[str, set[str]] = defaultdict(set)
        rows = self.store.query(
            "SELECT DISTINCT ?sub ?super WHERE { ?sub "
            "<http://www.w3.org/2000/01/rdf-schema#subClassOf> ?super }",
            use_default_graph_as_union=True,
        )
        assert isinstance(rows, ox.QuerySolutions)  # a SELECT
        for row in rows:
            if isinstance(row["sub"], ox.NamedNode) and isinstance(row["super"], ox.NamedNode):
                below[row["super"].value].add(row["sub"].value)
        closure: dict[str, set[str]] = {}

        def down(cls: str) -> set[str]:
            if cls not in closure:
                closure[cls] = {cls}
                for sub in below.get(cls, ()):
                    closure[cls] |= down(sub)
            return closure[cls]

        for cls in list(below):
            down(cls)
        return closure

    def _classes(self, cls) -> list[ox.NamedNode]:
        members = sorted(self._subclasses.get(str(cls), {str(cls)}))
        return [ox.NamedNode(c) for c in members]

    def _targets(self, shape, var: str) -> str:
        g = self.shapes.graph
        branches = []
        classes = list(g.objects(shape, SH.targetClass))
        if (shape, RDF.type, RDFS.Class) in g:
            classes.append(shape)
        for n, cls in enumerate(classes):
            branches.append(values_block(f"tc{n}", self._classes(cls)) + f"{var} a ?tc{n} .")
        nodes = list(g.objects(shape, SH.targetNode))
        if nodes:
            branches.append(values_block(var.lstrip("?"), [_term(n) for n in nodes]))
        for n, p in enumerate(g.objects(shape, SH.targetSubjectsOf)):
            branches.append(f"{var} {_nt(p)} ?ts{n} .")
        for n, p in enumerate(g.objects(shape, SH.targetObjectsOf)):
            branches.append(f"?to{n} {_nt(p)} {var} .")
        return " UNION ".join(f"{{ {b} }}" for b in branches)

    def _condition(self, check: Check) -> str:
        """A SPARQL expression true when ?value violates the check."""
        kind, arg = check.kind, check.argument
        if kind == "datatype":
            datatype = str(arg)
            ok = f"(isLiteral(?value) && DATATYPE(?value) = {_nt(arg)})"
            local = datatype[len(_XSD):] if datatype.startswith(_XSD) else None
            if local in _CASTABLE:
                ok = (f"({ok} && !sameTerm(COALESCE(<{datatype}>(STR(?value)), <urn:x:ill>), "
                      "<urn:x:ill>))")
            return f"!{ok}"
        if kind == "class":
            return "NOT EXISTS {" + values_block("cls", self._classes(arg)) + "?value a ?cls }"
        if kind == "nodeKind":
            assert isinstance(arg, rdflib.URIRef)  # checks() gives the sh:nodeKind IRI
            return f"!{_NODE_KINDS[arg]}"
        if kind == "in":
            assert isinstance(arg, list)  # checks() gives the members of the sh:in list
            if not arg:
                return "true"
            return "!(" + " || ".join(f"sameTerm(?value, {_nt(v)})" for v in arg) + ")"
        if kind == "pattern":
            assert isinstance(arg, tuple)  # checks() gives (pattern, flags)
            pattern, flags = arg
            flag_text = f", {_nt(rdflib.Literal(str(flags)))}" if flags is not None else ""
            return (f"(isBlank(?value) || !REGEX(STR(?value), "
                    f"{_nt(rdflib.Literal(str(pattern)))}{flag_text}))")
        if kind == "languageIn":
            assert isinstance(arg, list)  # checks() gives the members of the sh:languageIn list
            ranges = " || ".join(
                f"langMatches(LANG(?value), {_nt(rdflib.Literal(str(r)))})" for r in arg
            )
            return f"(!isLiteral(?value) || !({ranges or 'false'}))"
        if kind == "compare":
            assert isinstance(arg, tuple)  # checks() gives (operator, other property)
            comparison, value = arg
            return f"!COALESCE(?value {comparison} {_nt(value)}, false)"
        if kind == "length":
            assert isinstance(arg, tuple)  # checks() gives (operator, length)
            comparison, size = arg
            return f"(isBlank(?value) || STRLEN(STR(?value)) {comparison} {size})"
        raise UnsupportedShapes(f"no SPARQL for {kind}")

    def queries(self, check: Check, focus: str, this: str, project: list[str]) -> list[str]:
        """SPARQL whose rows are the check's violations by the value nodes of ``this``.

        ``focus`` is a group pattern binding ``this`` (the targets, or the chain of parents
        for a nested shape); ``project`` the variables each row must carry.
        """
        sel = " ".join(project)
        path = _path(self.shapes.graph, check.path) if check.path is not None else None
        values = f"{this} {path} ?value ." if path else f"BIND({this} AS ?value)"
        distinct = f"{{ SELECT DISTINCT {sel} WHERE {{ {focus} }} }}"
        kind, arg = check.kind, check.argument
        if kind == "minCount" and arg == 1:
            return [f"SELECT DISTINCT {sel} WHERE {{ {focus} "
                    f"FILTER NOT EXISTS {{ {this} {path} ?any }} }}"]
        if kind == "minCount":
            return [f"SELECT {sel} WHERE {{ {distinct} OPTIONAL {{ {values} }} }} "
                    f"GROUP BY {sel} HAVING (COUNT(DISTINCT ?value) < {arg})"]
        if kind == "maxCount":
            return [f"SELECT {sel} WHERE {{ {distinct} {values} }} "
                    f"GROUP BY {sel} HAVING (COUNT(DISTINCT ?value) > {arg})"]
        if kind == "uniqueLang":
            return [f"SELECT {sel} ?lang WHERE {{ {distinct} {values} "
                    f'BIND(LANG(?value) AS ?lang) FILTER(?lang != "") }} '
                    f"GROUP BY {sel} ?lang HAVING (COUNT(DISTINCT ?value) > 1)"]
        if kind == "hasValue" and path:
            return [f"SELECT DISTINCT {sel} WHERE {{ {focus} "
                    f"FILTER NOT EXISTS {{ {this} {path} {_nt(arg)} }} }}"]
        if kind == "hasValue":
            return [f"SELECT DISTINCT {sel} ?value WHERE {{ {focus} {values} "
                    f"FILTER(!sameTerm(?value, {_nt(arg)})) }}"]
        return [f"SELECT DISTINCT {sel} ?value WHERE {{ {focus} {values} "
                f"FILTER({self._condition(check)}) }}"]

    def _rows(self, query: str):
        if self._answers is not None:
            return self._answers.get(query, ())
        if self._planned is not None:
            self._planned.append(query)
            return ()
        return self.store.query(query, use_default_graph_as_union=True)

    def _answer(self, query: str) -> list:
        solutions = self.store.query(query, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)  # every check is a SELECT
        return list(solutions)

    def evaluate(self, checks: list[Check], chain: str, chain_vars: list[str]) -> list[tuple]:
        """Results ``(check, bindings, value)`` of the checks on the nodes of the chain's
        last variable; ``bindings`` are the chain's nodes, the focus node last.

        A value that fails a nested ``sh:node`` shape gives one result here, and the nested
        results that made it fail follow as details, as pyshacl reports them.
        """
        current = chain_vars[-1]
        results = []
        for check in checks:
            if check.kind == "node":
                child = f"?n{len(chain_vars)}"
                inner = self.evaluate(
                    check.nested, f"{chain} {self._step(check, current, child)}",
                    [*chain_vars, child],
                )
                failing = {bindings[: len(chain_vars) + 1] for _c, bindings, _v in inner}
                for bindings in sorted(failing, key=str):
                    results.append((check, bindings[:-1], bindings[-1]))
                results.extend(inner)
                continue
            for query in self.queries(check, chain, current, chain_vars):
                for row in self._rows(query):
                    bindings = tuple(row[v[1:]] for v in chain_vars)
                    value = row["value"] if _reports_value(check) else None
                    results.append((check, bindings, value))
        return results

    def _step(self, check: Check, parent: str, child: str) -> str:
        if check.path is None:
            return f"BIND({parent} AS {child})"
        return f"{parent} {_path(self.shapes.graph, check.path)} {child} ."

    def run(self, threads: int = 1) -> list[tuple[Check, object, object]]:
        """Every result of every shape. With ``threads`` > 1 the queries (which depend on
        the shapes only, never on other queries' answers) are planned first and run side
        by side: the store answers them outside Python's lock, one core each."""
        if threads > 1:
            self._planned = []
            self._collect()
            planned = list(dict.fromkeys(self._planned))
            self._planned = None
            with ThreadPoolExecutor(max_workers=threads) as pool:
                self._answers = dict(zip(planned, pool.map(self._answer, planned), strict=True))
        try:
            return self._collect()
        finally:
            self._answers = None

    def _collect(self) -> list[tuple[Check, object, object]]:
        results = []
        for shape in self.shapes.node_shapes():
            focus = self._targets(shape, "?this")
            if not focus:
                continue
            for check, bindings, value in self.evaluate(self.shapes.checks(shape), focus,
                                                        ["?this"]):
                results.append((check, bindings[-1], value))
        return results


def _reports_value(check: Check) -> bool:
    """Whether SHACL names a value node in this check's results."""
    return check.kind not in ("minCount", "maxCount", "uniqueLang") and not (
        check.kind == "hasValue" and check.path is not None
    )


def _term_text(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return "[blank node]"
    return term.value


def unsupported(shapes_quads) -> list[str]:
    """The SHACL features of the shapes this validator cannot translate (empty: all fine)."""
    return Shapes(to_rdflib(shapes_quads)).unsupported


_DEFAULT_MESSAGES = {
    "MinCountConstraintComponent": "fewer than {arg} values",
    "MaxCountConstraintComponent": "more than {arg} values",
    "UniqueLangConstraintComponent": "more than one value in the same language",
    "DatatypeConstraintComponent": "value is not a well-formed literal of datatype {arg}",
    "ClassConstraintComponent": "value is not an instance of {arg}",
    "NodeKindConstraintComponent": "value is not of node kind {arg}",
    "InConstraintComponent": "value is not one of the allowed values",
    "HasValueConstraintComponent": "the required value {arg} is missing",
    "PatternConstraintComponent": "value does not match the pattern",
    "LanguageInConstraintComponent": "value is not in an allowed language",
    "NodeConstraintComponent": "value does not conform to the shape {arg}",
}


def validate_store(store: ox.Store, shapes_quads, origins=None, threads: int = 1) -> Report:
    """Validate the union of the store's named graphs against the shapes.

    ``origins`` says where each subject is written: a mapping (as ``SourceSet.origins``),
    or a function from the focus IRIs of the results to ``{IRI: files}``, called only when
    there are results (finding them means reading the sources again).
    """
    graph = to_rdflib(shapes_quads)
    shapes = Shapes(graph)
    if shapes.unsupported:
        raise UnsupportedShapes("unsupported SHACL features: " + ", ".join(shapes.unsupported))
    found = Validator(store, shapes).run(threads)
    if callable(origins):
        by_node = origins({focus.value for _c, focus, _v in found
                           if isinstance(focus, ox.NamedNode)}) if found else {}
    else:
        by_node = files_by_subject(origins)
    report = Report()
    for check, focus, value in found:
        template = _DEFAULT_MESSAGES.get(check.component, "constraint not met")
        argument = check.argument if not isinstance(check.argument, list | tuple) else ""
        focus_text = _term_text(focus)
        files = by_node.get(focus_text, ()) if isinstance(focus, ox.NamedNode) else ()
        report.results.append(
            Result(
                severity=check.severity,
                focus=focus_text,
                path=path_text(graph, check.path) if check.path is not None else "",
                value=_term_text(value),
                message=check.message or template.format(arg=argument),
                shape=shape_text(graph, check.shape),
                files=tuple(sorted(str(p) for p in files)),
                component=check.component,
            )
        )
    report.results.sort(key=lambda r: (r.severity != "Violation", r.focus, r.path))
    return report

