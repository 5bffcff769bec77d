"""SHACL validation of the source data, with a report a person can act on.

The data graph is the union of every named graph (the ontology included, so that
``sh:class`` follows ``rdfs:subClassOf``). Each result names the focus node, the path,
the value, the message, the shape and the source file where the focus node is written.
"""

from __future__ import annotations

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import SH

from publisher.build.report import (
    Report,
    Result,
    component_name,
    path_text,
    shape_text,
    term_text,
    to_rdflib,
)
from publisher.build.sources import files_by_subject
from publisher.core.context import SourceSet


def validate_for(settings, sources: SourceSet, shapes_quads, store=None) -> Report:
    """Validate with the engine the settings choose for this size of data.

    pyshacl (the reference) below ``shacl_sparql_min_quads``; above it, the SPARQL
    translation over the store (:mod:`publisher.shacl_sparql`), which answers from the
    store's indexes instead of copying a million triples into rdflib. ``store`` holds
    exactly the source quads (the build's aside store); without one, an in-memory store
    is loaded.
    """
    from publisher.build import shacl_sparql

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
                focus=term_text(focus),
                path=path_text(results_graph, results_graph.value(result, SH.resultPath)),
                value=term_text(results_graph.value(result, SH.value)),
                message=message or "constraint not met",
                shape=shape_text(shapes, results_graph.value(result, SH.sourceShape)),
                files=files,
                component=component_name(results_graph.value(result, SH.sourceConstraintComponent)),
            )
        )
    report.results.sort(key=lambda r: (r.severity != "Violation", r.focus, r.path))
    return report
