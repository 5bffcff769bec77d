"""Language of a page: Czech or English, chosen by ?lang=, a cookie, then Accept-Language.

Labels fall back along a chain (chosen language → the other one → any) so a page never
shows a bare IRI where some label exists.
"""

from __future__ import annotations

from flask import g, request

from publisher.web.messages import MESSAGES

LANGUAGES = ("en", "cs")
DEFAULT = "en"
COOKIE = "lang"


def choose_language() -> str:
    """The page language for this request (cached on flask.g)."""
    if "lang" in g:
        return g.lang
    asked = request.args.get("lang")
    if asked not in LANGUAGES:
        asked = request.cookies.get(COOKIE)
    if asked not in LANGUAGES:
        asked = request.accept_languages.best_match(LANGUAGES, default=DEFAULT)
    g.lang = asked
    return asked


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


def t(key: str, lang: str | None = None, **values) -> str:
    """A user-interface string in the page language (English when a key lacks Czech)."""
    lang = lang or choose_language()
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text
