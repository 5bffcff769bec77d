"""Content negotiation with the Accept headers real clients send, on a live server."""

from __future__ import annotations

import pytest
import requests

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
