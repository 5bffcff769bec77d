"""Two web nodes behind nginx, one remote store (Virtuoso), one deployment.

Two ``clusterscord serve`` processes (gunicorn, as in production) share the published
generations (a shared ``var`` folder) and a Virtuoso store; nginx, configured from
``deploy/nginx/``, is in front of them. Through nginx: the harvest tests, the SPARQL
protocol and the pages. Then: a node stopped under load loses no request; generations
switched under load across both nodes never give a mixed answer; ``/ready`` names each
node's generation.
"""

from __future__ import annotations

import contextlib
import gzip
import inspect
import shutil
import threading
import time
from datetime import datetime
from email.utils import parsedate_to_datetime

import pytest
import requests

from publisher.build.pipeline import build
from publisher.core.config import load_settings
from publisher.core.generation import Generations
from publisher.store import nodes
from tests import nginx_server, virtuoso_server
from tests.harvest_fixtures import REPO, free_port
from tests.production import production
from tests.web import test_harvest

SOURCES = ("ontology", "data", "shapes", "sparql")
PROJECT = "id/project/clusters-cord"
ACRONYM = "CLUSTERS-CORD"
MARKS = ("", "-g2")
# The test client is one address: its query share is raised, so that what is tested is
# failover, not the per-client share.
NODE_SETTINGS = {"workers": 1, "threads": 4, "query_workers": 2, "trust_forwarded": "true",
                 "max_requests": 0, "query_per_client": 4}


class Cluster:
    def __init__(self, settings, proxy: str, nodes_: list):
        self.settings = settings
        self.proxy = proxy
        self.nodes = nodes_


def _mark(root, old: str, new: str) -> None:
    """Give the project's acronym another mark, so that each build's data can be told apart."""
    for path in (root / "data").rglob("*.trig"):
        text = path.read_text(encoding="utf-8")
        changed = text.replace(f'"{ACRONYM}{old}"', f'"{ACRONYM}{new}"')
        if changed != text:
            path.write_text(changed, encoding="utf-8")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    work = tmp_path_factory.mktemp("cluster")
    root = work / "project"
    for folder in SOURCES:
        shutil.copytree(REPO / folder, root / folder)
    port = free_port()
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(virtuoso_server.running(work / "virtuoso"))
        settings = load_settings(root=root, environ={}, var_dir=work / "var",
                                 base_iri=f"http://127.0.0.1:{port}/", **server.settings())
        build(settings)
        env = {**NODE_SETTINGS, **server.settings(), "base_iri": settings.base_iri}
        running = [stack.enter_context(production(settings.var, work / f"node{n}.log",
                                                  root=root, **env)) for n in (1, 2)]
        addresses = [node.base.removeprefix("http://") for node in running]
        proxy = stack.enter_context(nginx_server.running(work / "nginx", addresses, port=port))
        yield Cluster(settings, proxy, running)


# The harvest tests, through nginx --------------------------------------------------------


@pytest.fixture(scope="module")
def site(cluster):
    return cluster.settings, Generations(cluster.settings.var).current(), cluster.proxy


for _name, _function in list(vars(test_harvest).items()):
    if _name.startswith("test_") and list(inspect.signature(_function).parameters)[:1] == [
            "site"]:
        globals()[_name] = _function


# The SPARQL protocol and the pages, through nginx -------------------------------------


def sparql(cluster, query: str, method: str = "GET", accept="application/sparql-results+json",
           **kwargs):
    url = cluster.proxy + "/sparql"
    headers = {"Accept": accept}
    if method == "GET":
        return requests.get(url, params={"query": query}, headers=headers, timeout=30, **kwargs)
    return requests.post(url, data={"query": query}, headers=headers, timeout=30, **kwargs)


def test_sparql_protocol_through_nginx(cluster):
    project = f"<{cluster.settings.base_iri}{PROJECT}>"
    ask = f"ASK {{ {project} ?p ?o }}"
    for method in ("GET", "POST"):
        response = sparql(cluster, ask, method)
        assert response.status_code == 200, response.text
        assert response.json()["boolean"] is True
    direct = requests.post(cluster.proxy + "/sparql", data=ask.encode(),
                           headers={"Content-Type": "application/sparql-query",
                                    "Accept": "application/sparql-results+xml"}, timeout=30)
    assert direct.status_code == 200 and b"<boolean>true</boolean>" in direct.content
    rows = sparql(cluster, f"SELECT ?p ?o WHERE {{ {project} ?p ?o }}", accept="text/csv")
    assert rows.status_code == 200 and rows.text.startswith("p,o")
    assert sparql(cluster, "SELECT ?x WHERE { ?x").status_code == 400
    assert sparql(cluster, "DROP ALL", "POST").status_code == 403


def test_nginx_limits_match_the_publishers(cluster):
    # The longest GET query the node's server takes (granian: a request target of 65,534
    # bytes) passes nginx...
    response = sparql(cluster, "ASK {} #" + "x" * 60_000)
    assert response.status_code == 200, response.text[:300]
    # ...a POSTed query of nearly max_query_chars (100,000) too, a longer one reaches the
    # publisher, which refuses it by its own rule,
    assert sparql(cluster, "ASK {} #" + "x" * 99_000, "POST").status_code == 200
    assert sparql(cluster, "ASK {} #" + "x" * 100_100, "POST").status_code == 413
    # and a body over max_request_bytes is refused by nginx before any node sees it.
    too_big = requests.post(cluster.proxy + "/sparql", data=b"x" * 1_100_000,
                            headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert too_big.status_code == 413


def test_pages_through_nginx_compressed_cached_and_revalidated(cluster):
    entity = f"{cluster.proxy}/{PROJECT}"
    browser = {"Accept": "text/html", "Accept-Encoding": "gzip"}
    see_other = requests.get(entity, headers=browser, allow_redirects=False, timeout=30)
    assert see_other.status_code == 303
    document = cluster.proxy + see_other.headers["Location"]
    first = requests.get(document, headers=browser, timeout=30)
    assert first.status_code == 200 and ACRONYM in first.text
    assert first.headers["Content-Encoding"] == "gzip"
    assert "Accept" in first.headers["Vary"]
    second = requests.get(document, headers=browser, timeout=30)
    assert second.headers["X-Cache-Status"] == "HIT"
    assert second.text == first.text
    etag = first.headers["ETag"]
    again = requests.get(document, headers={**browser, "If-None-Match": etag}, timeout=30)
    assert again.status_code == 304
    turtle = requests.get(entity, headers={"Accept": "text/turtle"}, timeout=30)
    assert turtle.status_code == 200
    assert turtle.headers["Content-Type"].startswith("text/turtle")
    assert turtle.headers.get("X-Cache-Status") in ("MISS", "HIT", "EXPIRED")
    raw = requests.get(document, headers={"Accept": "text/html", "Accept-Encoding": "gzip"},
                       stream=True, timeout=30)
    assert gzip.decompress(raw.raw.read()).decode() == first.text


def test_ready_names_the_generation_of_each_node(cluster):
    current = Generations(cluster.settings.var).current().id
    for node in cluster.nodes:
        ready = requests.get(node.base + "/ready", timeout=10).json()
        assert ready["generation"] == current and ready["backend"] == "remote"
    through = requests.get(cluster.proxy + "/ready", timeout=10)
    assert through.json()["generation"] == current
    listed = through.json().get("nodes") or nodes.report(cluster.settings)
    assert {entry["generation"] for entry in listed} == {current}
    assert len({entry["node"] for entry in listed}) >= 2


# Under load ------------------------------------------------------------------------------


class Load:
    """Client threads sending distinct (so uncached) GET and POST queries through nginx."""

    def __init__(self, cluster, threads: int = 2):
        self.cluster = cluster
        self.done = threading.Event()
        self.results: list[tuple[int, str]] = []
        self.threads = [threading.Thread(target=self.run, args=(n,)) for n in range(threads)]

    def run(self, n: int):
        project = f"<{self.cluster.settings.base_iri}{PROJECT}>"
        i = 0
        while not self.done.is_set():
            i += 1
            query = f"ASK {{ {project} ?p ?o }} # {n}-{i}"
            method = "GET" if i % 2 else "POST"
            try:
                response = sparql(self.cluster, query, method)
                self.results.append((response.status_code, response.text[:200]))
            except requests.RequestException as exc:
                self.results.append((0, str(exc)))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        for thread in self.threads:
            thread.join(timeout=60)


def test_generations_switched_under_load_across_nodes_never_mix(cluster):
    """Each answer's Last-Modified names the generation it came from; its data must be
    that generation's (the acronym carries a mark per build)."""
    live = cluster.nodes
    marks: dict[datetime, str] = {}
    generations = Generations(cluster.settings.var)

    def note_current(mark: str):
        built_at = generations.current().manifest()["built_at"]
        marks[datetime.fromisoformat(built_at.replace("Z", "+00:00"))] = mark

    note_current("")
    seen: list[tuple[datetime | None, str, int]] = []
    done = threading.Event()
    document = f"/doc/{PROJECT.removeprefix('id/')}"

    def read(base: str, n: int):
        i = 0
        while not done.is_set():
            i += 1
            url = f"{base}{document}?n={n}-{i}"
            try:
                response = requests.get(url, headers={"Accept": "application/n-triples"},
                                        timeout=30)
            except requests.RequestException:
                continue
            modified = response.headers.get("Last-Modified")
            found = [m for m in MARKS if f'"{ACRONYM}{m}"' in response.text]
            seen.append((parsedate_to_datetime(modified) if modified else None,
                         found[0] if len(found) == 1 else f"?{found}", response.status_code))

    readers = [threading.Thread(target=read, args=(base, n))
               for n, base in enumerate([cluster.proxy, *[node.base for node in live]])]
    for reader in readers:
        reader.start()
    try:
        for old, mark in zip(MARKS, MARKS[1:], strict=False):
            time.sleep(1)
            _mark(cluster.settings.root, old, mark)
            build(cluster.settings)
            note_current(mark)
        # Until the readers have seen the last generation (a loaded machine may take more
        # than a second to answer once more), not a fixed pause.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and all(m != MARKS[-1] for _, m, _ in list(seen)):
            time.sleep(0.1)
    finally:
        done.set()
        for reader in readers:
            reader.join(timeout=60)
    assert all(status == 200 for _, _, status in seen), {s for _, _, s in seen}
    mixed = [(when, mark) for when, mark, _ in seen if marks.get(when) != mark]
    assert not mixed, mixed[:5]
    assert {mark for _, mark, _ in seen} >= {MARKS[0], MARKS[-1]}


def test_stopping_a_node_under_load_loses_no_request(cluster):
    from tests.production import stop

    with Load(cluster) as load:
        time.sleep(1.5)
        stop(cluster.nodes[1].process)
        time.sleep(3)
    failed = [r for r in load.results if r[0] != 200]
    assert len(load.results) > 20
    assert not failed, failed[:5]
    answered = requests.get(cluster.proxy + "/ready", timeout=10)
    assert answered.status_code == 200
