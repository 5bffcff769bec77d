"""The named example queries of ``sparql/queries/``: their text and their header.

Each ``<name>.rq`` starts with comment lines that describe it::

    # title: Partners by country
    # title@cs: Partneři podle zemí
    # description: Every partner organisation with its country.
    # description@cs: …

A header without a language tag is English. The file name (without ``.rq``) is the
query's name in URLs (``/sparql?name=partners-by-country``). The build writes them into
the generation (:mod:`publisher.artefacts.queries`), where the endpoint and the CLI read
them; :func:`load_all` and :func:`find` read a project's own files (tests, checks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from publisher.core.iris import SOURCE_BASE
from publisher.core.scheme import Scheme

SOURCE_SCHEME = Scheme(SOURCE_BASE)

_HEADER = re.compile(
    r"^#\s*(title|description)(?:@([A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*))?\s*:\s*(.*)$"
)
# A query's name (its file name without .rq, and its name in URLs).
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")


@dataclass(frozen=True)
class NamedQuery:
    name: str
    text: str
    titles: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)


def parse(name: str, text: str) -> NamedQuery:
    """A named query from its file text (headers are read up to the first other line)."""
    titles: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _HEADER.match(stripped)
        if match:
            kind, lang, value = match.groups()
            target = titles if kind == "title" else descriptions
            target[(lang or "en").lower()] = value.strip()
    return NamedQuery(name, text, titles, descriptions)


def load_all(root: Path, scheme: Scheme = SOURCE_SCHEME) -> list[NamedQuery]:
    """Every named query of the project, in file-name order, rebased onto the scheme."""
    folder = root / "sparql" / "queries"
    if not folder.is_dir():
        return []
    return [
        parse(path.stem, scheme.rebase_text(path.read_text(encoding="utf-8")))
        for path in sorted(folder.glob("*.rq"))
        if NAME.match(path.stem)
    ]


def find(root: Path, name: str, scheme: Scheme = SOURCE_SCHEME) -> NamedQuery | None:
    """The named query called name, or None (names outside the pattern are never looked up)."""
    if not NAME.match(name):
        return None
    path = root / "sparql" / "queries" / f"{name}.rq"
    if not path.is_file():
        return None
    return parse(name, scheme.rebase_text(path.read_text(encoding="utf-8")))
