"""The one way of putting VALUES into a query: typed terms at the head of the WHERE group."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from publisher.core.sparql import bind, values_block, where_group, with_values

A, B = ox.NamedNode("urn:a"), ox.NamedNode("urn:b")


@pytest.mark.parametrize(
    "sparql",
    [
        'SELECT ?x WHERE { ?x ?p "a { brace" }',
        "SELECT ?x WHERE { ?x ?p '''}''' } # { comment",
        "# a { comment\nPREFIX e: <urn:x> SELECT ?x WHERE { ?x e:p ?o FILTER(?o<3) }",
        "CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }",
        "ASK { ?x ?p ?o }",
        "SELECT ?x { { SELECT ?x WHERE { ?x ?p ?o } } }",
    ],
)
def test_substitutions_go_into_the_where_group_whatever_braces_hide_in_the_text(sparql):
    bound = bind(sparql, {"x": A})
    at = where_group(sparql)
    assert bound[: at + 1] == sparql[: at + 1]
    assert bound[at + 1 :].lstrip().startswith("VALUES (?x) { (<urn:a>) }")
    ox.Store().query(bound)


def test_one_variable_many_terms_and_many_variables_one_row_are_the_same_block():
    assert values_block("o", [A, B]).strip() == "VALUES ?o { <urn:a> <urn:b> }"
    assert values_block(("s", "n"), [(A, ox.Literal(3))]).strip() == (
        'VALUES (?s ?n) { (<urn:a> "3"^^<http://www.w3.org/2001/XMLSchema#integer>) }')
    query = with_values("SELECT ?o WHERE { ?o ?p ?v }", "o", [A, B])
    store = ox.Store()
    store.add(ox.Quad(A, B, ox.Literal("x")))
    assert [row["o"] for row in store.query(query)] == [A]


def test_literals_are_escaped_and_other_terms_refused():
    hostile = ox.Literal('x" } ; DROP ALL ; #')
    query = with_values("SELECT ?v WHERE { ?s ?p ?v }", "v", [hostile])
    assert list(ox.Store().query(query)) == []
    with pytest.raises(ValueError, match="only IRIs and literals"):
        values_block("v", [ox.BlankNode()])
    with pytest.raises(ValueError, match="WHERE group"):
        with_values("DESCRIBE <urn:a>", "v", [A])
    assert bind("DESCRIBE ?x", {"x": A}).startswith("DESCRIBE ?x WHERE {")
