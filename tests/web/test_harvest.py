"""A harvester's view: the catalogue alone leads to every file, each verified and loaded."""

from __future__ import annotations

import gzip
import hashlib
import re

import pyoxigraph as ox
import pytest
import requests

from publisher.artefacts import changes
from publisher.artefacts.catalog import BUILD_GRAPH
from publisher.build.pipeline import build
from publisher.core.generation import Generations
from publisher.core.scheme import Scheme
from tests.harvest_fixtures import REPO, canonical, free_port, settings_at
from tests.live import serving

DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
VOID = "http://rdfs.org/ns/void#"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    port = free_port()
    settings = settings_at(REPO, tmp_path_factory.mktemp("var"), port)
    build(settings)
    with serving(settings, port=port) as url:
        yield settings, Generations(settings.var).current(), url


def catalogue(url: str, accept: str = "text/turtle", path: str = "/catalog") -> list[ox.Triple]:
    response = requests.get(url + path, headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200
    fmt = ox.RdfFormat.from_media_type(response.headers["Content-Type"].split(";")[0])
    return [ox.Triple(q.subject, q.predicate, q.object)
            for q in ox.parse(response.content, format=fmt)]


def objects(triples, subject, predicate: str) -> list:
    return [t.object for t in triples if t.subject == subject and t.predicate.value == predicate]


def test_harvester_follows_every_distribution_verifies_it_and_loads_the_nquads(site):
    settings, generation, url = site
    triples = catalogue(url)
    distributions = [t.object for t in triples if t.predicate.value == DCAT + "distribution"]
    assert len(distributions) == 4
    nquads = None
    for distribution in distributions:
        [download] = objects(triples, distribution, DCAT + "downloadURL")
        [size] = objects(triples, distribution, DCAT + "byteSize")
        [checksum] = objects(triples, distribution, SPDX + "checksum")
        [value] = objects(triples, checksum, SPDX + "checksumValue")
        response = requests.get(download.value, timeout=60)
        assert response.status_code == 200
        assert int(response.headers["Content-Length"]) == int(size.value) == len(response.content)
        assert hashlib.sha256(response.content).hexdigest() == value.value
        media = objects(triples, distribution, DCAT + "mediaType")[0].value
        if media.endswith("/application/n-quads"):
            nquads = response.content
    harvested = ox.Store()
    harvested.bulk_extend(ox.parse(gzip.decompress(nquads), format=ox.RdfFormat.N_QUADS))
    published = ox.Store.read_only(str(generation.store_path))
    build_graph = ox.NamedNode(Scheme(settings.base_iri).graph(BUILD_GRAPH))
    assert canonical(harvested) == canonical(q for q in published if q.graph_name != build_graph)


@pytest.mark.parametrize("accept", ["application/ld+json", "application/rdf+xml",
                                    "application/n-triples"])
def test_catalogue_is_the_same_graph_in_every_format(site, accept):
    _settings, _generation, url = site
    assert len(set(catalogue(url, accept))) == len(set(catalogue(url)))


def test_catalogue_by_extension_negotiation_and_406(site):
    _settings, _generation, url = site
    response = requests.get(url + "/catalog.ttl", timeout=30)
    assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
    negotiated = requests.get(url + "/catalog", headers={"Accept": "text/turtle"}, timeout=30)
    assert "Accept" in negotiated.headers["Vary"]
    assert negotiated.headers["Access-Control-Allow-Origin"] == "*"
    refused = requests.get(url + "/catalog", headers={"Accept": "image/png"}, timeout=30)
    assert refused.status_code == 406
    browser = requests.get(url + "/catalog", headers={"Accept": "text/html"}, timeout=30)
    assert browser.headers["Content-Type"].startswith("text/html")
    assert "/dumps/latest.nq.gz" in browser.text


def test_void_at_both_addresses_counts_triples_and_links(site):
    _settings, generation, url = site
    stats = generation.manifest()["stats"]
    for path in ("/void", "/.well-known/void"):
        triples = catalogue(url, path=path)
        dataset = ox.NamedNode(url + "/catalog#dataset")
        assert [o.value for o in objects(triples, dataset, VOID + "triples")] == [
            str(stats["triples"])]
        assert len(objects(triples, dataset, VOID + "dataDump")) == 4
        assert objects(triples, dataset, VOID + "subset")


def test_dump_answers_conditional_get_and_byte_ranges(site):
    _settings, generation, url = site
    entry = generation.manifest()["dumps"][0]
    first = requests.get(f"{url}/dumps/{entry['file']}", timeout=30)
    assert "immutable" in first.headers["Cache-Control"]
    etag = first.headers["ETag"]
    again = requests.get(f"{url}/dumps/{entry['file']}", headers={"If-None-Match": etag},
                         timeout=30)
    assert again.status_code == 304
    since = requests.get(f"{url}/dumps/{entry['file']}",
                         headers={"If-Modified-Since": first.headers["Last-Modified"]},
                         timeout=30)
    assert since.status_code == 304
    part = requests.get(f"{url}/dumps/{entry['file']}", headers={"Range": "bytes=10-109"},
                        timeout=30)
    assert part.status_code == 206
    assert part.content == first.content[10:110]
    assert part.headers["Content-Range"] == f"bytes 10-109/{entry['bytes']}"


def test_latest_link_redirects_to_the_immutable_file_and_unknown_names_are_404(site):
    _settings, generation, url = site
    response = requests.get(url + "/dumps/latest.ttl", allow_redirects=False, timeout=30)
    assert response.status_code == 302
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Location"].endswith(f"/dumps/clusterscord-{generation.id}.ttl")
    for path in ("/dumps/latest.exe", "/dumps/..%2Fmanifest.json", "/dumps/manifest.json"):
        assert requests.get(url + path, timeout=30).status_code == 404
    listing = requests.get(url + "/dumps/", timeout=30)
    assert all(e["sha256"] in listing.text for e in generation.manifest()["dumps"])


def test_sitemap_lists_every_entity_document_with_its_last_change(site):
    settings, generation, url = site
    body = requests.get(url + "/sitemap.xml", timeout=30).text
    locations = re.findall(r"<loc>([^<]+)</loc>", body)
    entities = {Scheme(settings.base_iri).split_entity(iri)
                for iri in changes.read(generation.changes_path).hashes} - {None}
    assert len(locations) == len(entities) == generation.manifest()["stats"]["entities"]
    assert all(loc.startswith(url + "/doc/") for loc in locations)
    assert body.count("<lastmod>") == len(locations)
    robots = requests.get(url + "/robots.txt", timeout=30).text
    assert f"Sitemap: {url}/sitemap.xml" in robots


def test_sitemap_becomes_an_index_past_its_page_limit(site):
    settings, generation, _url = site
    small = settings.replace(sitemap_max_urls=50)
    with serving(small) as url:
        index = requests.get(url + "/sitemap.xml", timeout=30).text
        assert "<sitemapindex" in index
        pages = re.findall(r"<loc>[^<]*/(sitemap-\d+\.xml)</loc>", index)
        total = sum(requests.get(f"{url}/{p}", timeout=30).text.count("<url>") for p in pages)
    assert total == generation.manifest()["stats"]["entities"]


def test_change_feed_root_and_pages_in_turtle_and_jsonld(site):
    _settings, _generation, url = site
    root = requests.get(url + "/changes", headers={"Accept": "application/ld+json"}, timeout=30)
    assert root.headers["Content-Type"].startswith("application/ld+json")
    assert "https://w3id.org/ldes#EventStream" in root.text
    page = requests.get(url + "/changes/0", timeout=30)
    assert page.status_code == 200 and "tree:member" in page.text
    again = requests.get(url + "/changes/0", headers={"If-None-Match": page.headers["ETag"]},
                         timeout=30)
    assert again.status_code == 304
    assert requests.get(url + "/changes/100000", timeout=30).status_code == 404
