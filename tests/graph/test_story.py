"""Competency questions for the story told by the first-party sources of 2010–2013.

Each fact is asked for in the named graph of the source that states it, with its exact
answer: the meta-clusters and their fields, the events with their dates and cities, the
outputs with their status, the phases, and the conflicts kept side by side with their sources.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

BASE = "https://data.clusterscord.eu/"
PROJECT = f"<{BASE}id/project/clusters-cord>"
GRAPH = f"{BASE}graph/"


def short(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def rows(store, query: str) -> list[dict[str, str]]:
    return [{k: v.value for k, v in row.items()} for row in store.select(query)]


SOURCES = {
    "rra-uk-project-page": ("https://www.rra.cz/cs/clusters-cord-2/", "seed", "high"),
    "rra-news-2010-06-16": ("https://www.rra.cz/cs/2-setkani-partneru-projektu-clusters-cord/",
                            "rra-2010-06-16", "high"),
    "rra-news-2011-07-26": (
        "https://www.rra.cz/cs/klastrove-organizace-ze-stredni-evropy-a-clusters-cord/",
        "rra-2011-07-26", "high"),
    "rra-news-2011-milan": ("https://www.rra.cz/cs/projekt-clusters-cord-v-milane/",
                            "rra-2011-milan", "high"),
    "rra-news-2012-forums-launched": (
        "https://www.rra.cz/cs/vymenna-fora-pro-cleny-klastru-zahajena/",
        "rra-2012-forums-launched", "high"),
    "rra-news-2012-forums-further": (
        "https://www.rra.cz/cs/vymenna-fora-a-dalsi-pripravovane-aktivity-projektu-clusters-cord/",
        "rra-2012-forums-further", "high"),
    "czechinvest-project-page": ("http://old.czechinvest.org/clusters-cord", "czechinvest", "high"),
    "wrs-project-page": (
        "https://eu.region-stuttgart.de/en/eu-funded-projects/completed-eu-funded-projects/artikel/"
        "clusters-cord-clusters-and-cooperation-for-regional-development-in-central-europe.html",
        "wrs", "high"),
    "dex-project-page": ("https://dex-ic.com/clusters-cord-1", "dex", "medium"),
    "final-conference-deck": ("https://www.slideshare.net/jkubalik/clusters-cord-final-02062013",
                              "final-deck", "medium"),
    "slides-2012-04-16": ("https://slideplayer.com/amp/9464150", "slides", "medium"),
    "central2013-ce13a": ("https://www.central2013.eu/overview-6/", "ce13a", "low"),
    "central2013-ce13b": (
        "https://www.central2013.eu/cz/clusters-cooperation-for-regional-development-in-central-europe/",
        "ce13b", "low"),
}


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_each_first_party_source_has_its_address_date_read_graph_and_confidence(store, source):
    url, graph, level = SOURCES[source]
    found = rows(store, f"""SELECT ?url ?read ?level WHERE {{
        <{BASE}id/source/{source}> a foaf:Document ; schema:url ?url ;
            <http://purl.org/pav/retrievedOn> ?read .
        <{GRAPH}{graph}> prov:wasDerivedFrom <{BASE}id/source/{source}> ;
            cc:confidence ?level }}""")
    assert found == [{"url": url, "read": "2026-11-30", "level": f"{BASE}def/{level}"}]


def test_publication_dates_where_the_pages_state_them(store):
    found = {short(r["s"]): r["d"] for r in rows(
        store, "SELECT ?s ?d WHERE { ?s a foaf:Document ; dct:issued ?d }")}
    assert found == {"rra-news-2010-06-16": "2010-06-16", "rra-news-2011-07-26": "2011-07-26",
                     "final-conference-deck": "2013-02-06"}


def test_planned_statements_sit_in_medium_graphs_beside_the_high_ones_of_their_page(store):
    for page in ("rra-2010-06-16", "rra-2011-07-26", "rra-2012-forums-launched",
                 "rra-2012-forums-further"):
        levels = rows(store, f"""SELECT ?done ?planned WHERE {{
            <{GRAPH}{page}> cc:confidence ?done .
            <{GRAPH}{page}-planned> cc:confidence ?planned }}""")
        assert levels == [{"done": f"{BASE}def/high", "planned": f"{BASE}def/medium"}]
    planned_in_high = rows(store, """SELECT ?g ?s WHERE { GRAPH ?g { ?s adms:status cc:planned }
        ?g cc:confidence cc:high }""")
    assert planned_in_high == []


# ---- meta-clusters ---------------------------------------------------------------------

META = {"energy-environment": "energy-environment", "ict": "ict", "tourism": "tourism",
        "health-sciences": "health-sciences", "food-processing": "food-processing"}


def test_five_meta_clusters_facilitated_by_28_february_2013_each_with_its_field(store):
    found = {short(r["m"]): (short(r["field"]), r["date"], short(r["status"])) for r in rows(
        store, f"""SELECT ?m ?field ?date ?status WHERE {{ GRAPH <{GRAPH}final-deck> {{
        ?m a cc:MetaCluster ; dct:subject ?field ; cc:facilitatedBy {PROJECT} ;
           dct:date ?date ; adms:status ?status }} }}""")}
    assert found == {m: (field, "2013-02-28", "completed") for m, field in META.items()}
    assert rows(store, "SELECT ?m WHERE { ?m a cc:MetaCluster FILTER NOT EXISTS "
                       "{ GRAPH ?g { ?m a cc:MetaCluster } FILTER(?g = <"
                       f"{GRAPH}final-deck>) }} }}") == []


def test_the_meta_cluster_target_is_a_target_not_an_output(store):
    target = f"<{BASE}id/output/meta-cluster-target>"
    assert store.ask(f"ASK {{ {target} a cc:Target ; cc:minimumCount 3 }}")
    assert not store.ask(f"ASK {{ {target} a cc:Output }}")
    assert not store.ask(f"ASK {{ {target} prov:wasGeneratedBy ?x }}")
    graphs = {short(r["g"]) for r in rows(
        store, f"SELECT ?g WHERE {{ GRAPH ?g {{ {PROJECT} cc:target {target} }} }}")}
    assert graphs >= {"seed", "wrs", "czechinvest"}


def test_each_meta_cluster_has_its_forum_plan_and_agreement(store):
    found = {(short(r["m"]), short(r["forum"]), short(r["g"])) for r in rows(
        store, "SELECT ?m ?forum ?g WHERE { GRAPH ?g { ?m cc:exchangeForum ?forum } }")}
    assert found == {
        ("energy-environment", "exchange-forum-linz", "rra-2012-forums-launched-planned"),
        ("health-sciences", "exchange-forum-linz", "rra-2012-forums-launched-planned"),
        ("food-processing", "exchange-forum-milan", "rra-2012-forums-launched-planned"),
        ("tourism", "exchange-forum-milan", "rra-2012-forums-launched-planned"),
        ("ict", "exchange-forum-stuttgart", "rra-2012-forums-launched-planned"),
        ("ict", "exchange-forum-stuttgart", "rra-2012-forums-further-planned"),
        ("health-sciences", "exchange-forum-stuttgart", "rra-2012-forums-further-planned"),
    }
    outputs = {short(r["m"]): (short(r["plan"]), short(r["agreement"])) for r in rows(
        store, f"""SELECT ?m ?plan ?agreement WHERE {{
        GRAPH <{GRAPH}rra-2012-forums-further-planned> {{
        ?m cc:strategicPlan ?plan ; cc:cooperationAgreement ?agreement }} }}""")}
    assert outputs == {m: (f"strategic-plan-{m}", f"cooperation-agreement-{m}") for m in META}


def test_the_projects_definition_of_a_meta_cluster_is_in_the_ontology(store):
    found = rows(store, """SELECT ?parent ?en ?cs ?source WHERE {
        cc:MetaCluster rdfs:subClassOf ?parent ; skos:definition ?en , ?cs ; dct:source ?source
        FILTER(LANG(?en) = "en" && LANG(?cs) = "cs") }""")
    assert len(found) == 1
    assert found[0]["parent"] == "http://www.w3.org/ns/org#OrganizationalCollaboration"
    assert "cooperation agreement" in found[0]["en"] and "strategic plan" in found[0]["en"]
    assert "dohody o spolupráci" in found[0]["cs"]
    assert found[0]["source"] == SOURCES["final-conference-deck"][0]


# ---- events ----------------------------------------------------------------------------

EVENTS = {
    # event: (graph of the date, start, end, city, kind)
    "partner-meeting-2-wroclaw": ("rra-2010-06-16-planned", "2010-06-22", "2010-06-23",
                                  "wroclaw", "partner-meeting"),
    "local-info-days": ("rra-2011-07-26", "2010-12", "2011-08", None, "local-info-day"),
    "benchmarking-conference-milan": ("rra-2011-milan", "2011-10-25", None, "milano",
                                      "benchmarking-conference"),
    "exchange-forum-linz": ("rra-2012-forums-launched-planned", "2012-02-21", "2012-02-22",
                            "linz", "exchange-forum"),
    "exchange-forum-stuttgart": ("rra-2012-forums-further-planned", "2012-06-12", "2012-06-13",
                                 "stuttgart", "exchange-forum"),
    "final-conference": ("seed", "2013-02-06", None, "hotel-diplomat", "final-conference"),
    "agreement-signing": ("rra-2012-forums-further-planned", "2013-02-06", None,
                          "hotel-diplomat", "agreement-signing"),
}


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_each_event_has_its_date_place_and_kind_in_the_graph_of_its_source(store, event):
    graph, start, end, place, kind = EVENTS[event]
    found = rows(store, f"""SELECT ?start ?end ?place ?kind WHERE {{
        GRAPH <{GRAPH}{graph}> {{ <{BASE}id/event/{event}> schema:startDate ?start
          OPTIONAL {{ <{BASE}id/event/{event}> schema:endDate ?end }} }}
        <{BASE}id/event/{event}> dct:type ?kind
        OPTIONAL {{ <{BASE}id/event/{event}> schema:location ?place }} }}""")
    assert len(found) == 1
    assert found[0]["start"] == start and found[0].get("end") == end
    assert short(found[0]["kind"]) == kind
    assert (short(found[0]["place"]) if "place" in found[0] else None) == place


def test_forum_milan_planned_for_april_2012_and_held(store):
    found = rows(store, f"""SELECT ?month ?g WHERE {{ GRAPH ?g {{
        <{BASE}id/event/exchange-forum-milan> cc:plannedFor ?month }} }}""")
    assert found == [{"month": "2012-04", "g": f"{GRAPH}rra-2012-forums-launched-planned"}]
    held = {short(r["e"]) for r in rows(store, f"""SELECT ?e WHERE {{
        GRAPH <{GRAPH}rra-2012-forums-further> {{ ?e adms:status cc:completed }} }}""")}
    assert held == {"exchange-forum-linz", "exchange-forum-milan"}


@pytest.mark.parametrize("city, lat, long", [
    ("wroclaw", "51.1079", "17.0385"), ("usti-nad-labem", "50.6607", "14.0323"),
    ("milano", "45.4642", "9.19"), ("linz", "48.3069", "14.2858"),
    ("stuttgart", "48.7758", "9.1829"), ("hotel-diplomat", "50.1003", "14.3925"),
])
def test_event_places_have_coordinates(store, city, lat, long):
    found = rows(store, f"""SELECT ?lat ?long WHERE {{ <{BASE}id/place/{city}> a schema:Place ;
        wgs84:lat ?lat ; wgs84:long ?long ; geo:hasGeometry/geo:asWKT ?wkt }}""")
    assert [(Decimal(r["lat"]), Decimal(r["long"])) for r in found] == [
        (Decimal(lat), Decimal(long))]


def test_czech_info_day_in_usti_with_its_invitees(store):
    found = rows(store, f"""SELECT ?place ?series ?invited WHERE {{ GRAPH <{GRAPH}rra-2011-07-26> {{
        <{BASE}id/event/local-info-day-usti> schema:location ?place ; schema:superEvent ?series ;
        cc:invited ?invited }} }}""")
    assert {short(r["place"]) for r in found} == {"usti-nad-labem"}
    assert {short(r["series"]) for r in found} == {"local-info-days"}
    assert {short(r["invited"]) for r in found} == {"czechinvest", "ustecky-kraj", "nca", "aip-cr"}


def test_wroclaw_meeting_hosted_by_arleg(store):
    assert store.ask(f"""ASK {{ GRAPH <{GRAPH}rra-2010-06-16-planned> {{
        <{BASE}id/event/partner-meeting-2-wroclaw> schema:organizer <{BASE}id/organisation/arleg> ;
        adms:status cc:planned }} }}""")


def test_final_conference_has_its_invitation_and_the_signing(store):
    assert store.ask(f"""ASK {{ GRAPH <{GRAPH}seed> {{
        <{BASE}id/output/final-conference-invitation> a cc:Output ;
            schema:about <{BASE}id/event/final-conference> }} }}""")
    agreements = {short(r["a"]) for r in rows(store, f"""SELECT ?a WHERE {{
        GRAPH <{GRAPH}rra-2012-forums-further-planned> {{
        <{BASE}id/event/agreement-signing> schema:superEvent <{BASE}id/event/final-conference> ;
            schema:about ?a }} }}""")}
    assert agreements == {f"cooperation-agreement-{m}" for m in META}


# ---- outputs ---------------------------------------------------------------------------

def test_each_output_with_its_status_producer_and_date_per_source(store):
    found = {(short(r["o"]), short(r["status"]), short(r["g"])) for r in rows(store, """
        SELECT ?o ?status ?g WHERE { GRAPH ?g { ?o adms:status ?status } ?o a cc:Output }""")}
    expected = {
        ("web-portal", "completed", "rra-2011-07-26"),
        ("final-conference-invitation", "completed", "seed"),
        ("benchmarking-study", "completed", "dex"),
        ("benchmarking-study", "completed", "final-deck"),
        ("thematic-scans", "planned", "slides"),
        ("strategic-plans", "planned", "slides"),
        ("cooperation-agreements", "planned", "slides"),
        ("training-materials", "planned", "slides"),
    } | {(f"strategic-plan-{m}", "planned", "rra-2012-forums-further-planned") for m in META} \
      | {(f"cooperation-agreement-{m}", "planned", "rra-2012-forums-further-planned") for m in META}
    assert found == expected
    dates = {short(r["o"]): r["d"] for r in rows(store, """SELECT ?o ?d WHERE {
        ?o a cc:Output . { ?o dct:issued ?d } UNION { ?o cc:plannedFor ?d } }""")}
    assert dates["web-portal"] == "2011-05"
    assert dates["strategic-plan-ict"] == "2012"
    assert dates["cooperation-agreement-ict"] == "2013-02-06"
    counts = {short(r["o"]): int(r["n"]) for r in rows(
        store, "SELECT ?o ?n WHERE { ?o cc:plannedCount ?n }")}
    assert counts == {"thematic-scans": 5, "strategic-plans": 5, "cooperation-agreements": 3}
    creators = {short(r["o"]): short(r["c"]) for r in rows(
        store, "SELECT ?o ?c WHERE { ?o a cc:Output ; dct:creator ?c }")}
    assert creators["benchmarking-study"] == "clusters-cord"
    assert creators["web-portal"] == "clusters-cord"
    assert creators["strategic-plan-tourism"] == "tourism"
    assert store.select("SELECT ?o WHERE { ?o a cc:Output ; prov:wasGeneratedBy ?p }") == []


def test_benchmarking_results_presented_at_the_milan_conference(store):
    assert store.ask(f"""ASK {{ GRAPH <{GRAPH}rra-2012-forums-launched> {{
        <{BASE}id/event/benchmarking-conference-milan>
            cc:presents <{BASE}id/output/benchmarking-study> }} }}""")


# ---- project facts ---------------------------------------------------------------------

def test_three_phases_from_the_dex_page(store):
    found = [(r["n"], r["en"]) for r in rows(store, f"""SELECT ?n ?en WHERE {{ GRAPH <{GRAPH}dex> {{
        ?p a cc:ProjectPhase ; dct:isPartOf {PROJECT} ; schema:position ?n ; skos:prefLabel ?en
        FILTER(LANG(?en) = "en") }} }} ORDER BY ?n""")]
    assert found == [("1", "Launch and management structures"),
                     ("2", "Tools, research and exchange of experience"),
                     ("3", "Cooperation between clusters and creation of meta-clusters")]


def test_priority_and_area_of_intervention_from_the_rehosted_pages(store):
    found = rows(store, f"""SELECT ?aoi ?n ?priority ?p WHERE {{ GRAPH <{GRAPH}ce13a> {{
        <{BASE}id/grant/clusters-cord> schema:funder ?aoi . ?aoi skos:notation ?n ;
        dct:isPartOf ?priority . ?priority skos:notation ?p }} }}""")
    assert found == [{"aoi": f"{BASE}id/programme/central-europe-aoi-1-1", "n": "1.1",
                      "priority": f"{BASE}id/programme/central-europe-priority-1", "p": "1"}]
    assert store.ask(f"ASK {{ <{GRAPH}ce13a> cc:confidence cc:low }}")


def test_erdf_rate_85_per_cent_for_czech_partners(store):
    found = rows(store, f"""SELECT ?rate ?country WHERE {{ GRAPH <{GRAPH}rra-2010-06-16> {{
        <{BASE}id/grant/clusters-cord> cc:cofinancingRate [ cc:ratePercent ?rate ;
            dct:spatial ?country ] }} }}""")
    assert [(Decimal(r["rate"]), r["country"]) for r in found] == [
        (Decimal(85), "http://publications.europa.eu/resource/authority/country/CZE")]


def test_about_30_clusters_involved(store):
    assert rows(store, f"""SELECT ?n WHERE {{ GRAPH <{GRAPH}rra-2012-forums-further> {{
        {PROJECT} cc:approximateClusterCount ?n }} }}""") == [{"n": "30"}]


def test_ten_pre_identified_industries_with_professional_services(store):
    members = {short(r["s"]) for r in rows(store, f"""SELECT ?s WHERE {{ GRAPH <{GRAPH}slides> {{
        <{BASE}id/scheme/pre-identified-industries> skos:member ?s }} }}""")}
    assert len(members) == 10 and "professional-services" in members and "ict" in members
    graphs = {short(r["g"]) for r in rows(store, f"""SELECT ?g WHERE {{ GRAPH ?g {{
        {PROJECT} dct:subject <{BASE}id/sector/professional-services> }} }}""")}
    assert {"wrs", "slides"} <= graphs
    counts = {short(r["g"]) for r in rows(store, f"""SELECT ?g WHERE {{ GRAPH ?g {{
        {PROJECT} cc:statedIndustryCount 10 }} }}""")}
    assert counts == {"rra-2010-06-16", "wrs", "slides", "czechinvest"}


def test_partner_numbers_of_the_wroclaw_news(store):
    found = {short(r["org"]): r["n"] for r in rows(store, f"""SELECT ?org ?n WHERE {{
        GRAPH <{GRAPH}rra-2010-06-16> {{ ?m org:member ?org ; skos:notation ?n }} }}""")}
    assert found == {"wrs": "PP2", "prra-ttsk": "PP3", "rda-celje": "PP4", "mid-pannon": "PP5",
                     "arr-bielsko-biala": "PP6", "wko-ooe": "PP7", "milano-metropoli": "PP8"}


def test_the_seeds_second_aim(store):
    aims = {r["a"] for r in rows(store, f"""SELECT ?a WHERE {{ GRAPH <{GRAPH}seed> {{
        {PROJECT} cc:aim ?a FILTER(LANG(?a) = "en") }} }}""")}
    assert len(aims) == 2
    assert any("group into clusters" in a for a in aims)


# ---- conflicts, side by side -----------------------------------------------------------

def test_start_1_march_or_april_2010_each_with_its_source(store):
    found = {(short(r["g"]), r["s"]) for r in rows(store, f"""SELECT ?g ?s WHERE {{ GRAPH ?g {{
        {PROJECT} dct:temporal/dcat:startDate ?s }} }}""")}
    assert found == {("seed", "2010-03"), ("dex", "2010-03"), ("final-deck", "2010-03-01"),
                     ("slides", "2010-04")}


def test_production_technologies_or_health_among_the_five_fields(store):
    fields = {}
    for r in rows(store, f"SELECT ?g ?s WHERE {{ GRAPH ?g {{ {PROJECT} cc:focusSector ?s }} }}"):
        fields.setdefault(short(r["g"]), set()).add(short(r["s"]))
    common = {"ict", "tourism", "energy-environment", "food-processing"}
    assert fields == {"rra-2011-07-26": common | {"production-technologies"},
                      "rra-2012-forums-launched": common | {"health-sciences"},
                      "rra-2012-forums-further": common | {"health-sciences"}}
    selected = {short(r["s"]) for r in rows(store, f"""SELECT ?s WHERE {{ GRAPH <{GRAPH}slides> {{
        <{BASE}id/scheme/selected-industries> skos:member ?s }} }}""")}
    assert selected == common | {"health-sciences"}


def test_which_slovenian_partner_each_with_its_source(store):
    found = {(short(r["g"]), short(r["org"])) for r in rows(store, f"""SELECT ?g ?org WHERE {{
        GRAPH ?g {{ ?m org:member ?org ; org:organization {PROJECT} ;
            org:role <{BASE}id/role/partner> }}
        ?org cc:country <http://publications.europa.eu/resource/authority/country/SVN> }}""")}
    assert found == {("seed", "rda-celje"), ("rra-2010-06-16", "rda-celje"),
                     ("ce13a", "bsc-kranj"), ("dex", "bsc-kranj"),
                     ("czechinvest-partners", "rra-gorenjska")}
    levels = {short(r["g"]): short(r["c"]) for r in rows(store, """SELECT ?g ?c WHERE {
        VALUES ?g { <https://data.clusterscord.eu/graph/ce13a>
                    <https://data.clusterscord.eu/graph/dex>
                    <https://data.clusterscord.eu/graph/czechinvest-partners> }
        ?g cc:confidence ?c }""")}
    assert levels == {"ce13a": "low", "dex": "medium", "czechinvest-partners": "medium"}


def test_health_met_at_linz_or_stuttgart_each_with_its_source(store):
    found = {(short(r["e"]), short(r["g"])) for r in rows(store, f"""SELECT ?e ?g WHERE {{
        GRAPH ?g {{ ?e dct:subject <{BASE}id/sector/health-sciences> }}
        ?e dct:type cc:exchange-forum }}""")}
    assert found == {("exchange-forum-linz", "rra-2012-forums-launched-planned"),
                     ("exchange-forum-stuttgart", "rra-2012-forums-further-planned")}


# ---- for the cluster observatory -------------------------------------------------------

def test_cluster_related_organisations_typed_by_what_they_are(store):
    assert store.ask(f"ASK {{ <{BASE}id/organisation/nca> a cc:ClusterAssociation }}")
    assert store.select("SELECT ?o WHERE { ?o a cc:Cluster , cc:ClusterAssociation }") == []
    assert store.select("SELECT ?o WHERE { ?o a cc:Cluster , cc:DevelopmentAgency }") == []
    agencies = {short(r["o"]) for r in rows(store, "SELECT ?o WHERE { ?o a cc:DevelopmentAgency }")}
    assert {"rra-uk", "wrs", "arleg", "czechinvest"} <= agencies
    assert store.ask(f"ASK {{ <{BASE}id/organisation/aip-cr> a cc:NationalAssociation }}")


def test_every_sector_maps_to_nace_and_those_with_an_ecosystem_to_it(store):
    found = {}
    for r in rows(store, """SELECT ?s ?e ?g WHERE { GRAPH ?g { ?s cc:industrialEcosystem ?e } }"""):
        found.setdefault(short(r["s"]), set()).add((short(r["e"]), short(r["g"])))
    assert found["tourism"] == {("tourism", "sector-ecosystems")}
    assert found["food-processing"] == {("agri-food", "sector-ecosystems")}
    assert found["health-sciences"] == {("health", "sector-ecosystems")}
    assert {g for _e, g in found["wood-industries"]} == {"sector-ecosystems-low"}
    assert "professional-services" not in found
    ecosystems = rows(store, f"""SELECT (COUNT(?e) AS ?n) WHERE {{
        ?e skos:inScheme <{BASE}id/scheme/industrial-ecosystem> }}""")
    assert ecosystems == [{"n": "14"}]
    assert store.ask(f"""ASK {{ <{GRAPH}sector-ecosystems> prov:wasDerivedFrom ?src .
        ?src schema:url <https://clustercollaboration.eu/typology> }}""")
