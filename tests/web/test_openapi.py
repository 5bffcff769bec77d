"""/openapi.json is generated from the application's routes: every route, and nothing else."""

from __future__ import annotations

import re

import requests
from werkzeug.routing import Map, Rule

from publisher.core.scheme import Scheme
from publisher.web import create_app
from publisher.web.openapi import UNLISTED, paths, undescribed
from tests.live import serving

_PARAM = re.compile(r"\{[^}]+\}")


def test_every_route_is_described(built):
    app = create_app(built.settings)
    assert undescribed(app.url_map) == []


def test_a_new_route_is_listed_even_before_it_is_described():
    url_map = Map([Rule("/widgets/<int:n>", endpoint="widgets.one", methods=["GET"])])
    described = paths(url_map)
    assert list(described) == ["/widgets/{n}"]
    assert described["/widgets/{n}"]["get"]["parameters"][0]["name"] == "n"
    assert undescribed(url_map) == ["/widgets/<int:n>"]


def test_the_paths_are_the_routes_and_each_lists_its_path_parameters(built):
    app = create_app(built.settings)
    described = paths(app.url_map)
    adapter = app.url_map.bind("localhost")
    routes = {rule.rule for rule in app.url_map.iter_rules()} - UNLISTED
    assert len(described) >= len(routes)
    for template, item in described.items():
        sample = _PARAM.sub("1", template)
        endpoint, _args = adapter.match(sample, method=next(iter(item)).upper())
        assert endpoint != "static", template
        for operation in item.values():
            named = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert named == set(re.findall(r"\{(\w+)\}", template)), template
            assert operation["summary"] and operation["responses"], template
    assert "post" in described["/sparql"] and "post" not in described["/search"]


def test_the_server_is_the_base_the_generation_was_built_on(built):
    with serving(built.settings.replace(base_iri="http://elsewhere.example/")) as site:
        spec = requests.get(f"{site}/openapi.json", timeout=30).json()
    assert spec["servers"] == [{"url": Scheme(built.settings.base_iri).base.rstrip("/")}]


def test_the_scheme_paths_are_answered_by_routes(built):
    adapter = create_app(built.settings).url_map.bind("localhost")
    scheme = Scheme(built.settings.base_iri)
    for path in (*scheme.paths().values(), Scheme.document_path("project", "x", "ttl"),
                 Scheme.term_path("Cluster"), Scheme.browse_path("sector", "json"),
                 Scheme.dump_path("x.nq.gz"), Scheme.feed_path(2),
                 scheme.link_for(scheme.graph("seed"))):
        endpoint, _args = adapter.match(path.partition("?")[0], method="GET")
        assert endpoint != "static", path
