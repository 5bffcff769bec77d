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
}
