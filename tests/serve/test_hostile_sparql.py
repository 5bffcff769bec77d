"""Hostile SPARQL against the production server: refused, or stopped at a limit, never more.

The corpus in ``tests/serve/hostile_queries/`` holds one query per file with its expected answer
in header comments (``# expect:``, ``# says:``, ``# accept:``, ``# truncated:``,
``# absent:``). A case asserts the class of outcome that is safe, never a race between two
limits: ``expect: 200 | 503`` accepts either, ``says: memory limit | time limit`` either
reason (checked on every answer but a 200). The cases that must be generated (huge
VALUES, 10 MB queries, non-UTF-8 bodies, updates in every protocol form, SERVICE tricks
against a local recorder) are written below. Throughout the run a probe asks a simple
query every half second and a sampler reads the resident memory of the server and every
worker from /proc: the probe must always be answered, and no process may grow past the
bound.
"""

from __future__ import annotations

import http.server
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.production import production, rss_mib

CORPUS = Path(__file__).parent / "hostile_queries"
GUARD_S = 60  # a request not answered within this fails the test (a guard, not a measurement)
PROBE = "ASK { ?s ?p ?o }"
MEMORY_BOUND_MIB = 1024
QUERY_MEMORY_MIB = 384


def corpus_case(path: Path) -> dict:
    header = {"expect": "", "says": "", "accept": "", "truncated": "", "absent": ""}
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines:
        if line.startswith("# ") and ":" in line:
            key, _, value = line[2:].partition(":")
            header[key.strip()] = value.strip()
    header["query"] = "\n".join(line for line in lines if not line.startswith("# "))
    return header


class FromAddress(requests.adapters.HTTPAdapter):
    """Connections from another loopback address: the probe is another client."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Watch:
    """A probe asking a simple query (from another client address) and a sampler of the
    server's memory, in threads."""

    def __init__(self, server):
        self.server = server
        self.session = requests.Session()
        self.session.mount("http://", FromAddress("127.0.0.2"))
        self.stop = threading.Event()
        self.probes: list[tuple[int | str, str]] = []
        self.peak: dict[int, float] = {}
        self.threads = [threading.Thread(target=self.probe, daemon=True),
                        threading.Thread(target=self.sample, daemon=True)]

    def probe(self):
        while not self.stop.wait(0.5):
            try:
                response = self.session.get(self.server.base + "/sparql", timeout=GUARD_S,
                                            params={"query": PROBE, "format": "json"})
                self.probes.append((response.status_code, response.text[:200]))
            except requests.RequestException as exc:
                self.probes.append(("failed", str(exc)))

    def sample(self):
        while not self.stop.wait(0.1):
            for pid in self.server.tree():
                self.peak[pid] = max(self.peak.get(pid, 0.0), rss_mib(pid))


class Recorder(http.server.ThreadingHTTPServer):
    """A loopback HTTP server that notes every request and answers one empty solution."""

    def __init__(self):
        self.hits: list[str] = []
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server protocol
                recorder.hits.append(self.path)
                body = b'{"head":{"vars":[]},"results":{"bindings":[{}]}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


@pytest.fixture(scope="module")
def recorder():
    server = Recorder()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def server(built, tmp_path_factory):
    log = tmp_path_factory.mktemp("hostile-sparql") / "server.log"
    with production(built.settings.var, log, workers=2, query_timeout_s=3, query_workers=2,
                    query_memory_mb=QUERY_MEMORY_MIB, max_rows=1000,
                    service_allowlist="localhost") as running:
        yield running


@pytest.fixture(scope="module")
def watch(server):
    watching = Watch(server)
    for thread in watching.threads:
        thread.start()
    yield watching
    watching.stop.set()
    for thread in watching.threads:
        thread.join(timeout=GUARD_S + 5)


@pytest.fixture
def url(server, watch):
    return server.base + "/sparql"


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.rq")), ids=lambda p: p.stem)
def test_corpus_query_is_refused_or_stopped_at_the_limit(url, path):
    case = corpus_case(path)
    headers = {"Accept": case["accept"] or "application/sparql-results+json, text/turtle"}
    response = requests.post(url, data={"query": case["query"]}, headers=headers,
                             timeout=GUARD_S)
    expected = {int(status) for status in case["expect"].split("|")}
    assert response.status_code in expected, response.text[:500]
    assert "Traceback" not in response.text
    if case["says"] and (response.status_code != 200 or expected == {200}):
        reasons = [reason.strip() for reason in case["says"].split("|")]
        assert any(reason in response.text for reason in reasons), response.text[:500]
    if response.status_code == 503:
        assert response.headers.get("Retry-After"), "a limit's 503 says when to retry"
    if case["truncated"] and response.status_code == 200:
        assert response.headers["X-Result-Truncated"] == "true"
        assert len(response.content) < 10_000_000
    if case["absent"]:
        assert case["absent"] not in response.text


def test_corpus_names_the_cases_of_the_issue():
    names = {path.stem for path in CORPUS.glob("*.rq")}
    assert {"cartesian-count", "path-both-ways-star", "regex-backtracking", "service-outside",
            "load", "billion-laughs-jsonld"} <= names


def chain(n: int, unit: str, joint: str) -> str:
    return joint.join([unit] * n)


NUMBERS = " ".join(str(n) for n in range(100))
DEEP = [
    ("braces", "SELECT * WHERE " + "{" * 20000 + "}" * 20000),
    ("parentheses", "SELECT * WHERE { FILTER(" + "(" * 20000 + "1" + ")" * 20000 + ") }"),
    ("unions", "SELECT * WHERE { " + chain(11000, "{}", " UNION ") + " }"),
    ("optionals", "SELECT * WHERE { " + chain(8000, "OPTIONAL {}", " ") + " }"),
    ("sums", "SELECT * WHERE { BIND(" + chain(30000, "1", "+") + " AS ?x) }"),
    ("negations", "SELECT * WHERE { BIND(" + "!" * 40000 + "true AS ?x) }"),
]


@pytest.mark.parametrize("query", [q for _n, q in DEEP], ids=[n for n, _q in DEEP])
def test_deeply_nested_or_chained_query_is_refused_with_400(url, query):
    response = requests.post(url, data={"query": query}, timeout=GUARD_S)
    assert response.status_code == 400, response.text[:300]
    assert "nested or chained too deeply" in response.text


@pytest.mark.parametrize("query,status,says", [
    ("SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(
        f"VALUES ?v{i} {{ {NUMBERS} }}" for i in range(5)) + " }", 503, "time limit"),
    ("SELECT ?x WHERE { VALUES ?x { " + " ".join(str(n) for n in range(30000)) + " } }",
     413, "the limit is 100000"),
], ids=["values-cartesian", "values-huge"])
def test_huge_values_blocks_are_stopped_or_refused(url, query, status, says):
    response = requests.post(url, data={"query": query}, timeout=GUARD_S)
    assert response.status_code == status, response.text[:300]
    assert says in response.text


TEN_MB = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 10_000_000


@pytest.mark.parametrize("how,status", [("get", 414), ("form", 413), ("direct", 413)])
def test_ten_megabyte_query_is_refused_before_it_is_read(url, how, status):
    """A target past granian's head buffer gets its parser's bare 431 (no body) instead."""
    if how == "get":
        response = requests.get(url, params={"query": TEN_MB}, timeout=GUARD_S)
    elif how == "form":
        response = requests.post(url, data={"query": TEN_MB}, timeout=GUARD_S)
    else:
        response = requests.post(url, data=TEN_MB.encode(), timeout=GUARD_S,
                                 headers={"Content-Type": "application/sparql-query"})
    if how == "get" and response.status_code == 431:
        return
    assert response.status_code == status
    assert response.text.strip()


@pytest.mark.parametrize("content_type,body,status,says", [
    ("application/sparql-query", "ASK { ?s ?p \"é\" }".encode("latin-1"), 400, "not valid UTF-8"),
    ("application/sparql-query", b"\xff\xfe\x00A\x00S\x00K", 400, "not valid UTF-8"),
    ("application/sparql-query; charset=latin-1", b"ASK {}", 415, "UTF-8"),
    ("application/sparql-query; charset=utf-16", "ASK {}".encode("utf-16"), 415, "UTF-8"),
    ("application/x-www-form-urlencoded", b"query=ASK%20%7B%20%3Fs%20%3Fp%20%22%E9%22%20%7D",
     400, "not UTF-8 after percent-decoding"),
], ids=["latin-1", "utf-16-bom", "declared-latin-1", "declared-utf-16", "form-latin-1-escape"])
def test_non_utf8_bodies_are_refused_with_a_reason(url, content_type, body, status, says):
    response = requests.post(url, data=body, headers={"Content-Type": content_type},
                             timeout=GUARD_S)
    assert response.status_code == status, response.text[:300]
    assert says in response.text


UPDATES = {
    "insert-data": "INSERT DATA { <urn:x:s> <urn:x:p> 1 }",
    "delete-where": "DELETE WHERE { ?s ?p ?o }",
    "modify": "WITH <urn:x:g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "load": "LOAD <http://169.254.169.254/>",
    "clear": "CLEAR ALL",
    "drop": "DROP SILENT GRAPH <urn:x:g>",
    "create": "CREATE GRAPH <urn:x:g>",
    "copy": "COPY DEFAULT TO <urn:x:g>",
    "move": "MOVE <urn:x:a> TO <urn:x:b>",
    "add": "ADD <urn:x:a> TO DEFAULT",
    "sequence": "CLEAR DEFAULT ; INSERT DATA { <urn:x:s> <urn:x:p> 2 }",
}
FORMS = ("get-update", "form-update", "direct-update", "get-query", "form-query",
         "direct-query", "form-update-in-url")


def send_update(url: str, form: str, text: str) -> requests.Response:
    if form == "get-update":
        return requests.get(url, params={"update": text}, timeout=GUARD_S)
    if form == "form-update":
        return requests.post(url, data={"update": text}, timeout=GUARD_S)
    if form == "form-update-in-url":
        return requests.post(url, params={"update": text}, data={"x": "1"}, timeout=GUARD_S)
    if form == "direct-update":
        return requests.post(url, data=text.encode(), timeout=GUARD_S,
                             headers={"Content-Type": "application/sparql-update"})
    if form == "get-query":
        return requests.get(url, params={"query": text}, timeout=GUARD_S)
    if form == "form-query":
        return requests.post(url, data={"query": text}, timeout=GUARD_S)
    return requests.post(url, data=text.encode(), timeout=GUARD_S,
                         headers={"Content-Type": "application/sparql-query"})


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("kind", sorted(UPDATES))
def test_updates_are_refused_in_every_protocol_form(url, form, kind):
    response = send_update(url, form, UPDATES[kind])
    assert response.status_code == 403, response.text[:300]
    assert "read-only" in response.text


def test_the_store_is_unchanged_after_every_update_attempt(url, store):
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = requests.get(url, params={"query": count, "format": "json"}, timeout=GUARD_S)
    counted = int(response.json()["results"]["bindings"][0]["n"]["value"])
    assert counted == int(store.select(count)[0]["n"].value)


def bypasses(port: int) -> dict[str, str]:
    target = f"127.0.0.1:{port}"
    return {
        "direct": f"<http://{target}/sparql>",
        "userinfo": f"<http://localhost@{target}/sparql>",
        "userinfo-password": f"<http://localhost:x@{target}/sparql>",
        "prefixed": "r:sparql",
        "relative": "<sparql>",
        "scheme-relative": f"<//{target}/sparql>",
        "escaped": f"<http://127.0.0.1\\u003A{port}/sparql>",
        "decimal-ip": f"<http://2130706433:{port}/sparql>",
        "localhost-lookalike": f"<http://localhost.{target.split(':')[0]}.nip.io:{port}/>",
    }


@pytest.mark.parametrize("name", list(bypasses(1)))
def test_service_tricks_never_reach_a_host_off_the_allow_list(url, recorder, name):
    port = recorder.server_address[1]
    target = bypasses(port)[name]
    query = (f"PREFIX r: <http://127.0.0.1:{port}/>\n"
             f"SELECT * WHERE {{ SERVICE {target} {{ ?s ?p ?o }} }}")
    response = requests.post(url, data={"query": query}, timeout=GUARD_S)
    assert response.status_code in (400, 403), response.text[:300]
    assert recorder.hits == []


def test_service_on_the_allow_list_is_called(url, recorder):
    port = recorder.server_address[1]
    query = f"SELECT * WHERE {{ SERVICE <http://localhost:{port}/sparql> {{ ?s ?p ?o }} }}"
    response = requests.post(url, data={"query": query, "format": "json"}, timeout=GUARD_S)
    assert response.status_code == 200, response.text[:300]
    assert len(recorder.hits) == 1
    recorder.hits.clear()


def test_jsonld_context_sent_with_a_request_is_never_expanded(url):
    context = '{"@context": ' * 2000 + "{}" + "}" * 2000
    response = requests.post(url, timeout=GUARD_S, headers={
        "Accept": 'application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"',
        "Link": '<http://169.254.169.254/context.jsonld>; rel="http://www.w3.org/ns/json-ld#context"',
    }, data={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 5", "context": context})
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/ld+json")
    assert len(response.json()) <= 5


def test_simple_query_was_answered_throughout_and_memory_stayed_bounded(watch):
    time.sleep(1)
    assert len(watch.probes) >= 10, "the run was too short to have probed"
    refused = [probe for probe in watch.probes if probe[0] != 200]
    assert refused == [], refused[:5]
    assert watch.peak, "nothing was sampled"
    assert max(watch.peak.values()) < MEMORY_BOUND_MIB, watch.peak
    print(f"peak resident memory per process: {max(watch.peak.values()):.0f} MiB "
          f"over {len(watch.peak)} processes; {len(watch.probes)} probes answered")
