"""A SHACL validation report a person can act on, whichever validator produced it.

Each result names the focus node, the path, the value, the message, the shape and the
source files where the focus node is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
import rdflib
from rdflib.namespace import SH


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
        counts: dict[str, int] = {}
        for result in self.results:
            counts[result.severity] = counts.get(result.severity, 0) + 1
        head = "SHACL validation: " + ", ".join(f"{n} {s.lower()}(s)" for s, n in counts.items())
        return "\n\n".join([head, *(r.describe() for r in self.results)])


def to_rdflib(quads, graph: rdflib.Graph | None = None) -> rdflib.Graph:
    """The triples of the quads (graph names dropped) as an rdflib graph."""
    graph = graph if graph is not None else rdflib.Graph()
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def term_text(node) -> str:
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
        return term_text(shape)
    parent = shapes.value(None, SH.property, shape)
    names = sorted(str(n) for n in shapes.objects(shape, SH.name)
                   if isinstance(n, rdflib.Literal) and n.language in (None, "en"))
    path = shapes.value(shape, SH.path)
    parts = [f"property shape of {term_text(parent)}" if parent is not None else "property shape"]
    if path is not None and not isinstance(path, rdflib.BNode):
        parts.append(f"path {path}")
    if names:
        parts.append(f'"{names[0]}"')
    return ", ".join(parts)


def component_name(node) -> str:
    return str(node).rsplit("#", 1)[-1] if node is not None else ""
