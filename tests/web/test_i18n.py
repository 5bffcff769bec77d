"""How each language writes: plural forms, dates, numbers, durations, coordinates, sorting."""

from __future__ import annotations

import pytest

from publisher.web import i18n
from publisher.web.messages import MESSAGES

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.mark.parametrize("count, english, czech", [
    (0, "0 results for “usti”", "0 výsledků pro „usti“"),
    (1, "1 result for “usti”", "1 výsledek pro „usti“"),
    (2, "2 results for “usti”", "2 výsledky pro „usti“"),
    (4, "4 results for “usti”", "4 výsledky pro „usti“"),
    (5, "5 results for “usti”", "5 výsledků pro „usti“"),
    (22, "22 results for “usti”", "22 výsledků pro „usti“"),
    (1000, "1,000 results for “usti”", "1\u00a0000 výsledků pro „usti“"),
])
def test_search_results_follow_each_languages_plural_rules(count, english, czech):
    assert i18n.t("search.results", "en", count=count, query="usti") == english
    assert i18n.t("search.results", "cs", count=count, query="usti") == czech


@pytest.mark.parametrize("count, czech", [
    (1, "1 entita"), (2, "2 entity"), (4, "4 entity"), (5, "5 entit"), (112, "112 entit"),
])
def test_czech_counts_of_entities_take_one_few_and_other_forms(count, czech):
    assert i18n.t("browse.count", "cs", count=count) == czech
    assert i18n.t("browse.count", "en", count=count) == (
        "1 entity" if count == 1 else f"{count} entities")


def test_partner_counts_read_as_a_sentence_in_both_languages():
    countries = i18n.t("glance.countries", "cs", count=8)
    assert i18n.t("glance.partner_count", "cs", count=10, countries=countries) == \
        "10 partnerů z 8 zemí"
    assert i18n.t("glance.partner_count", "cs", count=3, countries=countries) == \
        "3 partneři z 8 zemí"
    countries = i18n.t("glance.countries", "en", count=1)
    assert i18n.t("glance.partner_count", "en", count=1, countries=countries) == \
        "1 partner from 1 country"


def test_every_plural_message_has_the_forms_its_language_needs():
    for key, entry in MESSAGES.items():
        for lang, text in entry.items():
            if isinstance(text, dict):
                assert "other" in text, key
                if lang == "cs":
                    assert {"one", "few"} <= set(text) or set(text) == {"one", "other"}, key
                    for count in (1, 2, 5):
                        assert str(count) in i18n.t(key, "cs", count=count, query="q",
                                                    countries="x"), key


@pytest.mark.parametrize("value, datatype, english, czech", [
    ("2013-02-06", XSD + "date", "6 February 2013", "6. února 2013"),
    ("2010-12", XSD + "gYearMonth", "December 2010", "prosinec 2010"),
    ("2012", XSD + "gYear", "2012", "2012"),
    ("2010-04", None, "April 2010", "duben 2010"),
    ("not a date", XSD + "date", "not a date", "not a date"),
])
def test_dates_are_written_at_their_precision_in_each_language(value, datatype, english,
                                                                czech):
    assert i18n.date_text(value, datatype, "en") == english
    assert i18n.date_text(value, datatype, "cs") == czech


def test_a_date_time_keeps_its_time_in_each_language():
    assert i18n.date_text("2012-01-10T14:42:00", XSD + "dateTime", "en") == \
        "10 Jan 2012, 14:42:00"
    assert i18n.date_text("2012-01-10T14:42:00", XSD + "dateTime", "cs") == \
        "10. 1. 2012 14:42:00"


@pytest.mark.parametrize("value, english, czech", [
    ("P3Y", "3 years", "3 roky"),
    ("P1Y", "1 year", "1 rok"),
    ("P36M", "36 months", "36 měsíců"),
    ("P2Y6M", "2 years 6 months", "2 roky 6 měsíců"),
    ("PT5H", "PT5H", "PT5H"),
])
def test_durations_are_words(value, english, czech):
    assert i18n.duration(value, "en") == english
    assert i18n.duration(value, "cs") == czech


def test_numbers_and_coordinates_use_each_languages_separators():
    assert i18n.number(1460000, "en") == "1,460,000"
    assert i18n.number(1460000, "cs") == "1\u00a0460\u00a0000"
    assert i18n.number("1460000.50", "cs") == "1\u00a0460\u00a0000,5"
    assert i18n.coordinates(50.6607, 14.0323, "en") == "50.6607°\u00a0N, 14.0323°\u00a0E"
    assert i18n.coordinates(50.6607, 14.0323, "cs") == \
        "50,6607°\u00a0s. š., 14,0323°\u00a0v. d."


def test_czech_names_sort_in_czech_alphabetical_order():
    names = ["Žilina", "Zlín", "Chomutov", "Cheb", "Hradec", "Ústí", "Čáslav", "Celje",
             "Řevnice", "Rakovník", "Šumperk", "Stuttgart", "Írán", "Ivančice", "1. maj"]
    ordered = sorted(names, key=lambda name: i18n.sort_key(name, "cs"))
    assert ordered == ["1. maj", "Celje", "Čáslav", "Hradec", "Cheb", "Chomutov", "Írán",
                       "Ivančice", "Rakovník", "Řevnice", "Stuttgart", "Šumperk", "Ústí",
                       "Zlín", "Žilina"]


def test_english_sorting_ignores_accents():
    ordered = sorted(["Zlín", "Čáslav", "Celje", "Cheb"], key=lambda n: i18n.sort_key(n, "en"))
    assert ordered == ["Čáslav", "Celje", "Cheb", "Zlín"]


def test_labels_fall_back_along_one_chain():
    assert i18n.pick_label({"en": "Region", "cs": "Kraj"}, "cs") == "Kraj"
    assert i18n.pick_label({"en": "Region"}, "cs") == "Region"
    assert i18n.pick_label({"": "Plain", "de": "Gebiet"}, "cs") == "Plain"
    assert i18n.pick_label({"de": "Gebiet"}, "en") == "Gebiet"
    assert i18n.pick_label({}, "en") is None
