"""User-interface strings in English and Czech. Add keys here, never inline in templates."""

MESSAGES: dict[str, dict[str, str]] = {
    "site.title": {"en": "Clusters Cord knowledge graph", "cs": "Znalostní graf Clusters Cord"},
    "site.tagline": {
        "en": "Linked open data of the Interreg CENTRAL EUROPE project 2CE202P1 (2010–2013)",
        "cs": "Propojená otevřená data projektu Interreg CENTRAL EUROPE 2CE202P1 (2010–2013)",
    },
    "nav.home": {"en": "Home", "cs": "Úvod"},
    "nav.browse": {"en": "Browse", "cs": "Procházet"},
    "nav.sparql": {"en": "SPARQL", "cs": "SPARQL"},
    "nav.catalog": {"en": "Catalogue", "cs": "Katalog"},
    "nav.ontology": {"en": "Ontology", "cs": "Ontologie"},
    "nav.main": {"en": "Main navigation", "cs": "Hlavní navigace"},
    "search.label": {"en": "Search", "cs": "Hledat"},
    "search.placeholder": {"en": "Search names and labels…", "cs": "Hledat názvy a označení…"},
    "lang.switch": {"en": "Česky", "cs": "English"},
    "lang.switch.label": {"en": "Language", "cs": "Jazyk"},
    "footer.licence": {
        "en": "Data under CC BY 4.0. Sources are named on every page.",
        "cs": "Data pod licencí CC BY 4.0. Zdroje jsou uvedeny na každé stránce.",
    },
    "skip": {"en": "Skip to content", "cs": "Přeskočit na obsah"},
    "sparql.title": {"en": "SPARQL query", "cs": "Dotaz SPARQL"},
    "sparql.intro": {
        "en": "Query the graph in SPARQL 1.1. The default graph is the union of all named graphs.",
        "cs": "Dotazujte se na graf v jazyce SPARQL 1.1. Výchozí graf je sjednocením všech "
              "pojmenovaných grafů.",
    },
    "sparql.query": {"en": "Query", "cs": "Dotaz"},
    "sparql.format": {"en": "Result format", "cs": "Formát výsledku"},
    "sparql.format.html": {"en": "Table on this page", "cs": "Tabulka na této stránce"},
    "sparql.run": {"en": "Run query", "cs": "Spustit dotaz"},
    "sparql.examples": {"en": "Example queries", "cs": "Ukázkové dotazy"},
    "sparql.examples.run": {"en": "Run", "cs": "Spustit"},
    "sparql.results": {"en": "Results", "cs": "Výsledky"},
    "sparql.rows": {"en": "{count} rows", "cs": "Řádků: {count}"},
    "sparql.truncated": {
        "en": "Only the first {count} rows are shown: the result reached the row limit.",
        "cs": "Zobrazeno jen prvních {count} řádků: výsledek dosáhl limitu řádků.",
    },
    "sparql.true": {"en": "Yes (true)", "cs": "Ano (true)"},
    "sparql.false": {"en": "No (false)", "cs": "Ne (false)"},
    "sparql.error": {"en": "The query was not answered", "cs": "Dotaz nebyl zodpovězen"},
    "sparql.limits": {
        "en": "Limits: {seconds} s per query, {rows} rows per result. Machine access: "
              "this same URL speaks the SPARQL 1.1 Protocol.",
        "cs": "Limity: {seconds} s na dotaz, {rows} řádků na výsledek. Strojový přístup: "
              "tatáž adresa podporuje protokol SPARQL 1.1.",
    },
    # Entity pages, browse, search, ontology documentation.
    "home.heading": {"en": "Clusters Cord knowledge graph", "cs": "Znalostní graf Clusters Cord"},
    "home.intro": {
        "en": "Open, linked data about the Interreg CENTRAL EUROPE project Clusters Cord "
              "(2CE202P1, 2010–2013): ten regional development agencies and chambers from "
              "eight countries that brought clusters together across borders. Every fact "
              "names its source; where sources disagree, every figure is kept.",
        "cs": "Otevřená propojená data o projektu Interreg CENTRAL EUROPE Clusters Cord "
              "(2CE202P1, 2010–2013): deset regionálních rozvojových agentur a komor z osmi "
              "zemí, které propojovaly klastry přes hranice. Každý údaj uvádí svůj zdroj; "
              "kde se zdroje rozcházejí, jsou zachovány všechny hodnoty.",
    },
    "home.projects": {"en": "The project at a glance", "cs": "Projekt v kostce"},
    "home.browse": {"en": "Browse by type", "cs": "Procházet podle typu"},
    "home.machines": {"en": "For machines and developers", "cs": "Pro stroje a vývojáře"},
    "home.sparql": {"en": "SPARQL endpoint and query page", "cs": "SPARQL endpoint a dotazy"},
    "home.catalog": {"en": "DCAT-AP catalogue", "cs": "Katalog DCAT-AP"},
    "home.dumps": {"en": "Complete dumps", "cs": "Kompletní exporty"},
    "home.ontology": {"en": "Ontology documentation", "cs": "Dokumentace ontologie"},
    "home.openapi": {"en": "HTTP API (OpenAPI)", "cs": "HTTP API (OpenAPI)"},
    "home.stats": {
        "en": "{entities} entities, {triples} statements; built {built}.",
        "cs": "{entities} entit, {triples} výroků; sestaveno {built}.",
    },
    "nav.breadcrumbs": {"en": "Breadcrumbs", "cs": "Drobečková navigace"},
    "entity.types": {"en": "Type", "cs": "Typ"},
    "entity.iri": {"en": "Identifier (IRI)", "cs": "Identifikátor (IRI)"},
    "entity.other": {"en": "Other statements", "cs": "Další údaje"},
    "entity.incoming": {"en": "Linked from", "cs": "Odkazují sem"},
    "entity.incoming.count": {"en": "{count} in all", "cs": "celkem {count}"},
    "entity.more": {"en": "Next {size}", "cs": "Dalších {size}"},
    "entity.first": {"en": "Back to the first page", "cs": "Zpět na první stránku"},
    "entity.sources": {"en": "Sources", "cs": "Zdroje"},
    "entity.source": {"en": "Source", "cs": "Zdroj"},
    "entity.value": {"en": "Value", "cs": "Hodnota"},
    "entity.disputed": {
        "en": "Sources disagree: every value is shown with its source.",
        "cs": "Zdroje se rozcházejí: každá hodnota je uvedena se svým zdrojem.",
    },
    "entity.formats": {"en": "This page as data", "cs": "Tato stránka jako data"},
    "entity.members": {"en": "Partners and observers", "cs": "Partneři a pozorovatelé"},
    "entity.role": {"en": "Role", "cs": "Role"},
    "entity.organisation": {"en": "Organisation", "cs": "Organizace"},
    "entity.truncated": {"en": "and {count} more", "cs": "a dalších {count}"},
    "map.title": {"en": "Seats of the partners", "cs": "Sídla partnerů"},
    "map.caption": {
        "en": "{count} seats with known coordinates. Outlines: Natural Earth.",
        "cs": "{count} sídel se známými souřadnicemi. Obrysy: Natural Earth.",
    },
    "map.list": {"en": "Seats", "cs": "Sídla"},
    "browse.title": {"en": "Browse the data", "cs": "Procházet data"},
    "browse.count": {"en": "{count} entities", "cs": "{count} entit"},
    "browse.page": {"en": "Page {page} of {pages}", "cs": "Stránka {page} z {pages}"},
    "pager.previous": {"en": "Previous", "cs": "Předchozí"},
    "pager.next": {"en": "Next", "cs": "Další"},
    "pager.label": {"en": "Pages", "cs": "Stránky"},
    "search.title": {"en": "Search", "cs": "Hledání"},
    "search.results": {
        "en": "{total} results for “{query}”", "cs": "{total} výsledků pro „{query}“",
    },
    "search.none": {"en": "Nothing found.", "cs": "Nic nenalezeno."},
    "search.hint": {
        "en": "Search names and labels in every language; accents and case do not matter.",
        "cs": "Hledejte názvy a označení ve všech jazycích; na diakritice a velikosti "
              "písmen nezáleží.",
    },
    "search.filter": {"en": "Filter by type", "cs": "Filtrovat podle typu"},
    "search.all": {"en": "All types", "cs": "Všechny typy"},
    "search.apply": {"en": "Apply", "cs": "Použít"},
    "ontology.title": {"en": "Ontology", "cs": "Ontologie"},
    "ontology.classes": {"en": "Classes", "cs": "Třídy"},
    "ontology.properties": {"en": "Properties", "cs": "Vlastnosti"},
    "ontology.schemes": {"en": "Concept schemes", "cs": "Schémata pojmů"},
    "ontology.super": {"en": "Specialises", "cs": "Specializuje"},
    "ontology.domain": {"en": "Domain", "cs": "Definiční obor"},
    "ontology.range": {"en": "Range", "cs": "Obor hodnot"},
    "ontology.shapes": {"en": "Constraints (SHACL)", "cs": "Omezení (SHACL)"},
    "ontology.on": {"en": "On", "cs": "Na"},
    "ontology.path": {"en": "Property", "cs": "Vlastnost"},
    "ontology.cardinality": {"en": "Count", "cs": "Počet"},
    "ontology.download": {"en": "The ontology file", "cs": "Soubor ontologie"},
    "notfound.title": {"en": "Not found", "cs": "Nenalezeno"},
    "notfound.text": {
        "en": "There is nothing here. Try the search, or browse the data.",
        "cs": "Zde nic není. Zkuste hledání nebo procházení dat.",
    },
}
