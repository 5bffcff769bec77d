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
}
