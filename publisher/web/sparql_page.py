"""The query page at /sparql for people: a form, the named queries and a results table.

It works without JavaScript (the form submits by GET, the answer is a table whose IRIs
link to their pages with labels beside them); ``static/sparql.js`` enhances it with the
YASGUI editor. Queries run through the same worker pool as the protocol, in SPARQL JSON
(or Turtle for graphs), and are rendered here.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pyoxigraph as ox
from flask import Response, render_template, request

from publisher.artefacts.queries import Queries
from publisher.core.labels import best_labels
from publisher.core.scheme import Scheme
from publisher.core.sparql import with_values
from publisher.serve.query import ASK, CONSTRUCT, Job, QueryRefused
from publisher.serve.querypool import AnswerTooLarge, PoolBusy, QueryTimeout, WorkerFailed
from publisher.web import i18n, negotiate
from publisher.web.querying import client_address, pool
from publisher.web.site import site

DEFAULT_QUERY = """\
SELECT ?class (COUNT(?thing) AS ?things) WHERE {
  ?thing a ?class .
}
GROUP BY ?class
ORDER BY DESC(?things)
LIMIT 20
"""
# The format chooser: the page itself, then what the protocol can answer in (from the
# format registry: the result formats, then the RDF formats of documents).
CHOICES = (
    ("html", None),
    *((fmt.name, fmt) for fmt in negotiate.offered(negotiate.SOLUTIONS)),
    *((fmt.name, fmt) for fmt in negotiate.RDF_FORMATS),
)
# The page may relax the site's CSP: YASGUI (CodeMirror) writes inline style attributes.
PAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
LABEL_BATCH = 500


def render(query: str | None = None, status: int = 200, **context):
    """The page with the form (and whatever result or error the context carries)."""
    lang = i18n.choose_language()
    settings = site().settings
    examples = [
        {
            "name": q.name,
            "title": i18n.pick_label(q.titles, lang) or q.name,
            "description": i18n.pick_label(q.descriptions, lang) or "",
            "href": Scheme.query_path(q.name),
        }
        for q in Queries(site().store().generation).named()
    ]
    body = render_template(
        "sparql.html",
        query=query if query is not None else request.values.get("query", DEFAULT_QUERY),
        chosen_format=request.values.get("format", "html"),
        choices=[(name, fmt.label if fmt else None) for name, fmt in CHOICES],
        examples=examples,
        timeout=settings.query_timeout_s,
        max_rows=settings.max_rows,
        **context,
    )
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Content-Security-Policy"] = PAGE_CSP
    response.vary.add("Accept")
    return response


def run(job: Job, named=None):
    """Run the job through the pool and render the page with its answer or its error."""

    context = {"named": named.name if named else None}
    settings = site().settings
    # The table is built in this process: its rows and bytes are bounded (page_max_*).
    job = dataclasses.replace(job, max_rows=min(job.max_rows, settings.page_max_rows))
    try:
        stream = pool().submit(job, client_address())
        body = stream.read(settings.page_max_bytes)
    except QueryRefused as exc:
        return render(job.query, exc.status, error=exc.message, **context)
    except AnswerTooLarge as exc:
        return render(job.query, 406, error=f"{exc}, too large to show as a page: ask for it "
                      "as CSV, JSON or another format", **context)
    except (QueryTimeout, PoolBusy) as exc:
        response = render(job.query, 503, error=str(exc), **context)
        response.headers["Retry-After"] = "5"
        return response
    except WorkerFailed as exc:
        return render(job.query, 500, error=str(exc), **context)
    head = stream.head
    context.update(form=head.form, truncated=head.truncated, rows_count=head.rows)
    if head.form == ASK:
        context["boolean"] = json.loads(body)["boolean"]
    elif head.form == CONSTRUCT:
        context["graph"] = body.decode("utf-8")
    else:
        document = json.loads(body)
        context.update(table(document["head"]["vars"], document["results"]["bindings"]))
    return render(job.query, 200, **context)


def table(variables: list[str], bindings: list[dict]) -> dict:
    """Rows of display cells, with page links and labels for IRIs."""
    scheme = site().scheme()
    iris = {b["value"] for row in bindings for b in row.values() if b["type"] == "uri"}
    labels = labels_of(iris)
    lang = i18n.choose_language()
    rows = []
    for row in bindings:
        cells: list[dict[str, Any] | None] = []
        for name in variables:
            term = row.get(name)
            if term is None:
                cells.append(None)
            elif term["type"] == "uri":
                cells.append({
                    "kind": "iri", "value": term["value"],
                    "href": scheme.link_for(term["value"]),
                    "label": i18n.pick_label(labels.get(term["value"], {}), lang),
                })
            elif term["type"] == "literal":
                cells.append({
                    "kind": "literal", "value": term["value"],
                    "lang": term.get("xml:lang"), "datatype": _short(term.get("datatype")),
                })
            else:
                cells.append({"kind": term["type"], "value": json.dumps(term["value"])
                              if term["type"] == "triple" else term["value"]})
        rows.append(cells)
    return {"variables": variables, "rows": rows}


def labels_of(iris) -> dict[str, dict[str, str]]:
    """{iri: {language: label}} from the store, in batches of typed VALUES."""
    store = site().store()
    result: dict[str, dict[str, str]] = {}
    try:
        labels_query = store.view("labels")
    except FileNotFoundError:
        return result
    nodes = sorted(iris)
    for start in range(0, len(nodes), LABEL_BATCH):
        chunk = [ox.NamedNode(iri) for iri in nodes[start:start + LABEL_BATCH]]
        pairs: dict[str, list] = {}
        for solution in store.query(with_values(labels_query, "o", chunk)):
            label = solution["label"]
            if isinstance(label, ox.Literal):
                pairs.setdefault(solution["o"].value, []).append((solution["lp"].value, label))
        for iri, found in pairs.items():
            result[iri] = best_labels(found)
    return result


def _short(datatype: str | None) -> str | None:
    if not datatype:
        return None
    xsd = "http://www.w3.org/2001/XMLSchema#"
    return "xsd:" + datatype[len(xsd):] if datatype.startswith(xsd) else datatype
