"""Typed terms into our own query texts: the one way of putting VALUES into a query.

A VALUES block is written from pyoxigraph terms (their ``str()`` is their escaped
N-Triples form), never from request text, and opens the query's WHERE group, so the store
joins from the given terms instead of scanning and filtering afterwards. The same block
binds one variable to many terms (:func:`with_values`) or several variables to one term
each (:func:`bind`, the substitutions of a backend without native ones).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import pyoxigraph as ox

IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
FORM = re.compile(r"(?i)\b(SELECT|CONSTRUCT|DESCRIBE|ASK)\b")


def _term_text(term) -> str:
    if isinstance(term, ox.NamedNode | ox.Literal):
        return str(term)
    raise ValueError(f"only IRIs and literals can be put into a query, not {term!r}")


def values_block(variables: str | Sequence[str], rows) -> str:
    """``VALUES ?v { t … }`` for one variable and its terms, or ``VALUES (?a ?b) { (t u) … }``
    for several variables and rows of terms."""
    if isinstance(variables, str):
        body = " ".join(_term_text(term) for term in rows)
        return f"\nVALUES ?{variables} {{ {body} }}\n"
    names = " ".join(f"?{name}" for name in variables)
    body = " ".join("(" + " ".join(_term_text(term) for term in row) + ")" for row in rows)
    return f"\nVALUES ({names}) {{ {body} }}\n"


def with_values(query: str, variables: str | Sequence[str], rows) -> str:
    """The query with a VALUES block (:func:`values_block`) opening its WHERE group."""
    at = where_group(query)
    if at < 0:
        raise ValueError("a query filled with VALUES needs a WHERE group")
    return query[: at + 1] + values_block(variables, rows) + query[at + 1 :]


def bind(query: str, substitutions: dict[str, object] | None) -> str:
    """The query with each variable fixed to its typed term (a one-row VALUES block); a
    DESCRIBE without a WHERE group gets one."""
    if not substitutions:
        return query
    names, row = tuple(substitutions), tuple(substitutions.values())
    if where_group(query) < 0:
        form = FORM.search(query)
        if form is None or form.group(1).upper() != "DESCRIBE":
            raise ValueError("no WHERE group to bind the substitutions in")
        return f"{query} WHERE {{{values_block(names, [row])}}}"
    return with_values(query, names, [row])


def skip(text: str, i: int) -> int:
    """The index after the string, IRI or comment starting at i (or i if none starts)."""
    c = text[i]
    if c == "#":
        end = text.find("\n", i)
        return len(text) if end < 0 else end + 1
    if c in "\"'":
        quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else c
        j = i + len(quote)
        while j < len(text):
            if text[j] == "\\":
                j += 2
                continue
            if text.startswith(quote, j):
                return j + len(quote)
            j += 1
        return len(text)
    if c == "<":
        match = IRI.match(text, i)
        if match:
            return match.end()
    return i


def _tokens(text: str) -> Iterator[tuple[int, str]]:
    """Structural characters and keyword starts outside strings, IRIs and comments."""
    i = 0
    while i < len(text):
        j = skip(text, i)
        if j != i:
            i = j
            continue
        yield i, text[i]
        i += 1


def where_group(text: str) -> int:
    """The index of the '{' that opens the query's WHERE group, or -1 when it has none.

    Skips a CONSTRUCT template; ignores braces inside strings, IRIs and comments.
    """
    form = None
    depth = 0
    skipped_template = False
    for i, c in _tokens(text):
        if form is None:
            at_word = c.isalpha() and (i == 0 or not text[i - 1].isalnum())
            match = FORM.match(text, i) if at_word else None
            if match:
                form = match.group(1).upper()
            continue
        if c == "{":
            if depth == 0:
                if form == "CONSTRUCT" and not skipped_template:
                    if text[:i].rstrip().upper().endswith("WHERE"):
                        raise ValueError("substitutions need CONSTRUCT { template } WHERE { … }")
                    skipped_template = True
                    depth += 1
                    continue
                return i
            depth += 1
        elif c == "}":
            depth -= 1
    return -1
