"""The benchmark's workloads: the SPARQL query mix and the entity pages.

Every query is written against the generated data's sample entities (``generated.json``),
so each answers something real at every size.
"""

from __future__ import annotations

from dataclasses import dataclass

PROLOGUE = """\
PREFIX cc: <https://data.clusterscord.eu/def/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <http://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dct: <http://purl.org/dc/terms/>
"""


@dataclass(frozen=True)
class Workload:
    name: str
    kind: str  # "query" (any SPARQL server) or "page" (our server only)
    text: str  # the SPARQL query, or the page path
    accept: str = "application/sparql-results+json"


def queries(summary: dict) -> list[Workload]:
    samples = summary["samples"]
    project, organisation = samples["project"], samples["organisation"]
    middle = max(0, summary["entities"].get("project", 0) // 2)
    label = samples["label"].lower()
    mix = {
        "entity lookup": f"SELECT ?p ?o WHERE {{ <{project}> ?p ?o }}",
        "partners of a project": (
            f"SELECT ?org ?label WHERE {{ ?m org:organization <{project}> ; org:member ?org . "
            "?org skos:prefLabel ?label }"
        ),
        "count by country": (
            "SELECT ?country (COUNT(?o) AS ?n) WHERE { ?o cc:country ?country } "
            "GROUP BY ?country ORDER BY DESC(?n)"
        ),
        "sector facet": (
            "SELECT ?sector (COUNT(?p) AS ?n) WHERE { ?p a schema:Project ; dct:subject ?sector } "
            "GROUP BY ?sector ORDER BY DESC(?n)"
        ),
        "label search": (
            "SELECT ?s ?label WHERE { ?s skos:prefLabel ?label "
            f'FILTER(CONTAINS(LCASE(STR(?label)), "{label}")) }} LIMIT 20'
        ),
        "two-hop join": (
            f"SELECT ?other (COUNT(*) AS ?n) WHERE {{ ?m1 org:member <{organisation}> ; "
            "org:organization ?p . ?m2 org:organization ?p ; org:member ?other } GROUP BY ?other"
        ),
        "aggregate": (
            "SELECT ?region (COUNT(DISTINCT ?o) AS ?orgs) (COUNT(?m) AS ?memberships) WHERE { "
            "?o dct:spatial ?region . ?m org:member ?o } GROUP BY ?region "
            "ORDER BY DESC(?memberships) LIMIT 10"
        ),
        "DESCRIBE": f"DESCRIBE <{organisation}>",
        "CONSTRUCT neighbourhood": (
            f"CONSTRUCT {{ <{project}> ?p ?o . ?s ?q <{project}> }} WHERE {{ "
            f"{{ <{project}> ?p ?o }} UNION {{ ?s ?q <{project}> }} }}"
        ),
        "ORDER BY + OFFSET page": (
            "SELECT ?p ?label WHERE { ?p a schema:Project ; skos:prefLabel ?label "
            f'FILTER(LANG(?label) = "en") }} ORDER BY ?label OFFSET {middle} LIMIT 50'
        ),
    }
    out = []
    for name, text in mix.items():
        graph = text.startswith(("DESCRIBE", "CONSTRUCT"))
        accept = "application/n-triples" if graph else "application/sparql-results+json"
        out.append(Workload(name, "query", PROLOGUE + text, accept))
    return out


def pages(summary: dict, base_iri: str = "https://data.clusterscord.eu/") -> list[Workload]:
    project = summary["samples"]["project"].removeprefix(base_iri + "id/")
    hub = summary["hub"]["iri"].removeprefix(base_iri + "id/")
    return [
        Workload("entity page HTML", "page", f"/doc/{project}", "text/html"),
        Workload("entity page Turtle", "page", f"/doc/{project}.ttl", "text/turtle"),
        Workload(f"hub page HTML ({summary['hub']['incoming']} links in)", "page",
                 f"/doc/{hub}", "text/html"),
    ]
