"""``clusterscord query``: run a SPARQL query on the published graph from the shell.

It takes the endpoint's path: the same worker pool (so the same time limit and row cap),
the same checks (updates and SERVICE refused) and the same serializers, with the format
chosen by name from the endpoint's table (``--format csv``, ``turtle``, …).
"""

from __future__ import annotations

import sys
from pathlib import Path

from publisher.artefacts.queries import Queries
from publisher.core.generation import Generations
from publisher.core.scheme import Scheme
from publisher.serve.query import ASK, CONSTRUCT, SELECT, Job, QueryRefused
from publisher.serve.querypool import PoolBusy, QueryPool, QueryTimeout, WorkerFailed

DEFAULT_TYPES: dict[str, str | None] = {
    SELECT: "text/tab-separated-values",
    ASK: "application/sparql-results+json",
    CONSTRUCT: "text/turtle",
}


def read_query(args, generation) -> str:
    if args.name:
        named = Queries(generation).named_query(args.name)
        if named is None:
            raise ValueError(f"no named query {args.name!r} in the published generation")
        return named.text
    if args.file:
        return Path(args.file).read_text(encoding="utf-8")
    if args.query and args.query != "-":
        return args.query
    return sys.stdin.read()


def cmd_query(args, settings) -> int:
    from publisher.web.sparql import named_media_types

    generation = Generations(settings.var).current()
    scheme = Scheme(generation.manifest().get("base_iri") or settings.base_iri)
    try:
        text = read_query(args, generation)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    types = named_media_types(args.format.lower()) if args.format else DEFAULT_TYPES
    job = Job(
        query=text,
        generation_path=str(generation.path),
        media_types=types,
        default_graphs=tuple(args.default_graph) or None,
        named_graphs=tuple(args.named_graph) or None,
        max_rows=settings.max_rows,
        max_query_chars=settings.max_query_chars,
        service_allowlist=settings.service_allowlist,
        base_iri=scheme.endpoint,
    )
    pool = QueryPool(settings.replace(query_workers=1))
    try:
        stream = pool.submit(job)
        out = sys.stdout.buffer
        for chunk in stream:
            out.write(chunk)
        out.flush()
    except QueryRefused as exc:
        print(f"refused ({exc.status}): {exc.message}", file=sys.stderr)
        return 1
    except (QueryTimeout, PoolBusy, WorkerFailed) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        pool.close()
    if stream.head.truncated:
        print(f"note: the result was cut at the row limit of {settings.max_rows}", file=sys.stderr)
    return 0


def add_commands(sub, settings_for) -> None:
    """Register the subcommand; settings_for(args) builds the Settings."""
    p = sub.add_parser("query", help="run a SPARQL query on the published graph")
    p.add_argument("query", nargs="?", help="the query text ('-' or nothing: read stdin)")
    p.add_argument("-f", "--file", help="read the query from this file")
    p.add_argument("-n", "--name", help="run a named query of sparql/queries/")
    p.add_argument("--format", help="json, xml, csv, tsv, turtle, ntriples, jsonld, rdfxml, "
                                    "nquads, trig (default: tsv for SELECT, turtle for graphs)")
    p.add_argument("--default-graph", action="append", default=[], metavar="IRI",
                   help="a default graph of the dataset (repeatable; like default-graph-uri)")
    p.add_argument("--named-graph", action="append", default=[], metavar="IRI",
                   help="a named graph of the dataset (repeatable; like named-graph-uri)")
    p.set_defaults(func=lambda args: cmd_query(args, settings_for(args)))
