"""The named example queries give their expected answers on the real graph (headers too)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from publisher.artefacts.named_queries import load_all

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://data.clusterscord.eu/"
QUERIES = {q.name: q for q in load_all(ROOT)}


def rows_of(store, name: str) -> list[dict[str, str]]:
    return [{k: v.value for k, v in row.items()} for row in store.select(QUERIES[name].text)]


def test_there_are_at_least_fourteen_named_queries():
    assert len(QUERIES) >= 14
    assert len(list((ROOT / "sparql" / "queries").glob("*.rq"))) == len(QUERIES)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_header_has_title_and_description_in_english_and_czech(name):
    query = QUERIES[name]
    assert set(query.titles) >= {"en", "cs"}
    assert set(query.descriptions) >= {"en", "cs"}
    assert all(query.titles.values()) and all(query.descriptions.values())


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_runs_and_returns_rows(store, name):
    assert store.select(QUERIES[name].text)


def test_partners_by_country(store):
    rows = rows_of(store, "partners-by-country")
    assert len(rows) == 10
    assert rows[0]["partner"] == f"{BASE}id/organisation/rra-uk"
    assert sorted({r["countryName"] for r in rows}) == [
        "Austria", "Czechia", "Germany", "Hungary", "Italy", "Poland", "Slovakia", "Slovenia"]


def test_lead_partner(store):
    rows = rows_of(store, "lead-partner")
    assert rows == [{"org": f"{BASE}id/organisation/rra-uk",
                     "nameCs": "Regionální rozvojová agentura Ústeckého kraje, a.s.",
                     "nameEn": "Regional Development Agency of the Ústí Region",
                     "acronym": "RRA ÚK", "locality": "Ústí nad Labem"}]


def test_sectors_nace(store):
    rows = {r["en"]: r for r in rows_of(store, "sectors-nace")}
    assert len(rows) == 10
    assert set(rows["Food processing"]["nace"].split(", ")) == {"10", "11"}
    assert rows["Professional Services"]["graph"] == f"{BASE}graph/wrs"
    assert "cs" not in rows["Professional Services"]


def test_budget_figures(store):
    rows = rows_of(store, "budget-figures")
    figures = {(Decimal(r["value"]), r["kind"], r["confidence"]) for r in rows}
    assert figures == {
        (Decimal("1460334.99"), "total project budget", "low"),
        (Decimal("1460000"), "total project budget", "high"),
        (Decimal("1358494.68"), "total project budget", "low"),
        (Decimal("1191117.74"), "ERDF contribution", "low"),
        (Decimal("1112940.82"), "ERDF contribution", "low"),
    }
    assert all(r["currency"] == "EUR" for r in rows)


def test_final_conference(store):
    (row,) = rows_of(store, "final-conference")
    assert (row["date"], row["venue"], row["street"], row["locality"]) == (
        "2013-02-06", "Hotel Diplomat", "Evropská 15", "Praha 6")
    assert row["title"] == "Závěrečná mezinárodní konference projektu Clusters Cord"


def test_work_packages(store):
    rows = rows_of(store, "work-packages")
    assert [r["number"] for r in rows] == ["WP1", "WP2", "WP3", "WP4"]
    assert rows[3]["titleCs"] == "Spolupráce klastrů a vytvoření meta klastrů"


def test_fact_provenance(store):
    rows = rows_of(store, "fact-provenance")
    code_graphs = {r["graph"] for r in rows if r["property"] == "http://www.w3.org/ns/adms#identifier"}
    assert code_graphs == {f"{BASE}graph/seed"}
    starts = {(r["graph"], r["confidence"]) for r in rows
              if r["property"] == "http://purl.org/dc/terms/temporal"}
    assert starts == {(f"{BASE}graph/seed", "high"), (f"{BASE}graph/slides", "medium"),
                      (f"{BASE}graph/dex", "medium"), (f"{BASE}graph/final-deck", "medium")}


def test_partner_regions(store):
    rows = rows_of(store, "partner-regions")
    wko = [(r["code"], r["level"]) for r in rows
           if r["org"] == f"{BASE}id/organisation/wko-ooe"]
    assert wko == [("AT312", "3"), ("AT31", "2"), ("AT3", "1"), ("AT", "0")]


def test_observers(store):
    rows = rows_of(store, "observers")
    by_role = {}
    for r in rows:
        by_role.setdefault(r["role"], set()).add(r["name"])
    assert by_role == {
        "observer": {"Ministerstvo průmyslu a obchodu", "Ministerstvo pro místní rozvoj",
                     "CzechInvest", "Ústecký kraj"},
        "cooperation sought": {"Národní klastrová asociace", "Evropská klastrová observatoř"},
    }


def test_related_projects(store):
    rows = rows_of(store, "related-projects")
    assert [(r["name"], r.get("eventDate")) for r in rows] == [
        ("C-Plus", "2012-04-16"), ("CNCB", None)]


def test_memberships_roles(store):
    rows = rows_of(store, "memberships-roles")
    assert len(rows) == 17
    low = [r["name"] for r in rows if r["confidence"] == "low"]
    assert low == ["BSC – Business support centre ltd Kranj"]


def test_meta_cluster_target(store):
    (row,) = rows_of(store, "meta-cluster-target")
    assert (row["atLeast"], row["class"], row["phase"]) == (
        "3", f"{BASE}def/MetaCluster", "post-project phase")
    assert "nejméně 3 nadnárodních metaklastrů" in row["statement"]


def test_portal_output_types(store):
    rows = rows_of(store, "portal-output-types")
    assert len(rows) == 8
    assert {"cs": "nadnárodní klastrování", "en": "Transnational clustering",
            "type": f"{BASE}id/output-type/transnational-clustering"} in rows


def test_regions_hierarchy(store):
    rows = {r["code"]: r for r in rows_of(store, "regions-hierarchy")}
    assert rows["ITC45"]["versions"] == "NUTS 2006"
    assert rows["ITC45"]["current"] == "http://data.europa.eu/nuts/code/ITC4C"
    assert rows["CZ042"]["broaderCode"] == "CZ04"
    assert set(rows["CZ042"]["versions"].split(", ")) == {"NUTS 2006", "NUTS 2010"}
    assert "broaderCode" not in rows["CZ"]


def test_conflicting_statements(store):
    rows = rows_of(store, "conflicting-statements")
    starts = {(r["value"], r["graph"]) for r in rows if r["fact"] == "start"}
    assert starts == {("2010-03", f"{BASE}graph/seed"), ("2010-04", f"{BASE}graph/slides"),
                      ("2010-03", f"{BASE}graph/dex"), ("2010-03-01", f"{BASE}graph/final-deck")}
    assert len([r for r in rows if r["fact"] == "total budget"]) == 3
    fields = {(r["value"].rsplit("/", 1)[1], r["graph"].rsplit("/", 1)[1]) for r in rows
              if r["fact"] == "key field"}
    assert ("production-technologies", "rra-2011-07-26") in fields
    assert ("health-sciences", "rra-2012-forums-launched") in fields
    slovenian = {(r["value"].rsplit("/", 1)[1], r["graph"].rsplit("/", 1)[1]) for r in rows
                 if r["fact"] == "Slovenian partner"}
    assert slovenian == {("rda-celje", "seed"), ("rda-celje", "rra-2010-06-16"),
                         ("bsc-kranj", "ce13a"), ("bsc-kranj", "dex"),
                         ("rra-gorenjska", "czechinvest-partners")}


def test_labels_in_czech(store):
    rows = {r["entity"]: r for r in rows_of(store, "labels-in-czech")}
    assert rows[f"{BASE}id/sector/tourism"]["cs"] == "cestovní ruch"
    assert "cs" not in rows[f"{BASE}id/organisation/wrs"]


def test_contact_point(store):
    (row,) = rows_of(store, "contact-point")
    assert (row["name"], row["email"], row["telephone"]) == (
        "Mgr. Dana Krejsová", "mailto:krejsova@rra.cz", "tel:+420475200016")


def test_funding(store):
    rows = rows_of(store, "funding")
    assert {r["funderName"] for r in rows} == {
        "CENTRAL EUROPE Programme, 2nd call", "European Regional Development Fund",
        "Area of intervention 1.1: Enhancing framework conditions for innovation"}
    assert {(r["start"], r["end"]) for r in rows} == {("2010-03", "2013-02")}
