"""The SPARQL 1.1 Protocol endpoint at /sparql (query operation only; updates get 403).

A request is read into a :class:`publisher.query.Job` (the query, the protocol dataset,
a media type per query form from ``Accept`` or the ``format`` parameter) and handed to
the killable worker pool; the answer streams back as it is written. Browsers asking for
HTML get the query page (:mod:`publisher.web.sparql_page`); RDF clients asking with no
query get the service description. Nothing of the request reaches SPARQL text: the query
is the client's own, evaluated read-only in a separate process.
"""

from __future__ import annotations

import dataclasses
import functools
from urllib.parse import unquote_to_bytes

import pyoxigraph as ox
from flask import Blueprint, Response, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.http import parse_accept_header

from publisher.artefacts.queries import Queries
from publisher.core.scheme import ENDPOINT_PATH
from publisher.serve.query import ASK, CONSTRUCT, SELECT, Job, QueryRefused
from publisher.serve.querypool import PoolBusy, QueryTimeout, WorkerFailed
from publisher.web import caching, limits, negotiate, sparql_page
from publisher.web.asgi import DEADLINE
from publisher.web.caching import CORS_HEADERS, add_vary
from publisher.web.querying import client_address, pool
from publisher.web.service_description import describe
from publisher.web.site import site

bp = Blueprint("sparql", __name__)

# The endpoint's formats per query form, from the one registry (publisher.web.negotiate).
SOLUTION_FORMATS = negotiate.offered(negotiate.SOLUTIONS)
BOOLEAN_FORMATS = negotiate.offered(negotiate.BOOLEAN)
GRAPH_FORMATS = negotiate.offered(negotiate.GRAPH)
RESULTS_JSON = negotiate.RESULTS_JSON
OFFERED = {SELECT: SOLUTION_FORMATS, ASK: BOOLEAN_FORMATS, CONSTRUCT: GRAPH_FORMATS}
# format=… names that mean a different format per query form.
FORM_ALIASES = {
    CONSTRUCT: {
        "json": negotiate.JSONLD, "json-ld": negotiate.JSONLD, "xml": negotiate.RDFXML,
        "rdf+xml": negotiate.RDFXML, "n3": negotiate.TURTLE,
    },
}
PAGE_TYPES = {
    SELECT: RESULTS_JSON.mimetype, ASK: RESULTS_JSON.mimetype, CONSTRUCT: negotiate.TURTLE.mimetype,
}
PATHS = (ENDPOINT_PATH, ENDPOINT_PATH + "/")


class ProtocolError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclasses.dataclass(frozen=True)
class Operation:
    """A query operation as the protocol delivered it (query None when absent)."""

    query: str | None
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None


def read_operation() -> Operation:
    """Read the query operation from GET, form POST or direct POST, or raise ProtocolError."""
    args = request.args
    if request.method in ("GET", "HEAD"):
        if "update" in args:
            raise ProtocolError(403, "SPARQL Update is not accepted: this endpoint is read-only")
        queries, params = args.getlist("query"), [args]
    else:
        mimetype = request.mimetype
        if mimetype == "application/x-www-form-urlencoded":
            form = request.form
            if "update" in form or "update" in args:
                raise ProtocolError(
                    403, "SPARQL Update is not accepted: this endpoint is read-only"
                )
            queries, params = args.getlist("query") + form.getlist("query"), [args, form]
        elif mimetype == "application/sparql-query":
            if "query" in args:
                raise ProtocolError(
                    400, "a direct POST carries the query in its body; remove query= from the URL"
                )
            charset = request.mimetype_params.get("charset", "utf-8").lower()
            if charset not in ("utf-8", "utf8"):
                raise ProtocolError(415, f"the query must be UTF-8 encoded, not {charset}")
            try:
                queries = [request.get_data(cache=False).decode("utf-8")]
            except UnicodeDecodeError as exc:
                raise ProtocolError(400, f"the query is not valid UTF-8: {exc}") from exc
            params = [args]
        elif mimetype == "application/sparql-update":
            raise ProtocolError(403, "SPARQL Update is not accepted: this endpoint is read-only")
        else:
            raise ProtocolError(
                415,
                "POST a query as application/x-www-form-urlencoded (query=…) or as "
                f"application/sparql-query; got {mimetype or 'no content type'}",
            )
    if len(queries) > 1:
        raise ProtocolError(400, "more than one query in the request; send exactly one")
    return Operation(
        queries[0] if queries else None,
        _graphs(params, "default-graph-uri"),
        _graphs(params, "named-graph-uri"),
    )


def utf8_problem() -> ProtocolError | None:
    """Check the query string and a form body before anything parses them."""
    try:
        _require_utf8(request.query_string, "the query string")
        if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
            _require_utf8(request.get_data(cache=True), "the form body")
    except ProtocolError as exc:
        return exc
    return None


def _require_utf8(raw: bytes, where: str) -> None:
    """Refuse parameters whose percent-escapes are not UTF-8 (the protocol's encoding).

    The form parser would quietly turn them into U+FFFD, and a query would then look for
    text nobody wrote; a clear 400 is better.
    """
    for field in raw.split(b"&"):
        for part in (unquote_to_bytes(p.replace(b"+", b" ")) for p in field.split(b"=", 1)):
            try:
                part.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ProtocolError(
                    400,
                    f"{where} is not UTF-8 after percent-decoding "
                    f"({exc.reason} in {part[max(0, exc.start - 10):exc.end + 10]!r})",
                ) from exc


def _graphs(params, name: str) -> tuple[str, ...] | None:
    values = [value for source in params for value in source.getlist(name)]
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError as exc:
            raise ProtocolError(400, f"{name} is not an absolute IRI: {value!r}") from exc
    return tuple(values) if values else None


def format_override() -> str | None:
    """The ``format`` (or ``output``) parameter, which overrides Accept."""
    sources = [request.args]
    if request.method == "POST" and request.mimetype == "application/x-www-form-urlencoded":
        sources.append(request.form)
    for name in ("format", "output"):
        for source in sources:
            value = source.get(name)
            if value:
                return value.strip().lower()
    return None


def media_types(override: str | None) -> dict[str, str | None]:
    """The media type to answer in for each query form (None: nothing acceptable)."""
    if override is not None:
        return named_media_types(override)
    return negotiated(request.headers.get("Accept", ""))[0]


@functools.lru_cache(maxsize=256)
def negotiated(accept: str) -> tuple[dict[str, str | None], bool]:
    """For one Accept header: the media type per query form, and whether it wants the page.

    Negotiation parses and matches the header against four format lists (about 0.1 ms);
    clients send few distinct headers, so each is worked out once per web worker.
    """
    parsed = parse_accept_header(accept, MIMEAccept)
    chosen = {}
    for form, offered in OFFERED.items():
        fmt = negotiate.choose(offered, parsed)
        chosen[form] = fmt.mimetype if fmt else None
    page = negotiate.choose((*SOLUTION_FORMATS, negotiate.HTML), parsed) is negotiate.HTML
    return chosen, page


def named_media_types(name: str) -> dict[str, str | None]:
    """The media type per query form for a format name, extension or media type."""
    chosen = {}
    for form, offered in OFFERED.items():
        fmt = FORM_ALIASES.get(form, {}).get(name) or next(
            (f for f in offered if name in (f.name, f.ext, f.mimetype, *f.aliases)), None
        )
        chosen[form] = fmt.mimetype if fmt else None
    return chosen


def wants_page(override: str | None) -> bool:
    if override is not None:
        return override == "html"
    return negotiated(request.headers.get("Accept", ""))[1]


def make_job(operation: Operation, types: dict[str, str | None]) -> Job:
    assert operation.query is not None  # a request without a query is answered before
    settings = site().settings
    return Job(
        query=operation.query,
        generation_path=str(site().generation().path),
        media_types=types,
        default_graphs=operation.default_graphs,
        named_graphs=operation.named_graphs,
        max_rows=settings.max_rows,
        max_query_chars=settings.max_query_chars,
        service_allowlist=settings.service_allowlist,
        base_iri=site().scheme().endpoint,
    )


def plain(status: int, message: str, **headers) -> Response:
    response = Response(message.rstrip() + "\n", status=status, mimetype="text/plain")
    response.headers.update(headers)
    return add_vary(response)


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
@bp.route("/sparql/", methods=["GET", "POST", "OPTIONS"])
def endpoint():
    if request.method == "OPTIONS":
        return preflight()
    encoding_problem = utf8_problem()
    override = format_override()
    page = wants_page(override)
    try:
        if encoding_problem is not None:
            raise encoding_problem
        operation = read_operation()
        named = None
        if (operation.query is None and request.method in ("GET", "HEAD")
                and "name" in request.args):
            named = Queries(site().store().generation).named_query(request.args["name"])
            if named is None:
                raise ProtocolError(404, f"no named query {request.args['name']!r}")
            operation = dataclasses.replace(operation, query=named.text)
    except ProtocolError as exc:
        if page:
            return sparql_page.render(error=exc.message, status=exc.status)
        return plain(exc.status, exc.message)
    if operation.query is None:
        if page:
            return sparql_page.render()
        if request.method in ("GET", "HEAD"):
            return service_description(override)
        return plain(400, "no query: send query=… (or GET /sparql for the service description)")
    limit = site().settings.max_query_chars
    if request.method in ("GET", "HEAD") and len(operation.query) > limit:
        return limits.too_long(f"the query has {len(operation.query)} characters; the limit is "
                               f"{limit}")
    if page:
        return sparql_page.run(make_job(operation, PAGE_TYPES), named)
    return answer(make_job(operation, media_types(override)))


def answer(job: Job) -> Response:
    """Run the job in the pool and stream its answer, or say plainly why not."""
    try:
        stream = pool().submit(job, client_address())
    except QueryRefused as exc:
        if exc.status == 406 and exc.form:
            return negotiate.not_acceptable(OFFERED[exc.form])
        return plain(exc.status, exc.message)
    except (QueryTimeout, PoolBusy) as exc:
        return plain(503, str(exc), **{"Retry-After": "5"})
    except WorkerFailed as exc:
        return plain(500, str(exc))
    head = stream.head
    fmt = next(f for f in OFFERED[head.form] if f.mimetype == head.media_type)
    request.environ[DEADLINE] = stream.deadline  # the client takes the answer by then
    response = Response(stream, status=200, content_type=fmt.content_type,
                        direct_passthrough=True)
    if head.truncated:
        response.headers["X-Result-Truncated"] = "true"
    response.headers["X-Result-Limit"] = str(job.max_rows)
    return add_vary(response)


def service_description(override: str | None) -> Response:
    offered = negotiate.offered(negotiate.SERVICE)
    if override is None:
        fmt = negotiate.choose(offered)
    else:
        fmt = next((f for f in offered if override in (f.name, f.ext, f.mimetype)), None)
    if fmt is None:
        if request.accept_mimetypes.best_match([f.mimetype for f in SOLUTION_FORMATS]):
            return plain(400, "no query: send query=…")
        return negotiate.not_acceptable(offered)
    settings = site().settings
    triples = describe(site().scheme(), site().manifest(), settings.service_allowlist)
    body = ox.serialize(triples, format=fmt.rdf, prefixes={
        "sd": "http://www.w3.org/ns/sparql-service-description#",
        "void": "http://rdfs.org/ns/void#", "dct": "http://purl.org/dc/terms/",
    } if fmt.rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None)
    return add_vary(Response(body, status=200, content_type=fmt.content_type))


def preflight() -> Response:
    return caching.preflight(("GET", "HEAD", "POST", "OPTIONS"))


@bp.after_app_request
def cors(response: Response) -> Response:
    """CORS on every /sparql response, errors included (also those raised by routing)."""
    if request.path in PATHS:
        for name, value in CORS_HEADERS.items():
            response.headers[name] = value
    return response


@bp.errorhandler(RequestEntityTooLarge)
def too_large(exc):
    limit = site().settings.max_request_bytes
    return plain(413, f"the request body is larger than the limit of {limit} bytes")
