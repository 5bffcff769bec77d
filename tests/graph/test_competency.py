"""Competency questions: every fact F1–F18 of the seed page, answered exactly by SPARQL."""

from __future__ import annotations

from decimal import Decimal

BASE = "https://data.clusterscord.eu/"
PROJECT = f"<{BASE}id/project/clusters-cord>"
SEED = f"<{BASE}graph/seed>"
COUNTRY = "http://publications.europa.eu/resource/authority/country/"


def values(store, query: str, var: str) -> list[str]:
    return [row[var].value for row in store.select(query) if var in row]


def test_f1_names_acronym_code_and_website(store):
    rows = store.select(f"""
        SELECT ?name ?title ?acronym ?code ?homepage WHERE {{ GRAPH {SEED} {{
          {PROJECT} skos:prefLabel ?name ; dct:title ?title ; skos:altLabel ?acronym ;
              adms:identifier/skos:notation ?code ; foaf:homepage ?homepage .
          FILTER(LANG(?name) = "en" && LANG(?acronym) = "en") }} }}""")
    assert len(rows) == 1
    row = {k: v.value for k, v in rows[0].items()}
    assert row == {
        "name": "Clusters Cord",
        "title": "Clusters and Cooperation for Regional Development in Central Europe",
        "acronym": "CLUSTERS-CORD",
        "code": "2CE202P1",
        "homepage": "http://www.clusterscord.eu",
    }


def test_f2_programme_second_call_and_erdf(store):
    rows = store.select(f"""
        SELECT ?call ?number ?programme ?fund WHERE {{ GRAPH {SEED} {{
          ?grant schema:fundedItem {PROJECT} ; schema:funder ?call , ?fund .
          ?call dct:isPartOf ?programme ; skos:notation ?number .
          ?programme schema:funder ?fund . }} }}""")
    assert [(r["call"].value, r["number"].value, r["programme"].value, r["fund"].value)
            for r in rows] == [(f"{BASE}id/programme/central-europe-call-2", "2",
                                f"{BASE}id/programme/central-europe", f"{BASE}id/fund/erdf")]
    labels = values(store, f"""SELECT ?l WHERE {{ <{BASE}id/programme/central-europe>
        skos:prefLabel ?l }} ORDER BY ?l""", "l")
    assert labels == ["CENTRAL EUROPE Programme",
                      "Operační program Nadnárodní spolupráce Střední Evropa"]


def test_f3_start_end_and_36_months(store):
    rows = store.select(f"""
        SELECT ?start ?end ?months WHERE {{ GRAPH {SEED} {{
          {PROJECT} dct:temporal ?t .
          ?t dcat:startDate ?start ; dcat:endDate ?end ; time:hasXSDDuration ?d . }}
          BIND(?d = "P36M"^^xsd:duration AS ?months) }}""")
    assert len(rows) == 1
    assert rows[0]["start"].value == "2010-03"
    assert rows[0]["start"].datatype.value.endswith("#gYearMonth")
    assert rows[0]["end"].value == "2013-02"
    assert rows[0]["months"].value == "true"
    assert values(store, "SELECT ?m WHERE { ?p eurio:duration ?m }", "m") == ["36"]


def test_f4_budget_1460000_eur(store):
    rows = store.select(f"""
        SELECT ?value ?currency ?iri ?source WHERE {{ GRAPH {SEED} {{
          {PROJECT} cc:budget ?a .
          ?a schema:value ?value ; schema:currency ?currency ; m8g:currency ?iri ;
             prov:wasDerivedFrom ?source . }} }}""")
    assert len(rows) == 1
    assert Decimal(rows[0]["value"].value) == Decimal(1460000)
    assert rows[0]["value"].datatype.value.endswith("#decimal")
    assert rows[0]["currency"].value == "EUR"
    assert rows[0]["iri"].value == "http://publications.europa.eu/resource/authority/currency/EUR"
    assert rows[0]["source"].value == f"{BASE}id/source/rra-uk-project-page"


def test_f5_ten_partners_with_their_countries(store):
    rows = store.select(f"""
        SELECT ?org ?country WHERE {{ GRAPH {SEED} {{
          ?m org:organization {PROJECT} ; org:member ?org ; org:role ?role .
          VALUES ?role {{ <{BASE}id/role/lead-partner> <{BASE}id/role/partner> }}
          ?org cc:country ?country . }} }}""")
    found = {r["org"].value.rsplit("/", 1)[1]: r["country"].value[len(COUNTRY):] for r in rows}
    assert len(rows) == 10
    assert found == {
        "rra-uk": "CZE", "wrs": "DEU", "prra-ttsk": "SVK", "rda-celje": "SVN",
        "mid-pannon": "HUN", "arr-bielsko-biala": "POL", "wko-ooe": "AUT",
        "milano-metropoli": "ITA", "arleg": "POL", "cvvirr": "CZE",
    }
    stated = values(
        store, f"SELECT ?n WHERE {{ GRAPH {SEED} {{ {PROJECT} cc:statedPartnerCount ?n }} }}", "n")
    assert stated == ["10"]


def test_f6_lead_partner(store):
    rows = store.select(f"""
        SELECT ?org ?name ?acronym WHERE {{ GRAPH {SEED} {{
          ?m org:organization {PROJECT} ; org:member ?org ; org:role <{BASE}id/role/lead-partner> .
          ?org skos:prefLabel ?name ; skos:altLabel ?acronym . FILTER(LANG(?name) = "cs") }} }}""")
    assert [(r["org"].value, r["name"].value, r["acronym"].value) for r in rows] == [
        (f"{BASE}id/organisation/rra-uk", "Regionální rozvojová agentura Ústeckého kraje, a.s.",
         "RRA ÚK")]


def test_f7_aim_smes_cluster_networks_and_european_meta_cluster(store):
    aim = values(store, f"""SELECT ?a WHERE {{ {PROJECT} cc:aim ?a
        FILTER(LANG(?a) = "cs") }} ORDER BY ?a""", "a")
    assert aim == ["Cílem projektu je podpora malých a středních podniků (SME) při zakládání a "
                   "rozvoji sítí klastrů ve všech partnerských zemích.",
                   "Prostřednictvím mezinárodní spolupráce podpořit rozvoj a konkurenceschopnost "
                   "malých a středních podniků a jejich sdružování do klastrů, a tím i rozvoj "
                   "jednotlivých regionů."]
    description = values(store, f"""SELECT ?d WHERE {{ {PROJECT} dct:description ?d
        FILTER(LANG(?d) = "cs") }}""", "d")
    assert len(description) == 1 and "vytvořením evropského metaklastru" in description[0]


def test_f8_nine_sectors_in_czech_and_english(store):
    rows = store.select(f"""
        SELECT ?cs ?en WHERE {{ GRAPH {SEED} {{ {PROJECT} dct:subject ?s .
          ?s skos:prefLabel ?cs , ?en . FILTER(LANG(?cs) = "cs" && LANG(?en) = "en") }} }}""")
    assert {(r["cs"].value, r["en"].value) for r in rows} == {
        ("mobilita a logistika", "Mobility and logistics"),
        ("ICT", "ICT"),
        ("automobilový průmysl a letectví", "Automotive industry and aviation"),
        ("cestovní ruch", "Tourism"),
        ("lékařské vědy", "Medical sciences"),
        ("energetika a životní prostředí", "Energy and environment"),
        ("výrobní technologie", "Manufacturing technologies"),
        ("dřevozpracující průmysl", "Wood-processing industry"),
        ("zpracování potravin", "Food processing"),
    }
    assert len(rows) == 9


def test_f8_sectors_link_nace_and_professional_services_only_with_its_source(store):
    unlinked = values(store, f"""SELECT ?s WHERE {{ {PROJECT} dct:subject ?s
        FILTER NOT EXISTS {{ ?s skos:relatedMatch ?n
          FILTER(STRSTARTS(STR(?n), "http://data.europa.eu/ux2/nace2/")) }} }}""", "s")
    assert unlinked == []
    graphs = values(store, f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{
        <{BASE}id/sector/professional-services> ?p ?o }} }} ORDER BY ?g""", "g")
    assert graphs == [f"{BASE}graph/{name}" for name in (
        "rules", "sector-ecosystems", "sector-nace-wrs", "wrs")]


def test_f9_work_packages_with_czech_titles(store):
    rows = store.select(f"""
        SELECT ?n ?title WHERE {{ GRAPH {SEED} {{ ?wp dct:isPartOf {PROJECT} ; skos:notation ?n ;
          skos:prefLabel ?title . FILTER(LANG(?title) = "cs") }} }} ORDER BY ?n""")
    assert [(r["n"].value, r["title"].value) for r in rows] == [
        ("WP1", "Řízení a koordinace"),
        ("WP2", "Komunikace, znalostní management a distribuce informací"),
        ("WP3", "Výměna zkušeností vedoucí k identifikaci osvědčených postupů"),
        ("WP4", "Spolupráce klastrů a vytvoření meta klastrů"),
    ]


def test_f10_at_least_three_meta_clusters_post_project(store):
    rows = store.select(f"""
        SELECT DISTINCT ?n ?class ?phase WHERE {{ {PROJECT} cc:target ?t .
          ?t cc:minimumCount ?n ; cc:targetClass ?class ; cc:phase ?phase .
          FILTER(LANG(?phase) = "en") }}""")
    assert [(r["n"].value, r["class"].value, r["phase"].value) for r in rows] == [
        ("3", f"{BASE}def/MetaCluster", "post-project phase")]
    facilitated = values(store, f"""SELECT ?m WHERE {{ ?m a cc:MetaCluster ;
        cc:facilitatedBy {PROJECT} }} ORDER BY ?m""", "m")
    assert [m.rsplit("/", 1)[1] for m in facilitated] == [
        "energy-environment", "food-processing", "health-sciences", "ict", "tourism"]


def test_f11_related_projects(store):
    names = values(store, f"""SELECT ?name WHERE {{ GRAPH {SEED} {{ {PROJECT} dct:relation ?p }}
        ?p skos:prefLabel ?name FILTER(LANG(?name) = "en") }} ORDER BY ?name""", "name")
    assert names == ["C-Plus", "CNCB"]


def test_f12_national_cluster_association_sought_for_cooperation_not_a_member(store):
    rows = store.select(f"""
        SELECT DISTINCT ?org ?name WHERE {{ GRAPH {SEED} {{ {PROJECT} cc:seeksCooperationWith ?org .
          ?org skos:prefLabel ?name . FILTER(LANG(?name) = "cs") }}
          ?org a cc:ClusterAssociation }}""")
    assert [(r["org"].value, r["name"].value) for r in rows] == [
        (f"{BASE}id/organisation/nca", "Národní klastrová asociace")]
    nca = f"<{BASE}id/organisation/nca>"
    assert not store.ask(f"ASK {{ {nca} a cc:Cluster }}")
    assert not store.ask(f"ASK {{ ?m org:member {nca} }}")


def test_f13_observers_and_the_european_cluster_observatory(store):
    observers = values(store, f"""SELECT ?label WHERE {{ GRAPH {SEED} {{
        ?m org:organization {PROJECT} ; org:member ?org ; org:role <{BASE}id/role/observer> .
        {{ ?org skos:altLabel ?label }}
        UNION {{ ?org skos:prefLabel ?label FILTER(LANG(?label) = "cs") }}
        }} }} ORDER BY ?label""", "label")
    assert observers == ["CzechInvest", "MMR", "MPO", "Ústecký kraj"]
    eco = values(store, f"""SELECT ?name WHERE {{ GRAPH {SEED} {{
        {PROJECT} cc:seeksCooperationWith ?org . FILTER NOT EXISTS {{ ?m org:member ?org }}
        ?org skos:prefLabel ?name FILTER(LANG(?name) = "en") }} }} ORDER BY ?name""", "name")
    assert eco == ["C-Plus", "CNCB", "European Cluster Observatory", "National Cluster Association"]


def test_f14_portal_document_types(store):
    types = values(store, f"""SELECT ?cs WHERE {{ GRAPH {SEED} {{
        <{BASE}id/output/web-portal> cc:documentType ?t . ?t skos:prefLabel ?cs
        FILTER(LANG(?cs) = "cs") }} }} ORDER BY ?cs""", "cs")
    assert sorted(types) == sorted([
        "Benchmarkingové studie", "komunikační plán", "mapování klastrů", "studie a analýzy",
        "strategické plány", "osvědčené postupy", "výměna zkušeností", "nadnárodní klastrování"])


def test_f15_exchange_visits(store):
    rows = store.select(f"""
        SELECT ?label WHERE {{ GRAPH {SEED} {{ ?a a cc:ProjectActivity ; dct:isPartOf {PROJECT} ;
          skos:prefLabel ?label .
          FILTER(LANG(?label) = "cs" && CONTAINS(?label, "návštěv")) }} }}""")
    assert [r["label"].value for r in rows] == [
        "Výměnné návštěvy zástupců, reprezentantů a manažerů klastrů, "
        "případně regionálních politiků"]


def test_f16_final_conference_date_and_address(store):
    rows = store.select(f"""
        SELECT ?date ?venue ?street ?locality WHERE {{ GRAPH {SEED} {{
          ?e a schema:Event ; dct:isPartOf {PROJECT} ; schema:startDate ?date ;
             schema:location ?p .
          ?p skos:prefLabel ?venue ; schema:address [ schema:streetAddress ?street ;
             schema:addressLocality ?locality ] . FILTER(LANG(?venue) = "en") }} }}""")
    assert len(rows) == 1
    assert rows[0]["date"].value == "2013-02-06"
    assert rows[0]["date"].datatype.value.endswith("#date")
    assert (rows[0]["venue"].value, rows[0]["street"].value, rows[0]["locality"].value) == (
        "Hotel Diplomat", "Evropská 15", "Praha 6")


def test_f17_contact_point(store):
    rows = store.select(f"""
        SELECT ?fn ?email ?tel ?written WHERE {{ GRAPH {SEED} {{ {PROJECT} dcat:contactPoint ?c .
          ?c a vcard:Individual ; vcard:fn ?fn ; vcard:hasEmail ?email ; vcard:hasTelephone ?tel ;
             vcard:note ?written . }} }}""")
    assert [tuple(r[v].value for v in ("fn", "email", "tel", "written")) for r in rows] == [
        ("Mgr. Dana Krejsová", "mailto:krejsova@rra.cz", "tel:+420475200016", "tel: 475 200 016")]


def test_f18_the_source_page(store):
    rows = store.select(f"""
        SELECT ?date ?language WHERE {{ {SEED} prov:wasDerivedFrom ?doc ; cc:confidence cc:high .
          ?doc a foaf:Document , prov:Entity ; dct:modified ?date ; dct:language ?language . }}""")
    assert [(r["date"].value, r["language"].value) for r in rows] == [
        ("2012-01-10T14:42:00",
         "http://publications.europa.eu/resource/authority/language/CES")]
    page = f"<{BASE}id/source/rra-uk-project-page>"
    assert values(store, f"SELECT ?u WHERE {{ {page} schema:url ?u }}", "u") == [
        "https://www.rra.cz/cs/clusters-cord-2/"]


def test_every_entity_has_one_english_label_and_one_per_language(store):
    missing = values(store, f"""SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
        FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{BASE}id/"))
        FILTER NOT EXISTS {{ ?s skos:prefLabel ?l FILTER(LANG(?l) = "en") }} }}""", "s")
    assert missing == []
    doubled = values(store, """SELECT ?s WHERE { ?s skos:prefLabel ?a , ?b
        FILTER(LANG(?a) = LANG(?b) && ?a != ?b) }""", "s")
    assert doubled == []


def test_every_linked_outside_iri_has_a_label(store):
    unlabelled = values(store, f"""SELECT DISTINCT ?o WHERE {{
        GRAPH ?g {{ ?s ?p ?o }}
        FILTER(?g NOT IN (<{BASE}graph/catalog>, <{BASE}graph/catalog-build>))
        FILTER(isIRI(?o) && REGEX(STR(?o),
          "^http://(publications\\\\.europa\\\\.eu/resource/authority|data\\\\.europa\\\\.eu/(nuts|ux2))/"))
        FILTER NOT EXISTS {{ ?o skos:prefLabel ?l FILTER(LANG(?l) = "en") }} }}""", "o")
    assert unlabelled == []


def test_every_named_graph_is_described_with_provenance(store):
    undescribed = values(store, """SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o }
        FILTER NOT EXISTS { ?g prov:wasDerivedFrom ?doc ; cc:confidence ?c .
                            ?doc a foaf:Document } }""", "g")
    assert undescribed == []


def test_regions_chain_up_to_a_country_matched_to_nuts_and_eu_country(store):
    orphans = values(store, """SELECT ?r WHERE { ?r a schema:AdministrativeArea ; cc:nutsLevel ?l
        FILTER(?l > 0) FILTER NOT EXISTS { ?r skos:broader ?b } }""", "r")
    assert orphans == []
    chain = values(store, f"""SELECT ?code WHERE {{ <{BASE}id/region/CZ042> skos:broader* ?r .
        ?r skos:notation ?code }} ORDER BY ?code""", "code")
    assert chain == ["CZ", "CZ0", "CZ04", "CZ042"]
    country = values(store, f"""SELECT ?m WHERE {{ <{BASE}id/region/CZ> skos:exactMatch ?m }}
        ORDER BY ?m""", "m")
    assert country == ["http://data.europa.eu/nuts/code/CZ", f"{COUNTRY}CZE"]
    changed = {(r["r"].value.rsplit("/", 1)[1], r["c"].value.rsplit("/", 1)[1])
               for r in store.select("SELECT ?r ?c WHERE { ?r cc:currentNutsCode ?c }")}
    assert changed == {("SI01", "SI03"), ("SI014", "SI034"), ("ITC45", "ITC4C")}


def test_unconfirmed_items_are_not_published(store):
    # Partner 10's seat and NUTS 3 are unconfirmed; its NUTS 2 is only low confidence.
    partner10 = f"<{BASE}id/organisation/cvvirr>"
    assert store.select(f"SELECT ?s WHERE {{ {partner10} org:hasSite ?s }}") == []
    assert [(r["g"].value, r["r"].value) for r in store.select(
        f"SELECT ?g ?r WHERE {{ GRAPH ?g {{ {partner10} dct:spatial ?r }} }}")] == [
        (f"{BASE}graph/ce13a", f"{BASE}id/region/CZ06")]
    # The Slovene name of RDA Celje and the full names of CNCB and C-Plus are unconfirmed.
    assert store.select(f"""SELECT ?l WHERE {{ <{BASE}id/organisation/rda-celje> skos:prefLabel ?l
        FILTER(LANG(?l) = "sl") }}""") == []
    # BSC Kranj appears only in its low-confidence source graph (and what rules derive).
    graphs = values(store, f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{
        ?m org:member <{BASE}id/organisation/bsc-kranj> }} }}""", "g")
    assert graphs == [f"{BASE}graph/ce13a", f"{BASE}graph/dex"]
    assert store.select(f"""SELECT ?x WHERE {{ ?x org:memberOf ?p .
        FILTER(?x = <{BASE}id/organisation/bsc-kranj>) }}""") == []


def test_partner_seats_have_map_points(store):
    rows = store.select(f"""SELECT DISTINCT ?org ?lat ?long ?wkt WHERE {{
        ?m org:organization {PROJECT} ; org:member ?org ; org:role ?role .
        VALUES ?role {{ <{BASE}id/role/lead-partner> <{BASE}id/role/partner> }}
        ?org org:hasSite ?site . ?site wgs84:lat ?lat ; wgs84:long ?long ;
             geo:hasGeometry/geo:asWKT ?wkt . }}""")
    assert len(rows) == 9
    for row in rows:
        long, lat = row["wkt"].value.removeprefix("POINT(").removesuffix(")").split()
        assert Decimal(long) == Decimal(row["long"].value)
        assert Decimal(lat) == Decimal(row["lat"].value)
        assert row["lat"].datatype.value.endswith("#decimal")


def test_conflicting_start_month_and_budget_are_both_kept(store):
    starts = {(r["g"].value.rsplit("/", 1)[1], r["s"].value) for r in store.select(
        f"SELECT ?g ?s WHERE {{ GRAPH ?g {{ {PROJECT} dct:temporal/dcat:startDate ?s }} }}")}
    assert starts == {("seed", "2010-03"), ("slides", "2010-04"), ("dex", "2010-03"),
                      ("final-deck", "2010-03-01")}
    budgets = {(r["g"].value.rsplit("/", 1)[1], Decimal(r["v"].value)) for r in store.select(
        f"SELECT ?g ?v WHERE {{ GRAPH ?g {{ {PROJECT} cc:budget ?a }} ?a schema:value ?v }}")}
    assert budgets == {("seed", Decimal("1460000")), ("ce13a", Decimal("1358494.68")),
                       ("ce13b", Decimal("1460334.99"))}
