"""A remote SPARQL 1.1 server as the store: queries over the Protocol, loads over the
Graph Store Protocol.

Any SPARQL 1.1 server will do (Oxigraph server, Fuseki, Virtuoso, QLever, GraphDB).
Reading: every query is sent by POST with the published generation's graphs as
``default-graph-uri`` and ``named-graph-uri``, so the union default graph means the same
as in the embedded store and a half-loaded next generation is never seen; answers are
parsed into the pyoxigraph result types the embedded store returns. Substitutions become
an inline ``VALUES`` block at the head of the query's WHERE group, written from typed
terms (``str(term)`` is their N-Triples form), never from request text.

Loading (:func:`load_generation`, called by the build once the generation is complete and
valid): each graph of the new generation is uploaded aside into a staging graph, then one
SPARQL Update request moves every staging graph onto its public name and drops the graphs
the generation no longer has. On a server that runs an update request as one transaction
(Oxigraph, Fuseki/TDB2, GraphDB, Virtuoso) readers see the old generation or the new one,
never a mixture.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pyoxigraph as ox
import requests

from publisher.core.config import Settings
from publisher.core.generation import Generation
from publisher.core.iris import PREFIXES
from publisher.core.scheme import Scheme
from publisher.store.base import QueryStore

STAGING = "urn:x-clusterscord:staging:"
EMPTY_GRAPH = "urn:x-clusterscord:empty"
ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
UPLOAD_BATCH = 50_000

_PROLOGUE = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
_IRI = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_FORM = re.compile(r"(?i)\b(SELECT|CONSTRUCT|DESCRIBE|ASK)\b")


class RemoteError(RuntimeError):
    """The remote server refused or failed a request; the message carries its answer."""


def _skip(text: str, i: int) -> int:
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
        match = _IRI.match(text, i)
        if match:
            return match.end()
    return i


def _tokens(text: str) -> Iterator[tuple[int, str]]:
    """Structural characters and keyword starts outside strings, IRIs and comments."""
    i = 0
    while i < len(text):
        j = _skip(text, i)
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
            match = _FORM.match(text, i) if at_word else None
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


def _term_text(term) -> str:
    if isinstance(term, ox.NamedNode | ox.Literal):
        return str(term)
    raise ValueError(f"only IRIs and literals can be substituted remotely, not {term!r}")


def bind(sparql: str, substitutions: dict[str, object] | None) -> str:
    """The query with each variable fixed to its typed term by an inline VALUES block."""
    if not substitutions:
        return sparql
    names = " ".join(f"?{name}" for name in substitutions)
    row = " ".join(_term_text(term) for term in substitutions.values())
    values = f" VALUES ({names}) {{ ({row}) }} "
    at = where_group(sparql)
    if at < 0:
        form = _FORM.search(sparql)
        if form is None or form.group(1).upper() != "DESCRIBE":
            raise ValueError("no WHERE group to bind the substitutions in")
        return f"{sparql} WHERE {{{values}}}"
    return sparql[: at + 1] + values + sparql[at + 1 :]


class RemoteTriples:
    """The triples of a CONSTRUCT or DESCRIBE answer, like pyoxigraph's QueryTriples."""

    def __init__(self, triples: list[ox.Triple]):
        self._triples = triples

    def __iter__(self):
        return iter(self._triples)

    def serialize(self, output=None, format=ox.RdfFormat.N_TRIPLES):  # noqa: A002
        return ox.serialize(self._triples, output, format=format)


class RemoteStore(QueryStore):
    """A published generation read from a remote SPARQL 1.1 server."""

    def __init__(self, settings: Settings, generation: Generation):
        self.settings = settings
        self.generation = generation
        manifest = generation.manifest()
        self.scheme = Scheme(manifest.get("base_iri") or settings.base_iri)
        self.graphs = manifest.get("remote_graphs") or sorted(manifest["stats"]["graphs"])
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def query(self, sparql, *, substitutions=None, default_graph=None, named_graphs=None,
              union_default_graph=True):
        text = _PROLOGUE + bind(self.scheme.rebase_text(sparql), substitutions)
        if default_graph is not None:
            defaults = [g.value for g in default_graph if isinstance(g, ox.NamedNode)]
            defaults = defaults or [EMPTY_GRAPH]
        elif union_default_graph:
            defaults = self.graphs
        else:
            defaults = [EMPTY_GRAPH]
        named = self.graphs if named_graphs is None else [g.value for g in named_graphs]
        form = [("query", text)]
        form += [("default-graph-uri", g) for g in defaults]
        form += [("named-graph-uri", g) for g in named or [EMPTY_GRAPH]]
        try:
            response = self._session().post(
                self.settings.remote_query_url, data=form, headers={"Accept": ACCEPT},
                timeout=self.settings.query_timeout_s,
            )
        except requests.RequestException as exc:
            raise RemoteError(f"SPARQL server unreachable: {exc}") from exc
        if response.status_code == 400:
            raise SyntaxError(response.text.strip() or "the server refused the query")
        if response.status_code != 200:
            raise RemoteError(
                f"SPARQL server answered {response.status_code}: {response.text[:500]}"
            )
        kind = response.headers.get("Content-Type", "").split(";")[0].strip()
        if kind == "application/sparql-results+json":
            return ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        if kind == "application/n-triples":
            quads = ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES)
            return RemoteTriples([ox.Triple(q.subject, q.predicate, q.object) for q in quads])
        raise RemoteError(f"SPARQL server answered with unexpected type {kind!r}")

    def close(self) -> None:
        session = getattr(self._local, "session", None)
        if session is not None:
            session.close()


# Loading ----------------------------------------------------------------------------


def _check(response: requests.Response, what: str) -> None:
    if response.status_code >= 300:
        raise RemoteError(f"{what}: the server answered {response.status_code}: "
                          f"{response.text[:500]}")


def _graph_names(session: requests.Session, settings: Settings) -> list[str]:
    response = session.post(
        settings.remote_query_url,
        data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=max(60.0, settings.query_timeout_s),
    )
    _check(response, "listing the remote graphs")
    results = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
    return sorted(row["g"].value for row in results if isinstance(row["g"], ox.NamedNode))


def _update(session: requests.Session, settings: Settings, text: str, what: str) -> None:
    response = session.post(
        settings.remote_update_url or settings.remote_query_url,
        data={"update": text}, timeout=max(600.0, settings.query_timeout_s),
    )
    _check(response, what)


def _body(store: ox.Store, graph: ox.NamedNode) -> Iterator[bytes]:
    batch: list[ox.Triple] = []
    for quad in store.quads_for_pattern(None, None, None, graph):
        batch.append(ox.Triple(quad.subject, quad.predicate, quad.object))
        if len(batch) >= UPLOAD_BATCH:
            yield ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES)
            batch = []
    if batch:
        yield ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES)


def staging_graph(generation_id: str, graph: str) -> str:
    return f"{STAGING}{generation_id}:{graph}"


def load_generation(settings: Settings, store: ox.Store, generation_id: str) -> list[str]:
    """Upload every named graph of the built store aside, then switch in one update.

    Returns the public graph names now served. Stale staging graphs of interrupted
    builds are dropped first; the published graphs are untouched until the switch.
    """
    if not settings.remote_store_url:
        raise RemoteError("backend 'remote' needs remote_store_url to load a build")
    session = requests.Session()
    with session:
        stale = [g for g in _graph_names(session, settings) if g.startswith(STAGING)]
        if stale:
            _update(session, settings, " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in stale),
                    "dropping stale staging graphs")
        graphs = sorted(g.value for g in store.named_graphs())
        for graph in graphs:
            response = session.post(
                settings.remote_store_url,
                params={"graph": staging_graph(generation_id, graph)},
                data=_body(store, ox.NamedNode(graph)),
                headers={"Content-Type": "application/n-triples"},
                timeout=max(600.0, settings.query_timeout_s),
            )
            _check(response, f"uploading graph {graph}")
        current = [g for g in _graph_names(session, settings) if not g.startswith(STAGING)]
        operations = [f"DROP SILENT GRAPH <{g}>" for g in current if g not in graphs]
        operations += [
            f"MOVE SILENT GRAPH <{staging_graph(generation_id, g)}> TO GRAPH <{g}>"
            for g in graphs
        ]
        _update(session, settings, " ;\n".join(operations), "switching to the new generation")
    return graphs
