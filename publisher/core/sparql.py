"""Typed terms into our own query texts: one way of putting VALUES into a query."""

from __future__ import annotations


def values_block(variable: str, terms) -> str:
    """A VALUES block of typed terms (their str() is a valid, escaped SPARQL term)."""
    body = " ".join(str(term) for term in terms)
    return f"\nVALUES ?{variable} {{ {body} }}\n"


def with_values(query: str, variable: str, terms) -> str:
    """The query with a VALUES block opening its WHERE clause, so the store joins from the
    given terms instead of scanning and filtering afterwards."""
    head, brace, body = query.partition("WHERE {")
    if not brace:
        raise ValueError("a view filled with VALUES needs a 'WHERE {'")
    return head + brace + values_block(variable, terms) + body
