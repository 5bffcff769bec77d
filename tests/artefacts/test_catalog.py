"""The computed catalogue conforms to DCAT-AP 3.0.1, and its values come from data and build."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from publisher.artefacts import catalog
from publisher.build import catalog_check
from publisher.build.pipeline import build
from publisher.core.config import load_settings
from publisher.core.generation import Generations
from publisher.core.scheme import Scheme
from tests.harvest_fixtures import REPO

BASE = "https://data.clusterscord.eu/"
DCAT, DCT = "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/"
# Recommended properties the data cannot fill: no geometry is known for the countries and
# NUTS regions covered, and the kind of body that publishes is not stated in any source.
UNFILLABLE = {DCAT + "bbox", DCAT + "centroid", DCT + "type"}


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    settings = load_settings(root=REPO, environ={}, var_dir=tmp_path_factory.mktemp("var"))
    build(settings)
    return settings, Generations(settings.var).current()


def values(triples, subject: str, predicate: str) -> list[str]:
    return sorted(t.object.value for t in triples
                  if t.subject.value == subject and t.predicate.value == predicate)


def test_catalogue_has_no_violation_of_the_dcat_ap_shapes_and_ranges(published):
    settings, generation = published
    mandatory, _ = catalog_check.validate_catalog(catalog.catalog_triples(generation),
                                                  catalog_check.shapes_dir(settings))
    assert mandatory.violations == [], mandatory.describe()


def test_only_recommendations_the_data_cannot_fill_are_left(published):
    settings, generation = published
    _, recommended = catalog_check.validate_catalog(catalog.catalog_triples(generation),
                                                    catalog_check.shapes_dir(settings))
    left = {(r.path, r.focus) for r in recommended.results}
    print(f"\n{len(left)} DCAT-AP recommendation warning(s) left:")
    for path, focus in sorted(left):
        print(f"  {path} on {focus}")
    assert {path for path, _ in left} <= UNFILLABLE
    assert {focus for path, focus in left if path == DCT + "type"} <= {BASE + "catalog#publisher"}


def test_coverage_dates_and_version_come_from_the_data_and_the_build(published):
    _settings, generation = published
    triples = catalog.catalog_triples(generation)
    dataset, manifest = BASE + "catalog#dataset", generation.manifest()
    assert values(triples, BASE + "catalog#period", DCAT + "startDate") == ["2010-03-01"]
    assert values(triples, BASE + "catalog#period", DCAT + "endDate") == ["2013-02-28"]
    countries = [v for v in values(triples, dataset, DCT + "spatial") if "/country/" in v]
    assert [c.rsplit("/", 1)[1] for c in countries] == [
        "AUT", "CZE", "DEU", "HUN", "ITA", "POL", "SVK", "SVN"]
    assert any("/nuts/code/CZ042" in v for v in values(triples, dataset, DCT + "spatial"))
    assert values(triples, dataset, DCAT + "version") == [generation.id]
    assert values(triples, dataset, DCT + "modified") == [manifest["built_at"]]
    assert values(triples, dataset, DCT + "conformsTo") == [BASE + "def/"]


def test_every_dump_is_a_distribution_with_its_size_checksum_and_licence(published):
    _settings, generation = published
    triples = catalog.catalog_triples(generation)
    declared = catalog_check.declared_downloads(triples)
    expected = sorted((f"{BASE}dumps/{e['file']}", e["bytes"], e["sha256"])
                      for e in generation.manifest()["dumps"])
    assert declared == expected
    for key in ("nq", "ttl", "jsonld", "nt"):
        node = f"{BASE}catalog#dump-{key}"
        assert values(triples, node, DCT + "license") == [
            "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"]
        assert values(triples, node, DCAT + "mediaType")[0].startswith(
            "http://www.iana.org/assignments/media-types/")


def test_computed_catalogue_is_published_beside_the_store_not_in_it(published):
    """The store holds what the dumps hold, so every count agrees (the catalogue describes
    the dumps and cannot be in them)."""
    settings, generation = published
    store = ox.Store.read_only(str(generation.store_path))
    graph = ox.NamedNode(Scheme(settings.base_iri).graph(catalog.BUILD_GRAPH))
    assert not list(store.quads_for_pattern(None, None, None, graph))
    assert len(store) == generation.manifest()["stats"]["triples"]
    distributions = [t for t in catalog.catalog_triples(generation)
                     if t.predicate.value == DCAT + "distribution"]
    assert len(distributions) == 4


def test_void_counts_are_the_build_statistics_with_a_linkset_per_authority(published):
    _settings, generation = published
    triples = catalog.void_description(generation)
    stats, dataset = generation.manifest()["stats"], BASE + "catalog#dataset"
    void = "http://rdfs.org/ns/void#"
    assert values(triples, dataset, void + "triples") == [str(stats["triples"])]
    assert values(triples, dataset, void + "entities") == [str(stats["entities"])]
    assert values(triples, dataset, void + "sparqlEndpoint") == [BASE + "sparql"]
    linksets = values(triples, dataset, void + "subset")
    assert {f"{BASE}catalog#linkset-{name}" for name in ("nuts", "nace", "country")} <= set(
        linksets)
    assert values(triples, dataset, void + "exampleResource")[0].startswith(BASE + "id/")


def test_schema_org_dataset_names_distributions_and_licence(published):
    _settings, generation = published
    document = catalog.dataset_jsonld(generation)
    assert document["@type"] == "Dataset"
    assert document["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert len(document["distribution"]) == 4
    assert document["temporalCoverage"] == "2010-03-01/2013-02-28"


def test_rebuild_without_changes_keeps_issued_and_modified(published, tmp_path):
    settings, first = published
    again = settings.replace(var_dir=tmp_path / "var")
    build(again)
    before = Generations(again.var).current().manifest()["catalog"]
    build(again)
    after = Generations(again.var).current().manifest()["catalog"]
    assert (after["issued"], after["modified"]) == (before["issued"], before["modified"])
    assert after["version"] != before["version"]
