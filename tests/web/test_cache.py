"""The generation cache over real HTTP: hits replay misses exactly, builds invalidate,
varying headers separate entries, errors and cookies are never kept, memory stays bounded."""

from __future__ import annotations

import pytest
import requests

from publisher.build.pipeline import build
from publisher.core.config import load_settings
from publisher.web import create_app
from publisher.web.cache import GenerationCache
from tests import pages_fixture
from tests.live import serving

# Added by the HTTP server per connection, not by the application.
TRANSPORT = {"date", "server", "connection", "keep-alive"}
QUERY = "SELECT ?s WHERE { ?s a ?t } ORDER BY ?s LIMIT 5"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = pages_fixture.make(tmp_path_factory.mktemp("cache-mini"), links=60)
    settings = load_settings(root=root, environ={})
    build(settings)
    return settings


@pytest.fixture()
def served(project):
    """A fresh application (empty cache) on a live server: (base URL, its cache)."""
    app = create_app(project)
    with serving(project, app=app) as base:
        yield base, app.wsgi_app


def get(url, **headers):
    return requests.get(url, headers=headers, allow_redirects=False, timeout=30)


def app_headers(response) -> dict:
    return {k.lower(): v for k, v in response.headers.items() if k.lower() not in TRANSPORT}


@pytest.mark.parametrize("path, accept", [
    ("/doc/thing/hub", "text/html"),
    ("/doc/thing/hub.ttl", "text/turtle"),
    ("/doc/thing/a", "application/ld+json"),
    ("/search.json?q=spoke", "application/json"),
    ("/browse/thing", "text/html"),
    ("/void", "text/turtle"),
    ("/sparql?query=" + requests.utils.quote(QUERY), "application/sparql-results+json"),
])
def test_a_hit_replays_the_miss_byte_for_byte_with_every_header(served, path, accept):
    base, cache = served
    miss = get(base + path, Accept=accept)
    assert miss.status_code == 200
    hit = get(base + path, Accept=accept)
    assert cache.hits == 1
    assert hit.content == miss.content
    assert app_headers(hit) == app_headers(miss)
    assert "x-content-type-options" in app_headers(hit)  # security headers kept


def test_sparql_post_is_keyed_by_its_body(served):
    base, cache = served
    headers = {"Content-Type": "application/sparql-query",
               "Accept": "application/sparql-results+json"}
    first = requests.post(f"{base}/sparql", data=QUERY, headers=headers, timeout=30)
    again = requests.post(f"{base}/sparql", data=QUERY, headers=headers, timeout=30)
    other = requests.post(f"{base}/sparql", data=QUERY.replace("5", "2"), headers=headers,
                          timeout=30)
    assert cache.hits == 1
    assert again.content == first.content
    assert app_headers(again)["access-control-allow-origin"] == "*"
    assert len(other.json()["results"]["bindings"]) == 2


def test_if_none_match_gets_304_from_the_cache(served):
    base, cache = served
    first = get(f"{base}/doc/thing/hub", Accept="text/html")
    conditional = get(f"{base}/doc/thing/hub", Accept="text/html",
                      **{"If-None-Match": first.headers["ETag"]})
    assert conditional.status_code == 304
    assert conditional.headers["ETag"] == first.headers["ETag"]
    assert cache.hits == 1


def test_headers_the_answer_varies_on_keep_separate_entries(served):
    base, cache = served
    english = get(f"{base}/doc/thing/b", Accept="text/html", **{"Accept-Language": "en"})
    czech = get(f"{base}/doc/thing/b", Accept="text/html", **{"Accept-Language": "cs"})
    by_cookie = get(f"{base}/doc/thing/b", Accept="text/html", Cookie="lang=cs")
    turtle = get(f"{base}/doc/thing/b", Accept="text/turtle")
    assert cache.hits == 0
    assert '<html lang="en">' in english.text and '<html lang="cs">' in czech.text
    assert '<html lang="cs">' in by_cookie.text
    assert turtle.headers["Content-Type"].startswith("text/turtle")
    assert get(f"{base}/doc/thing/b", Accept="text/html", Cookie="lang=cs").text == by_cookie.text
    assert cache.hits == 1


def test_errors_and_answers_setting_cookies_are_never_kept(served):
    base, cache = served
    for _ in range(2):
        assert get(f"{base}/doc/thing/nothing-here").status_code == 404
        assert get(f"{base}/sparql?query=SELEKT", Accept="application/json").status_code == 400
        switched = get(f"{base}/doc/thing/a?lang=cs", Accept="text/html")
        assert "Set-Cookie" in switched.headers
    assert cache.hits == 0
    assert len(cache) == 0


def test_a_new_build_invalidates_every_entry(tmp_path):
    root = pages_fixture.make(tmp_path / "project", links=3)
    settings = load_settings(root=root, environ={})
    build(settings)
    app = create_app(settings)
    with serving(settings, app=app) as base:
        before = get(f"{base}/doc/thing/a.ttl", Accept="text/turtle")
        data = root / "data" / "extra.trig"
        data.write_text(data.read_text().replace('"Hub"@en', '"Renamed hub"@en'))
        build(settings)
        after = get(f"{base}/doc/thing/hub.ttl").text
        assert "Renamed hub" in after
        again = get(f"{base}/doc/thing/a.ttl", Accept="text/turtle")
        assert again.headers["ETag"] != before.headers["ETag"]
        assert app.wsgi_app.hits == 0


def test_memory_stays_within_the_bound_least_recently_used_first(project):
    limit = 40_000
    app = create_app(project.replace(cache_max_bytes=limit, cache_max_entry_bytes=20_000))
    cache = app.wsgi_app
    assert isinstance(cache, GenerationCache)
    with serving(project, app=app) as base:
        for n in range(60):
            assert get(f"{base}/doc/thing/spoke-{n:04d}", Accept="text/html").status_code == 200
            assert cache.size <= limit
        assert 0 < len(cache) < 60
        get(f"{base}/doc/thing/spoke-0059", Accept="text/html")
        assert cache.hits == 1  # the latest is kept
        get(f"{base}/doc/thing/spoke-0000", Accept="text/html")
        assert cache.hits == 1  # the oldest went first


def test_cache_max_bytes_zero_serves_without_a_cache(project):
    app = create_app(project.replace(cache_max_bytes=0))
    assert not isinstance(app.wsgi_app, GenerationCache)
