"""A deployment on another base IRI is whole: built on it, served as built, answering the same.

Every IRI under the source base moves onto the configured base — in the data and in our
own SPARQL files — except the vocabulary (/def/), which is the same in every deployment.
The project is built on ``http://127.0.0.1:{port}/`` and served on that very port (with the
serve-time setting left at the default base, so the web must take the base from the
generation), beside the session's build on the default base; both are asked the same.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pyoxigraph as ox
import pytest
import requests

from publisher.artefacts.display import Display
from publisher.build.pipeline import build
from publisher.core.config import DEFAULT_BASE_IRI, load_settings
from publisher.core.iris import SOURCE_BASE, VOCABULARY
from publisher.core.scheme import Scheme
from publisher.store.oxigraph import OxigraphStore
from tests.conftest import ROOT
from tests.live import serving
from tests.production import free_port

TIMEOUT = 60
BROWSER = "text/html,application/xhtml+xml"
SELECT_JSON = "application/sparql-results+json"
NAMED_QUERIES = sorted(path.stem for path in (ROOT / "sparql" / "queries").glob("*.rq"))
_BLANK = re.compile(r"_:[A-Za-z0-9]+")


@pytest.fixture(scope="module")
def rebased(tmp_path_factory):
    """The project built on a loopback base, and served there with a default-base setting."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    var = tmp_path_factory.mktemp("rebased-var")
    generation = build(load_settings(root=ROOT, var_dir=var, environ={}, base_iri=base))
    serve_settings = load_settings(root=ROOT, var_dir=var, environ={})
    assert serve_settings.base_iri == DEFAULT_BASE_IRI != base
    store = OxigraphStore(generation)
    with serving(serve_settings, port=port) as site:
        assert site + "/" == base
        yield Scheme(base), generation, store, site
    store.close()


@pytest.fixture(scope="module")
def default(built):
    """The session's build on the default base, served on a port of its own."""
    with serving(built.settings) as site:
        yield built.generation, site


def get(url: str, accept: str | None = None, **params) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    response = requests.get(url, headers=headers, params=params, timeout=TIMEOUT,
                            allow_redirects=False)
    assert response.status_code == 200, f"{url} {params}: {response.status_code}"
    return response


def blind(text: str) -> str:
    """Text with every blank node label the same (labels differ from store to store)."""
    return _BLANK.sub("_:b", text)


def unbased(text: str, scheme: Scheme) -> str:
    """Text with the deployment's base written back as the source base, blank nodes blind."""
    return blind(text.replace(scheme.base, SOURCE_BASE))


def canonical(value):
    """A JSON value with its lists in a fixed order and blank nodes blind: what two stores
    answer alike whatever order they list things in (the sources of a value, the rows of a
    result, the parts a GROUP_CONCAT joins, whose order SPARQL leaves open)."""
    if isinstance(value, dict):
        if value.get("type") == "bnode":
            return {"type": "bnode"}
        out = {key: canonical(item) for key, item in value.items()}
        text = out.get("value")
        if out.get("type") == "literal" and isinstance(text, str):
            for separator in (", ", " "):
                parts = text.split(separator)
                if len(parts) > 1 and (separator == ", " or all(
                        part.startswith(("http://", "https://")) for part in parts)):
                    out["value"] = separator.join(sorted(parts))
                    break
        return out
    if isinstance(value, list):
        return sorted((canonical(item) for item in value),
                      key=lambda item: json.dumps(item, sort_keys=True))
    return value


def same_modulo_base(here: str, there: str, scheme: Scheme) -> bool:
    """Whether two JSON documents say the same once the base is written back."""
    return canonical(json.loads(unbased(here, scheme))) == canonical(json.loads(blind(there)))


def test_no_source_base_iri_survives_but_the_vocabulary(rebased):
    _scheme, _generation, store, _site = rebased
    leftovers = set()
    for row in store.query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"):
        for term in (row["g"], row["s"], row["p"], row["o"]):
            if isinstance(term, ox.NamedNode) and term.value.startswith(SOURCE_BASE):
                if not term.value.startswith(VOCABULARY):
                    leftovers.add(term.value)
    assert leftovers == set()


def test_rules_derive_links_between_rebased_entities(rebased):
    scheme, _generation, store, _site = rebased
    assert store.ask("ASK { ?org org:hasMembership ?m . ?m org:role ?role }")
    rows = store.select(
        "SELECT ?org ?m WHERE { GRAPH ?g { ?org org:hasMembership ?m } }",
        org=ox.NamedNode(scheme.entity("organisation", "rra-uk")),
    )
    assert rows and all(row["m"].value.startswith(scheme.kind_prefix("membership")) for row in rows)


def test_the_display_profile_finds_the_confidence_of_every_graph(rebased, default):
    scheme, generation, store, _site = rebased
    declared = {row["g"].value for row in store.select(
        "SELECT DISTINCT ?g WHERE { ?g cc:confidence ?level }")}
    profile = Display.load(generation.display_path).graphs
    found = {graph for graph, entry in profile.items() if entry.get("confidence")}
    assert declared and found == declared & set(profile)
    at_home = Display.load(default[0].display_path).graphs
    assert {unbased(g, scheme): e.get("confidence") for g, e in profile.items()} == {
        g: e.get("confidence") for g, e in at_home.items()}


def test_pages_carry_the_same_confidence_marks_as_on_the_default_base(rebased, default):
    scheme, _generation, _store, site = rebased
    home_site = default[1]
    for path in ("/", "/doc/project/clusters-cord"):
        here = get(site + path, BROWSER).text.count('class="conf conf-')
        there = get(home_site + path, BROWSER).text.count('class="conf conf-')
        assert here == there, path
    project = get(f"{site}/doc/project/clusters-cord.json").text
    at_home = get(f"{home_site}/doc/project/clusters-cord.json").text
    marks = Counter(re.findall(r'"confidence": ?"(\w+)"', project))
    assert marks["low"] + marks["medium"] > 0
    assert marks == Counter(re.findall(r'"confidence": ?"(\w+)"', at_home))
    assert same_modulo_base(project, at_home, scheme)


def test_search_finds_the_ontology_terms(rebased, default):
    _scheme, _generation, _store, site = rebased
    for query in ("cluster", "meta-cluster", "confidence"):
        here = [(h["iri"], h["url"], h["type"]) for h in get(
            f"{site}/search.json", q=query, limit=100).json()["results"] if h["type"] == "def"]
        there = [(h["iri"], h["url"], h["type"]) for h in get(
            f"{default[1]}/search.json", q=query, limit=100).json()["results"]
            if h["type"] == "def"]
        assert here, query
        assert all(iri.startswith(VOCABULARY) and url.startswith("/def/") for iri, url, _t in here)
        assert sorted(here) == sorted(there), query
    assert {VOCABULARY + "Cluster", VOCABULARY + "MetaCluster"} <= {
        hit["iri"] for hit in get(f"{site}/search.json", q="cluster", limit=100).json()["results"]}


def test_region_maps_draw_the_seats_in_the_region(rebased, default):
    _scheme, _generation, _store, site = rebased
    for region in ("CZ042", "CZ"):
        seats = get(f"{site}/doc/region/{region}.json").json()["seats"]
        assert "/doc/organisation/rra-uk" in {s["url"] for s in seats}, region
        assert seats == get(f"{default[1]}/doc/region/{region}.json").json()["seats"], region
    assert 'class="seat"' in get(f"{site}/doc/region/CZ042", BROWSER).text


def test_the_service_description_names_the_endpoint_the_build_was_made_for(rebased):
    scheme, _generation, _store, site = rebased
    graph = ox.Store()
    graph.load(get(f"{site}/sparql", "text/turtle").content, ox.RdfFormat.TURTLE)
    endpoints = {row["e"].value for row in graph.query(
        "SELECT ?e WHERE { ?s <http://www.w3.org/ns/sparql-service-description#endpoint> ?e }")}
    assert endpoints == {scheme.endpoint}
    assert get(f"{site}/openapi.json").json()["servers"] == [{"url": scheme.base.rstrip("/")}]
    void = get(f"{site}/void", "application/n-triples").text
    assert f"<{scheme.endpoint}>" in void and DEFAULT_BASE_IRI not in void.replace(VOCABULARY, "")


def test_the_base_iris_dereference_on_the_server_that_serves_them(rebased):
    scheme, _generation, _store, _site = rebased
    thing = requests.get(scheme.entity("project", "clusters-cord"), headers={"Accept": BROWSER},
                         timeout=TIMEOUT, allow_redirects=False)
    assert thing.status_code == 303
    assert thing.headers["Location"].endswith("/doc/project/clusters-cord")
    robots = get(scheme.url("/robots.txt")).text
    assert f"Sitemap: {scheme.url('/sitemap.xml')}" in robots
    sitemap = get(scheme.url("/sitemap.xml")).text
    assert scheme.url("/doc/project/clusters-cord") in sitemap


@pytest.mark.parametrize("name", NAMED_QUERIES)
def test_every_named_query_answers_as_on_the_default_base(rebased, default, name):
    scheme, _generation, _store, site = rebased
    here = requests.get(f"{site}/sparql", params={"name": name}, timeout=TIMEOUT,
                        headers={"Accept": f"{SELECT_JSON}, application/n-triples;q=0.9"})
    there = requests.get(f"{default[1]}/sparql", params={"name": name}, timeout=TIMEOUT,
                         headers={"Accept": f"{SELECT_JSON}, application/n-triples;q=0.9"})
    assert here.status_code == there.status_code == 200, (here.text[:300], there.text[:300])
    assert SOURCE_BASE + "id/" not in here.text, name
    if here.headers["Content-Type"].startswith(SELECT_JSON):
        answer = json.loads(unbased(here.text, scheme))
        assert answer.get("boolean") is not None or answer["results"]["bindings"], (
            f"{name} returned no rows on base {scheme.base}")
        rows = canonical(answer.get("results", {}).get("bindings", []))
        expected = canonical(json.loads(blind(there.text)).get("results", {}).get("bindings", []))
        assert answer.get("boolean") == json.loads(there.text).get("boolean"), name
        rows = [json.dumps(row, sort_keys=True) for row in rows]
        expected = [json.dumps(row, sort_keys=True) for row in expected]
        only_here = [row for row in rows if row not in expected]
        only_there = [row for row in expected if row not in rows]
        assert (only_here, only_there) == ([], []), name
        assert len(rows) == len(expected), name
    else:
        lines = sorted(unbased(line, scheme) for line in here.text.splitlines() if line)
        assert lines, name
        assert lines == sorted(blind(line) for line in there.text.splitlines() if line)
