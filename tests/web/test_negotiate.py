"""Content negotiation with the Accept headers real clients send, on a live server."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import requests

from publisher.core.iris import SOURCE_BASE
from publisher.core.scheme import Scheme
from publisher.web.negotiate import (
    BOOLEAN,
    DOCUMENT,
    GRAPH,
    RESULTS_CSV,
    SERVICE,
    SOLUTIONS,
    Format,
    offered,
)
from publisher.web.render_rdf import serialize
from tests.live import serving

PROFILE = 'application/ld+json; profile="http://www.w3.org/ns/json-ld#expanded"'


@pytest.fixture(scope="module")
def base(built):
    with serving(built.settings) as url:
        yield url


@pytest.mark.parametrize("accept,expected", [
    (PROFILE, "application/ld+json"),
    ("text/turtle; charset=utf-8", "text/turtle"),
    ("text/html;level=1;q=0.9, text/turtle;q=0.1", "text/html"),
])
def test_media_type_parameters_do_not_make_a_format_unacceptable(base, accept, expected):
    response = requests.get(base + "/def/", headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(expected)


def test_sparql_construct_answers_jsonld_asked_for_with_a_profile(base):
    response = requests.get(base + "/sparql", headers={"Accept": PROFILE}, timeout=60,
                            params={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2"})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/ld+json")


def test_every_surface_offers_each_media_type_and_alias_once():
    """Own media types and extensions are unique on a surface; an alias may repeat another
    format's own media type (that format wins it), never another alias."""
    for surface in (DOCUMENT, GRAPH, SOLUTIONS, BOOLEAN, SERVICE):
        formats = offered(surface)
        own = [fmt.mimetype for fmt in formats]
        aliases = [alias for fmt in formats for alias in fmt.aliases if alias not in own]
        assert len(own) == len(set(own)), surface
        assert len(aliases) == len(set(aliases)), surface
        assert len({fmt.ext for fmt in formats}) == len(formats), surface


@pytest.mark.parametrize("writer", [ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES,
                                    ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG, ox.RdfFormat.N3,
                                    ox.RdfFormat.RDF_XML, ox.RdfFormat.JSON_LD])
def test_a_new_rdf_format_is_one_line_the_renderer_writes_every_rdf_writer(writer):
    fmt = Format("new", "new", writer.media_type, writer.name, rdf=writer, offer={DOCUMENT: 9})
    scheme = Scheme(SOURCE_BASE)
    triples = [
        ox.Triple(ox.NamedNode(scheme.entity("project", "p")), ox.NamedNode(scheme.term("x")),
                  ox.Literal("Projekt", language="cs")),
        ox.Triple(ox.NamedNode(scheme.entity("project", "p")), ox.NamedNode(scheme.term("y")),
                  ox.NamedNode(scheme.entity("region", "CZ"))),
    ]
    body = serialize(triples, fmt, scheme)
    parsed = {(q.subject, q.predicate, q.object) for q in ox.parse(body, format=writer)}
    assert parsed == {(t.subject, t.predicate, t.object) for t in triples}


def test_the_entity_documents_offer_exactly_the_registry_formats_of_documents(base):
    path = "/doc/project/clusters-cord"
    for fmt in offered(DOCUMENT):
        by_accept = requests.get(base + path, headers={"Accept": fmt.mimetype}, timeout=30)
        assert by_accept.headers["Content-Type"].startswith(fmt.mimetype), fmt.name
        by_extension = requests.get(f"{base}{path}.{fmt.ext}", timeout=30)
        assert by_extension.status_code == 200, fmt.ext
    refused = requests.get(base + path, headers={"Accept": RESULTS_CSV.mimetype}, timeout=30)
    assert refused.status_code == 406, "CSV is offered for query answers, not documents"
    assert RESULTS_CSV.mimetype in requests.get(
        base + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"},
        headers={"Accept": RESULTS_CSV.mimetype}, timeout=60).headers["Content-Type"]
