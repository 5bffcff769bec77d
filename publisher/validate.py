"""SHACL validation of the source data, with a report a person can act on.

The data graph is the union of every named graph (the ontology included, so that
``sh:class`` follows ``rdfs:subClassOf``). Each result names the focus node, the path,
the value, the message, the shape and the source file where the focus node is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import SH

from publisher.sources import SourceSet, files_by_subject


@dataclass(frozen=True)
class Result:
    severity: str
    focus: str
    path: str
    value: str
    message: str
    shape: str
    files: tuple[str, ...] = ()
    component: str = ""

    def describe(self) -> str:
        where = ", ".join(self.files) or "(no source file)"
        lines = [
            f"{self.severity}: {self.message}",
            f"  focus node: {self.focus}",
            f"  path:       {self.path or '-'}",
            f"  value:      {self.value or '-'}",
            f"  shape:      {self.shape}",
            f"  written in: {where}",
        ]
        return "\n".join(lines)


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def describe(self) -> str:
        if not self.results:
            return "SHACL validation: the data conforms to every shape."
        counts = {}
        for result in self.results:
            counts[result.severity] = counts.get(result.severity, 0) + 1
        head = "SHACL validation: " + ", ".join(f"{n} {s.lower()}(s)" for s, n in counts.items())
        return "\n\n".join([head, *(r.describe() for r in self.results)])


def to_rdflib(quads, graph: rdflib.Graph | None = None) -> rdflib.Graph:
    """The triples of the quads (graph names dropped) as an rdflib graph."""
    graph = graph if graph is not None else rdflib.Graph()
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def _text(node) -> str:
    if node is None:
        return ""
    if isinstance(node, rdflib.BNode):
        return "[blank node]"
    return str(node)


def path_text(results: rdflib.Graph, path) -> str:
    if path is None:
        return ""
    if isinstance(path, rdflib.BNode):
        inverse = results.value(path, SH.inversePath)
        if inverse is not None:
            return f"^{inverse}"
        return "[complex path]"
    return str(path)


def shape_text(shapes: rdflib.Graph, shape) -> str:
    """A shape's IRI, or for a blank property shape its node shape, path and name."""
    if not isinstance(shape, rdflib.BNode):
        return _text(shape)
    parent = shapes.value(None, SH.property, shape)
    names = sorted(str(n) for n in shapes.objects(shape, SH.name) if n.language in (None, "en"))
    path = shapes.value(shape, SH.path)
    parts = [f"property shape of {_text(parent)}" if parent is not None else "property shape"]
    if path is not None and not isinstance(path, rdflib.BNode):
        parts.append(f"path {path}")
    if names:
        parts.append(f'"{names[0]}"')
    return ", ".join(parts)


def _component(node) -> str:
    return str(node).rsplit("#", 1)[-1] if node is not None else ""


def validate_for(settings, sources: SourceSet, shapes_quads, store=None) -> Report:
    """Validate with the engine the settings choose for this size of data.

    pyshacl (the reference) below ``shacl_sparql_min_quads``; above it, the SPARQL
    translation over the store (:mod:`publisher.shacl_sparql`), which answers from the
    store's indexes instead of copying a million triples into rdflib. ``store`` holds
    exactly the source quads (the build's aside store); without one, an in-memory store
    is loaded.
    """
    from publisher import shacl_sparql

    engine = settings.shacl_engine
    if engine == "auto":
        large = len(sources.quads) >= settings.shacl_sparql_min_quads
        engine = "sparql" if large and not shacl_sparql.unsupported(shapes_quads) else "pyshacl"
    if engine == "pyshacl":
        return validate(sources, shapes_quads)
    if store is None:
        store = ox.Store()
        store.bulk_extend(sources.quads)
    return shacl_sparql.validate_store(store, shapes_quads, sources.origins)


def validate(sources: SourceSet, shapes_quads) -> Report:
    """Validate the source data against the shapes; never raises for bad data."""
    data = to_rdflib(sources.quads)
    shapes = to_rdflib(shapes_quads)
    _conforms, results_graph, _text_report = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        meta_shacl=False,
        advanced=True,
    )
    by_node = files_by_subject(sources.origins)

    report = Report()
    for result in results_graph.subjects(rdflib.RDF.type, SH.ValidationResult):
        severity = results_graph.value(result, SH.resultSeverity)
        focus = results_graph.value(result, SH.focusNode)
        files = tuple(sorted(str(p) for p in by_node.get(str(focus), ())))
        message = "; ".join(str(m) for m in results_graph.objects(result, SH.resultMessage))
        report.results.append(
            Result(
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                focus=_text(focus),
                path=path_text(results_graph, results_graph.value(result, SH.resultPath)),
                value=_text(results_graph.value(result, SH.value)),
                message=message or "constraint not met",
                shape=shape_text(shapes, results_graph.value(result, SH.sourceShape)),
                files=files,
                component=_component(results_graph.value(result, SH.sourceConstraintComponent)),
            )
        )
    report.results.sort(key=lambda r: (r.severity != "Violation", r.focus, r.path))
    return report
