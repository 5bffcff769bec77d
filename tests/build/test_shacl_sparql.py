"""The SPARQL SHACL validator reports exactly what pyshacl reports."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from publisher.build.shacl_sparql import UnsupportedShapes, unsupported, validate_store
from publisher.build.sources import load_shapes, load_sources
from publisher.build.validate import validate
from publisher.core.iris import SOURCE_BASE
from publisher.core.scheme import Scheme

SOURCE = Scheme(SOURCE_BASE)

ROOT = Path(__file__).resolve().parents[2]

SHAPES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://data.clusterscord.eu/def/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ;
  sh:property [ sh:path skos:prefLabel ; sh:minCount 1 ; sh:uniqueLang true ;
                sh:languageIn ( "en" "cs" ) ; sh:datatype rdf:langString ] ;
  sh:property [ sh:path ex:size ; sh:datatype xsd:integer ; sh:maxCount 1 ;
                sh:minInclusive 0 ; sh:maxExclusive 100 ] ;
  sh:property [ sh:path ex:code ; sh:pattern "^[A-Z]{2}[0-9]*$" ; sh:minLength 2 ;
                sh:maxLength 5 ; sh:severity sh:Warning ] ;
  sh:property [ sh:path ex:next ; sh:class ex:Thing ; sh:nodeKind sh:IRI ] ;
  sh:property [ sh:path ex:colour ; sh:in ( ex:red ex:green ) ] ;
  sh:property [ sh:path ex:month ; sh:datatype xsd:gYearMonth ] ;
  sh:property [ sh:path ex:kind ; sh:hasValue ex:thing ; sh:message "needs its kind"@en ] ;
  sh:property [ sh:path ex:tag ; sh:minCount 2 ; sh:maxCount 3 ] ;
  sh:property [ sh:path [ sh:inversePath ex:owns ] ; sh:maxCount 1 ] ;
  sh:property [ sh:path ex:site ; sh:node ex:SiteShape ; sh:nodeKind sh:BlankNodeOrIRI ] .

ex:SiteShape a sh:NodeShape ;
  sh:property [ sh:path ex:lat ; sh:minCount 1 ; sh:datatype xsd:decimal ] ;
  sh:property [ sh:path ex:geometry ; sh:node ex:GeometryShape ] .

ex:GeometryShape a sh:NodeShape ;
  sh:property [ sh:path ex:wkt ; sh:minCount 1 ; sh:pattern "^POINT" ] .

ex:Special a rdfs:Class , sh:NodeShape ; sh:nodeKind sh:IRI ;
  sh:property [ sh:path ( ex:next ex:size ) ; sh:maxInclusive 50 ] .
"""

DATA = """\
@prefix ex: <https://data.clusterscord.eu/def/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://data.clusterscord.eu/graph/test> {
  ex:Sub <http://www.w3.org/2000/01/rdf-schema#subClassOf> ex:Thing .
  <https://data.clusterscord.eu/id/thing/good> a ex:Thing , ex:Special ;
      skos:prefLabel "Good"@en , "Dobrý"@cs ; ex:size 3 ; ex:code "CZ01" ;
      ex:colour ex:red ; ex:month "2010-03"^^xsd:gYearMonth ; ex:kind ex:thing ;
      ex:tag "a" , "b" ; ex:next <https://data.clusterscord.eu/id/thing/sub> ;
      ex:site [ ex:lat 50.1 ; ex:geometry [ ex:wkt "POINT(1 2)" ] ] .
  <https://data.clusterscord.eu/id/thing/sub> a ex:Sub ;
      skos:prefLabel "Sub"@en ; ex:kind ex:thing ; ex:tag "a" , "b" ; ex:size 7 .
  <https://data.clusterscord.eu/id/thing/bad> a ex:Thing , ex:Special ;
      skos:prefLabel "Bad"@en , "Špatný"@en , "Schlecht"@de , "plain" ;
      ex:size "three"^^xsd:integer , 200 , -1 ; ex:code "toolong1" , "x" ;
      ex:colour ex:blue ; ex:next <https://data.clusterscord.eu/id/thing/nothing> , "literal" ;
      ex:tag "a" , "b" , "c" , "d" ;
      ex:site [ ex:lat "north" ; ex:geometry [ ex:wkt "LINE" ] ] , [ ex:lat 1.5 ] ,
              [ ex:geometry [ ] ] , "not a node" .
  <https://data.clusterscord.eu/id/owner/1> ex:owns <https://data.clusterscord.eu/id/thing/bad> .
  <https://data.clusterscord.eu/id/owner/2> ex:owns <https://data.clusterscord.eu/id/thing/bad> .
  <https://data.clusterscord.eu/id/thing/empty> a ex:Sub .
}
"""


def _write_project(root: Path, shapes: str, data: str) -> Path:
    (root / "shapes").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "shapes" / "test.ttl").write_text(shapes, encoding="utf-8")
    (root / "data" / "test.trig").write_text(data, encoding="utf-8")
    return root


def _key(result) -> tuple:
    return (result.severity, result.focus, result.path, result.value, result.shape,
            result.component)


def _both(root: Path):
    sources = load_sources(root, SOURCE)
    shapes = load_shapes(root, SOURCE)
    expected = validate(sources, shapes)
    store = ox.Store()
    store.bulk_extend(sources.quads)
    actual = validate_store(store, shapes, sources.origins)
    return expected, actual


def test_every_supported_constraint_reports_what_pyshacl_reports(tmp_path):
    expected, actual = _both(_write_project(tmp_path, SHAPES, DATA))
    assert len(expected.results) > 25
    assert Counter(map(_key, actual.results)) == Counter(map(_key, expected.results))
    assert actual.conforms == expected.conforms is False


def test_conforming_data_conforms_under_both_validators(tmp_path):
    good = DATA.split("  <https://data.clusterscord.eu/id/thing/bad>")[0] + "}\n"
    expected, actual = _both(_write_project(tmp_path, SHAPES, good))
    assert [_key(r) for r in actual.results] == [_key(r) for r in expected.results]
    assert actual.conforms and expected.conforms


def test_violation_names_source_file_and_uses_the_shapes_message(tmp_path):
    _expected, actual = _both(_write_project(tmp_path, SHAPES, DATA))
    [missing_kind] = [
        r for r in actual.results
        if r.component == "HasValueConstraintComponent" and r.focus.endswith("/bad")
    ]
    assert missing_kind.message == "needs its kind"
    assert missing_kind.files == ("data/test.trig",)


def test_ill_formed_year_month_is_a_violation_though_pyshacl_misses_it(tmp_path):
    data = DATA.replace('ex:month "2010-03"', 'ex:month "2010-13"')
    expected, actual = _both(_write_project(tmp_path, SHAPES, data))
    month = "https://data.clusterscord.eu/def/month"
    assert [r.value for r in actual.results if r.path == month] == ["2010-13"]
    assert not [r for r in expected.results if r.path == month]


def test_unsupported_features_are_named_and_refused(tmp_path):
    shapes = SHAPES + (
        "ex:Other a sh:NodeShape ; sh:targetClass ex:Thing ; "
        "sh:or ( [ sh:datatype xsd:string ] [ sh:datatype xsd:integer ] ) .\n"
    )
    root = _write_project(tmp_path, shapes, DATA)
    quads = load_shapes(root, SOURCE)
    assert unsupported(quads) == ["sh:or"]
    with pytest.raises(UnsupportedShapes, match="sh:or"):
        validate_store(ox.Store(), quads)


def test_build_with_sparql_engine_refuses_violation_and_leaves_published_generation(tmp_path):
    from publisher.build.pipeline import ValidationFailed, build
    from publisher.core.config import load_settings
    from publisher.core.generation import Generations
    from tests import mini_project

    root = mini_project.make(tmp_path / "project")
    settings = load_settings(root=root, environ={}, shacl_engine="sparql")
    published = build(settings)
    data = root / "data" / "things.trig"
    data.write_text(data.read_text().replace('"3"^^xsd:integer', '"three"^^xsd:integer'))
    with pytest.raises(ValidationFailed) as failure:
        build(settings)
    [violation] = failure.value.report.violations
    assert violation.focus == "https://data.clusterscord.eu/id/thing/a"
    assert violation.value == "three"
    assert violation.files == ("data/things.trig",)
    assert Generations(settings.var).current().id == published.id
    assert not list(Generations(settings.var).builds.glob(".tmp-*"))


BROKEN = ROOT / "tests" / "fixtures" / "broken"


@pytest.fixture(scope="module")
def real_project():
    return load_sources(ROOT, SOURCE), load_shapes(ROOT, SOURCE)


@pytest.mark.parametrize("case", [None, *sorted(p.stem for p in BROKEN.glob("*.trig"))])
def test_project_shapes_on_real_data_and_each_broken_fixture_report_as_pyshacl(real_project,
                                                                              case):
    from dataclasses import replace

    from publisher.build.sources import parse_file

    sources, shapes = real_project
    if case is not None:
        extra = parse_file(BROKEN / f"{case}.trig", SOURCE)
        sources = replace(sources, quads=[*sources.quads, *extra])
    expected = validate(sources, shapes)
    store = ox.Store()
    store.bulk_extend(sources.quads)
    actual = validate_store(store, shapes, sources.origins)
    assert Counter(map(_key, actual.results)) == Counter(map(_key, expected.results))
    assert actual.conforms == (case is None)


def test_queries_run_side_by_side_report_what_they_report_one_by_one(tmp_path):
    root = _write_project(tmp_path, SHAPES, DATA)
    sources = load_sources(root, SOURCE)
    shapes = load_shapes(root, SOURCE)
    store = ox.Store()
    store.bulk_extend(sources.quads)
    one = validate_store(store, shapes, sources.origins)
    two = validate_store(store, shapes, sources.origins, threads=2)
    assert len(one.results) > 25
    assert [(_key(r), r.files) for r in two.results] == [(_key(r), r.files) for r in one.results]


def test_files_of_focus_nodes_are_asked_for_only_when_there_are_results(tmp_path):
    good = DATA.split("  <https://data.clusterscord.eu/id/thing/bad>")[0] + "}\n"
    asked = []

    def origins(wanted):
        asked.append(wanted)
        return {iri: {Path("data/test.trig")} for iri in wanted}

    for data in (good, DATA):
        root = _write_project(tmp_path / str(len(asked)) / str(len(data)), SHAPES, data)
        store = ox.Store()
        store.bulk_extend(load_sources(root, SOURCE).quads)
        report = validate_store(store, load_shapes(root, SOURCE), origins)
    bad = "https://data.clusterscord.eu/id/thing/bad"
    assert len(asked) == 1 and bad in asked[0]
    assert all(r.files == ("data/test.trig",) for r in report.results if r.focus == bad)
