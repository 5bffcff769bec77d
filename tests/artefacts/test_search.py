"""The build-time label index: folded, ranked, filtered, and safe with any input."""

from __future__ import annotations

import pytest

from publisher.artefacts.search import SearchIndex, match_expression
from publisher.artefacts.search_index import fold

BASE = "https://data.clusterscord.eu/"


@pytest.fixture(scope="module")
def index(built):
    return SearchIndex(built.generation.search_path)


def test_fold_removes_case_and_diacritics():
    assert fold("Ústí nad Labem") == "usti nad labem"
    assert fold("Piešťany") == "piestany"


def test_match_expression_quotes_every_word_as_a_prefix():
    assert match_expression('usti "nad" OR(') == '"usti"* "nad"* "OR"*'
    assert match_expression("  ") is None


@pytest.mark.parametrize("text", ["usti", "USTI", "Ústí", "ustí"])
def test_usti_finds_the_lead_partner_whatever_the_accents_and_case(index, text):
    hits, total = index.search(text)
    assert BASE + "id/organisation/rra-uk" in {h.iri for h in hits}
    assert total >= len(hits)


def test_arleg_finds_arleg_first_among_organisations(index):
    hits, _total = index.search("arleg", ["organisation"])
    assert hits[0].iri == BASE + "id/organisation/arleg"
    assert {h.type for h in hits} == {"organisation"}


def test_each_entity_appears_once_with_its_display_label(index):
    hits, _total = index.search("regional development agency", limit=50)
    assert len({h.iri for h in hits}) == len(hits)
    assert all(h.label for h in hits)


@pytest.mark.parametrize("text", ['"', "*", "NEAR(a b)", "a AND", "-x", "^", "\x00", "')--"])
def test_any_text_is_a_search_never_an_error(index, text):
    hits, total = index.search(text)
    assert total >= 0 and isinstance(hits, list)


def test_browse_lists_a_type_in_label_order(index):
    hits, total = index.browse("region", 5, 0)
    assert total >= 5 and len(hits) == 5
    keys = [fold(h.label) for h in hits]
    assert keys == sorted(keys)


def test_the_programme_code_on_an_identifier_node_finds_the_project(index):
    hits, total = index.search("2CE202P1")
    assert total >= 1
    assert hits[0].iri == BASE + "id/project/clusters-cord"
