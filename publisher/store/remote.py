"""A remote SPARQL 1.1 server as the store: queries over the Protocol, loads over the
Graph Store Protocol.

Any SPARQL 1.1 server will do (tested: the Oxigraph server and Virtuoso 7; see
docs/deployment.md for the others). Reading: every query is sent by POST with the
generation's graphs as ``default-graph-uri`` and ``named-graph-uri``, so the union default
graph means the same as in the embedded store; answers are parsed into the pyoxigraph
result types the embedded store returns. Substitutions become an inline ``VALUES`` block at
the head of the query's WHERE group, written from typed terms (``str(term)`` is their
N-Triples form), never from request text.

Generations side by side: a build loads each named graph of the new generation into a
graph of its own, ``urn:x-clusterscord:gen:<generation id>:<graph IRI>``
(:func:`graph_name`), and nothing else changes in the store; the generation becomes
visible when the web nodes move to it, each at its own moment, by the ``current`` pointer
of the published generations. A node answering from generation N reads generation N's
graphs whole, whatever the others do, and the previous generations' graphs are dropped
only once no node reads them and a grace period has passed
(:mod:`publisher.store.retention`). Graph names stay public: the query text's graph IRIs
(written out, or as prefixed names) are renamed to the generation's graphs, the data's
statements about graphs were renamed alike when loaded, and every answer is renamed back.
So a query sees the graph names it would see in the embedded store; only string functions
applied to a graph name (``STR(?g)``) see the stored name.

Credentials for the update and Graph Store endpoints are given in their URLs
(``http://user:password@host/…``); they are sent as HTTP digest or basic authentication,
whichever the server asks for, and never appear in messages. Virtuoso's differences are
put right in :mod:`publisher.store.virtuoso`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from urllib.parse import unquote, urlsplit, urlunsplit

import pyoxigraph as ox
import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from publisher.core.config import Settings
from publisher.core.generation import Generation
from publisher.core.iris import PREFIXES
from publisher.core.scheme import Scheme
from publisher.core.sparql import FORM as _FORM
from publisher.core.sparql import bind
from publisher.core.sparql import skip as _skip
from publisher.store import retention, virtuoso
from publisher.store.base import QueryStore

GENERATION = "urn:x-clusterscord:gen:"
LEGACY_STAGING = "urn:x-clusterscord:staging:"
EMPTY_GRAPH = "urn:x-clusterscord:empty"
ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
ACCEPT_TRIPLES = "application/n-triples"
UPLOAD_BATCH = 50_000
LIST_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"

_PROLOGUE = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())
_PREFIX_DECL = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>")
_PNAME = re.compile(r"([A-Za-z](?:[\w.-]*[\w-])?)?:([\w-](?:[\w.:-]*[\w:-])?)?")


class RemoteError(RuntimeError):
    """The remote server refused or failed a request; the message carries its answer."""


class RemoteTriples:
    """The triples of a CONSTRUCT or DESCRIBE answer, like pyoxigraph's QueryTriples."""

    def __init__(self, triples: list[ox.Triple]):
        self._triples = triples

    def __iter__(self):
        return iter(self._triples)

    def serialize(self, output=None, format=ox.RdfFormat.N_TRIPLES):  # noqa: A002
        return ox.serialize(self._triples, output, format=format)


def _code(text: str) -> str:
    """The text with strings, IRIs and comments blanked out (same length)."""
    out, i = [], 0
    while i < len(text):
        j = _skip(text, i)
        if j != i:
            out.append(" " * (j - i))
            i = j
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


_PROLOGUE_DECL = re.compile(r"(?i)\s*(?:PREFIX\s+[\w.-]*:\s*|BASE\s*)")
_EXTENSION = re.compile(r"(?i)(?<![\w:.-])(?:bif|sql):")


def check_query(text: str, virtuoso_server: bool = False) -> str:
    """The query form (SELECT, CONSTRUCT, DESCRIBE, ASK), or SyntaxError.

    A remote server is only ever sent a query: an update, a server pragma (Virtuoso's
    ``define``) or anything else is refused here, whatever the server would do with it.
    On Virtuoso, its ``bif:`` and ``sql:`` built-in functions are refused too.
    """
    code = _code(text)
    at = 0
    while True:
        match = _PROLOGUE_DECL.match(code, at)
        if not match:
            break
        at = match.end()
        while at < len(code) and code[at] == " ":
            at += 1
    form = _FORM.match(code, len(code) - len(code[at:].lstrip()))
    if form is None:
        raise SyntaxError("not a SPARQL query (SELECT, CONSTRUCT, DESCRIBE or ASK)")
    if virtuoso_server and _EXTENSION.search(code):
        raise SyntaxError("the server's own extension functions (bif:, sql:) are not offered")
    return form.group(1).upper()


def graph_name(generation_id: str, graph: str) -> str:
    """The store's name for a generation's graph."""
    return f"{GENERATION}{generation_id}:{graph}"


def generation_of(name: str) -> tuple[str, str] | None:
    """(generation id, public graph) of a graph the publisher named, else None."""
    if not name.startswith(GENERATION):
        return None
    generation_id, _, graph = name[len(GENERATION):].partition(":")
    return (generation_id, graph) if graph else None


def rename_iris(text: str, mapping: dict[str, str], unknown_graph: str | None = None) -> str:
    """The query with every IRI in mapping (written out or as a prefixed name) renamed.

    With ``unknown_graph``, an IRI after the keyword GRAPH that names no graph of the
    generation is renamed to it (a graph kept empty and always in the dataset: Virtuoso
    finds a constant pattern in a graph outside the dataset). Strings, comments and other
    IRIs are left as they are.
    """
    if not mapping and unknown_graph is None:
        return text
    if unknown_graph is None or "graph" not in text.lower():
        locals_ = {iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1] for iri in mapping}
        if not any(name in text for name in locals_):
            return text
    prefixes = dict(PREFIXES)
    prefixes.update({m.group(1) or "": m.group(2) for m in _PREFIX_DECL.finditer(text)})
    out, last, i, after_graph = [], 0, 0, False

    def renamed(iri: str) -> str | None:
        if iri in mapping:
            return mapping[iri]
        return unknown_graph if after_graph else None

    while i < len(text):
        j = _skip(text, i)
        if j != i:
            if text[i] == "<":
                target = renamed(text[i + 1 : j - 1])
                if target is not None:
                    out += [text[last:i], f"<{target}>"]
                    last = j
                after_graph = False
            elif text[i] != "#":
                after_graph = False
            i = j
            continue
        c = text[i]
        starts = c.isalpha() or c == ":"
        if starts and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_-.:?$")):
            match = _PNAME.match(text, i)
            if match and match.end() > i and ":" in match.group(0):
                namespace = prefixes.get(match.group(1) or "")
                target = None if namespace is None else renamed(namespace + (match.group(2) or ""))
                if target is not None:
                    out += [text[last:i], f"<{target}>"]
                    last = match.end()
                i = match.end()
                after_graph = False
                continue
            j = i
            while j < len(text) and (text[j].isalnum() or text[j] in "_-"):
                j += 1
            after_graph = text[i:j].upper() == "GRAPH"
            i = j
            continue
        if not c.isspace():
            after_graph = False
        i += 1
    out.append(text[last:])
    return "".join(out)


class ServerAuth(AuthBase):
    """Digest or basic authentication, whichever the server's challenge asks for."""

    def __init__(self, user: str, password: str):
        self.digest = HTTPDigestAuth(user, password)
        self.basic = HTTPBasicAuth(user, password)

    def __call__(self, request):
        request = self.digest(request)
        request.register_hook("response", self._basic_on_401)
        return request

    def _basic_on_401(self, response, **kwargs):
        challenge = response.headers.get("WWW-Authenticate", "").lower()
        if response.status_code != 401 or not challenge.startswith("basic"):
            return response
        if getattr(response.request, "_basic_sent", False):
            return response
        response.content  # noqa: B018 - release the connection for the retry
        response.close()
        retry = response.request.copy()
        self.basic(retry)
        retry._basic_sent = True
        sent = response.connection.send(retry, **kwargs)
        sent.history.append(response)
        sent.request = retry
        return sent


def endpoint(url: str) -> tuple[str, AuthBase | None]:
    """The URL without credentials, and the authentication its credentials ask for."""
    parts = urlsplit(url)
    if parts.username is None:
        return url, None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return clean, ServerAuth(unquote(parts.username), unquote(parts.password or ""))


class RemoteStore(QueryStore):
    """A published generation read from a remote SPARQL 1.1 server."""

    def __init__(self, settings: Settings, generation: Generation):
        self.settings = settings
        self.generation = generation
        manifest = generation.manifest()
        self.scheme = Scheme(manifest.get("base_iri") or settings.base_iri)
        stored = manifest.get("remote_graphs") or sorted(manifest["stats"]["graphs"])
        self.graphs = list(stored)
        self.names = {}  # public graph IRI -> the store's name
        self._strip = None
        for name in stored:
            parsed = generation_of(name)
            if parsed is not None:
                self.names[parsed[1]] = name
                self._strip = f"{GENERATION}{parsed[0]}:".encode()
        self.query_url, self._auth = endpoint(settings.remote_query_url)
        self._virtuoso: bool | None = None
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.auth = self._auth
        return session

    def _stored(self, graphs) -> list[str]:
        return [self.names.get(g.value, g.value) for g in graphs if isinstance(g, ox.NamedNode)]

    def _is_virtuoso(self) -> bool:
        if self._virtuoso is None:
            response = self._session().get(self.query_url,
                                           params={"query": self.own_query("probe")},
                                           headers={"Accept": ACCEPT}, timeout=10)
            self._virtuoso = virtuoso.is_virtuoso(response.headers.get("Server"))
        return self._virtuoso

    def client_query(self, sparql, *, base_iri, default_graph=None, named_graphs=None):
        """A client's query over the generation's graphs (or the graphs given); relative
        IRIs resolve against the endpoint (base_iri is the same IRI)."""
        return self.query(sparql, default_graph=default_graph, named_graphs=named_graphs)

    def query(self, sparql, *, substitutions=None, default_graph=None, named_graphs=None,
              union_default_graph=True):
        text = bind(sparql, substitutions)
        is_virtuoso = self._is_virtuoso()
        form = check_query(text, is_virtuoso)
        # Relative IRIs resolve against the endpoint, as in the embedded store.
        prologue = f"BASE <{self.scheme.endpoint}>\n{_PROLOGUE}"
        text = rename_iris(prologue + text, self.names, EMPTY_GRAPH if is_virtuoso else None)
        accept = ACCEPT_TRIPLES if form in ("CONSTRUCT", "DESCRIBE") else ACCEPT
        extra = []
        if is_virtuoso:
            if form == "DESCRIBE":
                text = virtuoso.DESCRIBE_PRAGMA + text
            extra = [("timeout", str(int(self.settings.query_timeout_s * 1000)))]
        if default_graph is not None:
            defaults = self._stored(default_graph) or [EMPTY_GRAPH]
        elif union_default_graph:
            defaults = self.graphs
        else:
            defaults = [EMPTY_GRAPH]
        named = self.graphs if named_graphs is None else self._stored(named_graphs)
        if is_virtuoso:
            named = [*named, EMPTY_GRAPH]
        data = [("query", text), *extra]
        data += [("default-graph-uri", g) for g in defaults]
        data += [("named-graph-uri", g) for g in named or [EMPTY_GRAPH]]
        try:
            response = self._session().post(
                self.query_url, data=data, headers={"Accept": accept},
                timeout=self.settings.query_timeout_s + 5,
            )
        except requests.RequestException as exc:
            raise RemoteError(f"SPARQL server unreachable: {exc}") from exc
        if response.status_code == 400:
            raise SyntaxError(response.text.strip() or "the server refused the query")
        if response.status_code != 200:
            raise RemoteError(
                f"SPARQL server answered {response.status_code}: {response.text[:500]}"
            )
        if response.headers.get("X-SQL-State") == virtuoso.PARTIAL_STATE:
            raise RemoteError(
                f"the SPARQL server stopped the query at its time limit "
                f"({self.settings.query_timeout_s:g} s)"
            )
        kind = response.headers.get("Content-Type", "").split(";")[0].strip()
        body = response.content
        if self._strip:
            body = body.replace(self._strip, b"")
        if kind == "application/sparql-results+json":
            body = virtuoso.fix_json(body)
            return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        if kind in ("application/n-triples", "text/plain"):
            quads = ox.parse(virtuoso.fix_ntriples(body), format=ox.RdfFormat.N_TRIPLES)
            return RemoteTriples([ox.Triple(q.subject, q.predicate, q.object) for q in quads])
        raise RemoteError(f"SPARQL server answered with unexpected type {kind!r}")

    def close(self) -> None:
        session = getattr(self._local, "session", None)
        if session is not None:
            session.close()


# Loading ----------------------------------------------------------------------------


class _Loader:
    """The build's connection to the server: query, update and Graph Store endpoints."""

    def __init__(self, settings: Settings):
        if not settings.remote_store_url:
            raise RemoteError("backend 'remote' needs remote_store_url to load a build")
        self.settings = settings
        self.session = requests.Session()
        self.query_url, self.query_auth = endpoint(settings.remote_query_url)
        self.update_url, self.update_auth = endpoint(
            settings.remote_update_url or settings.remote_query_url)
        self.store_url, self.store_auth = endpoint(settings.remote_store_url)
        self.timeout = max(600.0, settings.query_timeout_s)

    def graphs(self) -> list[str]:
        response = self.session.post(
            self.query_url,
            # (grouped rather than DISTINCT: Virtuoso answers this from its graph index)
            data={"query": LIST_GRAPHS},
            headers={"Accept": "application/sparql-results+json"},
            auth=self.query_auth, timeout=self.timeout,
        )
        _check(response, "listing the remote graphs")
        results = ox.parse_query_results(virtuoso.fix_json(response.content),
                                         format=ox.QueryResultsFormat.JSON)
        if not isinstance(results, ox.QuerySolutions):
            raise RemoteError("listing the remote graphs: the server answered a boolean, "
                              "not a table of graphs")
        return sorted(row["g"].value for row in results if isinstance(row["g"], ox.NamedNode))

    def update(self, text: str, what: str) -> None:
        response = self.session.post(self.update_url, data={"update": text},
                                     auth=self.update_auth, timeout=self.timeout)
        _check(response, what)

    def upload(self, graph: str, body: bytes) -> None:
        """Add N-Triples to a graph (POST: merged), with a length (no chunked bodies:
        Virtuoso's Graph Store endpoint takes a chunked body as empty)."""
        response = self.session.post(
            self.store_url, params={"graph": graph}, data=body,
            headers={"Content-Type": "application/n-triples"},
            auth=self.store_auth, timeout=self.timeout,
        )
        _check(response, f"uploading into graph {graph}")

    def close(self) -> None:
        self.session.close()


def _check(response: requests.Response, what: str) -> None:
    if response.status_code >= 300:
        raise RemoteError(f"{what}: the server answered {response.status_code}: "
                          f"{response.text[:500]}")


def _batches(store: ox.Store, graph: ox.NamedNode, names: dict) -> Iterator[bytes]:
    """The graph's triples as N-Triples, statements about graphs renamed like the graphs."""
    batch: list[ox.Triple] = []
    for quad in store.quads_for_pattern(None, None, None, graph):
        subject, obj = quad.subject, quad.object
        if isinstance(subject, ox.NamedNode) and subject.value in names:
            subject = ox.NamedNode(names[subject.value])
        if isinstance(obj, ox.NamedNode) and obj.value in names:
            obj = ox.NamedNode(names[obj.value])
        batch.append(ox.Triple(subject, quad.predicate, obj))
        if len(batch) >= UPLOAD_BATCH:
            yield _ntriples(batch)
            batch = []
    if batch:
        yield _ntriples(batch)


def _ntriples(batch: list[ox.Triple]) -> bytes:
    body = ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES)
    assert body is not None  # given no output, serialize returns the bytes
    return body


def load_generation(settings: Settings, store: ox.Store, generation_id: str) -> list[str]:
    """Load every named graph of the built store into the generation's own graphs.

    Returns the store's names of the generation's graphs (kept in the manifest as
    ``remote_graphs``). Nothing served changes: the generation is read once the nodes
    move to it. Generations no longer needed are dropped first (:func:`prune`).
    """
    loader = _Loader(settings)
    try:
        prune(settings, loading=generation_id, loader=loader)
        public = sorted(g.value for g in store.named_graphs())
        names = {graph: graph_name(generation_id, graph) for graph in public}
        for graph in public:
            for body in _batches(store, ox.NamedNode(graph), names):
                loader.upload(names[graph], body)
        return [names[graph] for graph in public]
    finally:
        loader.close()


def prune(settings: Settings, loading: str | None = None, loader: _Loader | None = None,
          now: float | None = None) -> list[str]:
    """Drop this deployment's graphs of generations no longer kept; returns their names."""
    own = loader or _Loader(settings)
    try:
        kept = retention.keep(settings, loading=loading, now=now)
        doomed = []
        for name in own.graphs():
            if name.startswith(LEGACY_STAGING):
                doomed.append(name)
                continue
            parsed = generation_of(name)
            if parsed and parsed[1].startswith(settings.base_iri) and parsed[0] not in kept:
                doomed.append(name)
        if doomed:
            own.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in doomed),
                       "dropping the graphs of old generations")
        return doomed
    finally:
        if loader is None:
            own.close()
