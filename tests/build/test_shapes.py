"""The SHACL shapes accept the real data and catch each kind of broken fact.

Each case adds one file of ``tests/fixtures/broken/`` to a copy of the project (or removes
one fact from it) and expects a violation on a given focus node and path, under both
validation engines (pyshacl and the SPARQL translation).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import SH

from publisher.build.pipeline import check
from publisher.core.config import load_settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "broken"
ROOT = Path(__file__).resolve().parents[2]
ID = "https://data.clusterscord.eu/id/"
CC = "https://data.clusterscord.eu/def/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA = "http://schema.org/"
ORG = "http://www.w3.org/ns/org#"
ENGINES = ("pyshacl", "sparql")

# fixture file → (focus node, path) of the violation it must cause
CASES = {
    "missing-label": (f"{ID}organisation/nameless", f"{SKOS}prefLabel"),
    "budget-value-as-string": (f"{ID}amount/budget-as-text", f"{SCHEMA}value"),
    "membership-without-role": (f"{ID}membership/clusters-cord-roleless", f"{ORG}role"),
    "amount-without-currency": (f"{ID}amount/no-currency", "http://data.europa.eu/m8g/currency"),
    "two-english-labels": (f"{ID}project/clusters-cord", f"{SKOS}prefLabel"),
    "work-package-bad-notation": (f"{ID}work-package/wp5", f"{SKOS}notation"),
    "region-bad-level": (f"{ID}region/CZ0421", f"{CC}nutsLevel"),
    "graph-unconfirmed": ("https://data.clusterscord.eu/graph/rumours", f"{CC}confidence"),
    "conference-date-as-month": (f"{ID}event/final-conference", f"{SCHEMA}startDate"),
    "contact-email-as-text": (f"{ID}contact/dana-krejsova",
                              "http://www.w3.org/2006/vcard/ns#hasEmail"),
    "period-start-as-text": (f"{ID}project/clusters-cord-period-text",
                             "http://www.w3.org/ns/dcat#startDate"),
    "seat-without-coordinates": (f"{ID}place/nowhere-seat",
                                 "http://www.opengis.net/ont/geosparql#hasGeometry"),
    "membership-without-source": (f"{ID}membership/clusters-cord-sourceless",
                                  "http://www.w3.org/ns/prov#wasDerivedFrom"),
    "country-not-authority": (f"{ID}organisation/codecountry", f"{CC}country"),
}


def violations(root: Path, engine: str) -> set[tuple[str, str]]:
    settings = load_settings(root=root, environ={}, shacl_engine=engine)
    _sources, report = check(settings)
    return {(v.focus, v.path) for v in report.violations}


@pytest.mark.parametrize("engine", ENGINES)
def test_the_real_data_conforms_with_no_violation(engine):
    assert violations(ROOT, engine) == set()


def test_every_fixture_has_a_case():
    assert {p.stem for p in FIXTURES.glob("*.trig")} == set(CASES)
    assert len(CASES) >= 8


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_fact_is_a_violation_on_its_node_and_path(project_copy, case, engine):
    shutil.copy(FIXTURES / f"{case}.trig", project_copy / "data" / f"zz-broken-{case}.trig")
    assert CASES[case] in violations(project_copy, engine)


@pytest.mark.parametrize("engine", ENGINES)
def test_removing_a_partners_country_is_a_violation(project_copy, engine):
    path = project_copy / "data" / "organisations.trig"
    text = path.read_text(encoding="utf-8")
    fact = "        cc:country country:DEU .\n"
    assert text.count(fact) == 1
    path.write_text(text.replace(fact, "        skos:note \"country removed\"@en .\n"),
                    encoding="utf-8")
    assert (f"{ID}organisation/wrs", f"{CC}country") in violations(project_copy, engine)


@pytest.mark.parametrize("engine", ENGINES)
def test_removing_a_work_package_from_its_project_is_a_violation(project_copy, engine):
    path = project_copy / "data" / "work-packages.trig"
    text = path.read_text(encoding="utf-8")
    fact = ("            \"Cooperation of clusters and creation of meta-clusters\"@en ;\n"
            "        dct:isPartOf proj:clusters-cord .")
    assert text.count(fact) == 1
    path.write_text(text.replace(
        fact, "            \"Cooperation of clusters and creation of meta-clusters\"@en ."),
        encoding="utf-8")
    assert (f"{ID}work-package/wp4", "http://purl.org/dc/terms/isPartOf") in violations(
        project_copy, engine)


def test_every_property_shape_is_named_in_english_and_czech_ordered_and_grouped():
    shapes = rdflib.Graph()
    for path in sorted((ROOT / "shapes").glob("*.ttl")):
        if path.name != "catalog.ttl":
            shapes.parse(path, format="turtle")
    properties = set(shapes.objects(None, SH.property))
    assert len(properties) > 50
    for prop in properties:
        names = {n.language for n in shapes.objects(prop, SH.name)}
        assert names == {"en", "cs"}, prop
        assert shapes.value(prop, SH.order) is not None, prop
        assert shapes.value(prop, SH.group) is not None, prop
    for group in set(shapes.objects(None, SH.group)):
        assert {n.language for n in shapes.objects(group, rdflib.RDFS.label)} == {"en", "cs"}
