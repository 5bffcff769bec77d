"""Language of a page and how it writes: Czech or English, with Babel's locale data.

The language comes from ``?lang=`` (the canonical, linkable form), then a cookie, then
Accept-Language. Labels fall back along one chain (chosen language → the other one →
untagged → any) so a page never shows a bare IRI where some label exists.

Babel (CLDR) gives plural categories (Czech one / few / many / other), dates, numbers and
units in each language's form. Babel has no collation, so Czech names sort with
:func:`sort_key`: the Czech alphabet of ČSN 97 6030 at the first level (``č ř š ž`` and
``ch`` are letters of their own, after ``c r s z`` and ``h``), the other accents only
breaking ties.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton
from babel.numbers import format_decimal
from babel.units import format_unit
from flask import g, has_request_context, request

from publisher.web.messages import MESSAGES

LANGUAGES = ("en", "cs")
DEFAULT = "en"
COOKIE = "lang"
# The CLDR locale each page language writes numbers and dates in.
LOCALES = {"en": "en_GB", "cs": "cs_CZ"}
XSD = "http://www.w3.org/2001/XMLSchema#"


def choose_language() -> str:
    """The page language for this request (cached on flask.g)."""
    if not has_request_context():
        return DEFAULT
    if "lang" in g:
        return g.lang
    asked = request.args.get("lang")
    if asked not in LANGUAGES:
        asked = request.cookies.get(COOKIE)
    if asked not in LANGUAGES:
        asked = request.accept_languages.best_match(LANGUAGES, default=DEFAULT)
    g.lang = asked
    return asked


def vary_by_language(response) -> None:
    """Say what chose the language: nothing but the URL when it names one (so a shared
    cache keeps each language's page), else the cookie and Accept-Language."""
    if request.args.get("lang") not in LANGUAGES:
        response.vary.update(("Accept-Language", "Cookie"))


def locale(lang: str) -> Locale:
    return Locale.parse(LOCALES.get(lang, LOCALES[DEFAULT]))


def fallback_chain(lang: str) -> tuple[str, ...]:
    """Languages to try for a label, best first; '' stands for a label without a tag."""
    other = tuple(code for code in LANGUAGES if code != lang)
    return (lang, *other, "")


def pick_label(labels: dict[str, str], lang: str) -> str | None:
    """The label for lang from {language tag: text}, following the fallback chain."""
    for code in fallback_chain(lang):
        if code in labels:
            return labels[code]
    for text in labels.values():
        return text
    return None


def plural_form(count, lang: str) -> str:
    """The CLDR plural category of count in lang ('one', 'few', 'many', 'other')."""
    return locale(lang).plural_form(count)


def t(key: str, lang: str | None = None, **values) -> str:
    """A user-interface string in the page language (English when a key lacks Czech).

    An entry may give plural forms ({'one': …, 'few': …, 'other': …}), chosen by the
    ``count`` value; whole numbers among the values are written the language's way."""
    lang = lang or choose_language()
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["en"]
    if isinstance(text, dict):
        count = values.get("count", 0)
        text = text.get(plural_form(count, lang)) or text["other"]
    if not values:
        return text
    shown = {name: number(value, lang) if isinstance(value, int) and not isinstance(value, bool)
             else value for name, value in values.items()}
    return text.format(**shown)


def number(value, lang: str, digits: int = 2) -> str:
    """A number written the language's way (1,460,000 / 1 460 000; 50.66 / 50,66)."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(amount, format=pattern, locale=locale(lang))


_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$")


def duration(text: str, lang: str) -> str:
    """An xsd:duration in years, months and days as words ('P3Y' → '3 years' / '3 roky');
    the text itself when it has other parts."""
    match = _DURATION.match(text or "")
    if not match or not any(match.groups()):
        return text
    parts = []
    for amount, unit in zip(match.groups(), ("year", "month", "day"), strict=True):
        if amount:
            parts.append(format_unit(int(amount), f"duration-{unit}", length="long",
                                     locale=locale(lang)))
    return " ".join(parts)


def date_text(value: str, datatype: str | None, lang: str) -> str:
    """A date literal at its own precision, in the language's form: xsd:date '6 February
    2013' / '6. února 2013', xsd:gYearMonth 'February 2013' / 'únor 2013', xsd:gYear as is,
    xsd:dateTime with its time. The value itself when it does not parse."""
    loc = locale(lang)
    kind = (datatype or "").removeprefix(XSD)
    try:
        if kind == "date" or (not kind and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
            return format_date(date.fromisoformat(value[:10]), "long", locale=loc)
        if kind == "gYearMonth" or (not kind and re.fullmatch(r"\d{4}-\d{2}", value)):
            year, month = value[:7].split("-")
            return format_skeleton("yMMMM", date(int(year), int(month), 1), locale=loc)
        if kind == "dateTime":
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return format_datetime(moment, "medium", locale=loc)
    except ValueError:
        return value
    return value


def coordinates(lat: float, lon: float, lang: str) -> str:
    """A point as latitude and longitude with hemispheres, in the language's form
    ('50.6607° N, 14.0323° E' / '50,6607° s. š., 14,0323° v. d.')."""
    north = t("geo.north" if lat >= 0 else "geo.south", lang)
    east = t("geo.east" if lon >= 0 else "geo.west", lang)
    return (f"{number(abs(lat), lang, 4)}°\u00a0{north}, "
            f"{number(abs(lon), lang, 4)}°\u00a0{east}")


# The Czech alphabet at the first level of comparison; letters not listed sort after it.
_CZECH = ["a", "b", "c", "č", "d", "e", "f", "g", "h", "ch", "i", "j", "k", "l", "m", "n",
          "o", "p", "q", "r", "ř", "s", "š", "t", "u", "v", "w", "x", "y", "z", "ž"]
_RANK = {letter: index for index, letter in enumerate(_CZECH)}
_KEEP = set("čřšž")


def _letters(text: str):
    """Lower-case letters and digits of text, 'ch' as one letter."""
    text = unicodedata.normalize("NFC", text.casefold())
    index = 0
    while index < len(text):
        if text.startswith("ch", index):
            yield "ch"
            index += 2
            continue
        char = text[index]
        index += 1
        if char.isalnum():
            yield char


def _base(char: str) -> str:
    if char in _KEEP:
        return char
    return unicodedata.normalize("NFD", char)[0]


def sort_key(text: str, lang: str = "cs") -> tuple:
    """A key that sorts names as the language's readers expect: Czech alphabetical order
    for 'cs' (Č after C, Ch after H, Ž after Z; á é ě í ó ú ů ý ď ť ň only break ties);
    accents ignored for 'en'. Digits sort before letters, leading punctuation is ignored."""
    letters = list(_letters(text))
    if lang != "cs":
        folded = [unicodedata.normalize("NFD", c)[0] for c in "".join(letters)]
        return (tuple((0, c) if c.isdigit() else (1, c) for c in folded), text)
    primary = []
    for char in letters:
        base = _base(char) if char != "ch" else "ch"
        if base.isdigit():
            primary.append((0, base, 0))
        elif base in _RANK:
            primary.append((1, "", _RANK[base]))
        else:
            primary.append((2, base, 0))
    secondary = tuple(char != _base(char) for char in letters if char != "ch")
    return (tuple(primary), secondary, text)
