"""Slow and greedy clients against the default production server, all at once, for seconds.

From a second loopback address (127.0.0.2), dozens of clients send their headers a byte at a
time, send a form body a byte at a time, open connections and say nothing, or ask for a
large query answer and never read it; others loop heavy queries. Meanwhile, from 127.0.0.1,
``/health``, an entity page and a simple query must answer within a second throughout
(all within 3 s, at most one in twenty past a second: the machine is shared), and no
process of the server may grow past a bound. Every resource a slow
client holds is small and bounded: a task and its buffers, never a thread or a query
worker for longer than the deadlines.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from urllib.parse import quote

import pytest
import requests

from tests.production import production, rss_mib

ATTACKER = "127.0.0.2"
RUN_S = 8
ANSWER_WITHIN_S = 1.0
# On a shared 2-core machine another process can stall any answer for a moment: every
# answer within the hard bound, and nearly all (not one in twenty missed) within a second.
# Starved threads, the failure this guards against, show as 10 s timeouts and refusals.
HARD_BOUND_S = 3.0
LATE_SHARE = 0.05
MEMORY_BOUND_MIB = 600
WIDE = quote('SELECT ?s ?x WHERE { ?s ?p ?o BIND(CONCAT(STR(?s), "%s") AS ?x) } LIMIT 10000'
             % ("x" * 1000))
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?c != '%d') }"


@pytest.fixture(scope="module")
def server(built, tmp_path_factory):
    log = tmp_path_factory.mktemp("slow-clients") / "server.log"
    with production(built.settings.var, log, query_timeout_s=3, read_timeout_s=3,
                    send_timeout_s=3, keepalive_s=3) as running:
        yield running


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=30,
                                    source_address=(ATTACKER, 0))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    return sock


class Crowd:
    """The slow and greedy clients, each in a thread, until ``stop`` is set."""

    def __init__(self, port: int):
        self.port = port
        self.stop = threading.Event()
        self.threads: list[threading.Thread] = []
        self.sockets: list[socket.socket] = []

    def start(self, kind, count: int) -> None:
        for n in range(count):
            thread = threading.Thread(target=self._run, args=(kind, n), daemon=True)
            thread.start()
            self.threads.append(thread)

    def _run(self, kind, n: int) -> None:
        while not self.stop.is_set():
            try:
                sock = connect(self.port)
            except OSError:
                self.stop.wait(0.2)
                continue
            self.sockets.append(sock)
            try:
                kind(self, sock, n)
            except OSError:
                pass
            finally:
                sock.close()

    def drip(self, sock: socket.socket, data: bytes, pause: float) -> None:
        for byte in data:
            if self.stop.wait(pause):
                return
            sock.sendall(bytes([byte]))

    def slow_headers(self, sock, n):
        self.drip(sock, b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100, 0.3)

    def slow_body(self, sock, n):
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: "
                     b"application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n")
        self.drip(sock, b"query=" + b"a" * 994, 0.3)

    def idle(self, sock, n):
        self.stop.wait(RUN_S * 2)

    def slow_reader(self, sock, n):
        sock.sendall(f"GET /sparql?query={WIDE}&n={n}-{time.monotonic()} HTTP/1.1\r\n"
                     f"Host: x\r\nAccept: text/csv\r\n\r\n".encode())
        self.stop.wait(RUN_S * 2)

    def greedy(self, sock, n):
        query = quote(HEAVY % time.monotonic_ns())
        sock.settimeout(30)
        sock.sendall(f"GET /sparql?query={query} HTTP/1.1\r\nHost: x\r\n"
                     f"Accept: application/sparql-results+json\r\nConnection: close\r\n\r\n"
                     .encode())
        while sock.recv(65536):
            pass
        self.stop.wait(0.2)

    def finish(self) -> None:
        self.stop.set()
        for sock in list(self.sockets):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for thread in self.threads:
            thread.join(timeout=30)


def test_probes_answer_within_a_second_while_slow_and_greedy_clients_attack(server):
    port = int(server.base.rsplit(":", 1)[1])
    sitemap = requests.get(server.base + "/sitemap.xml", timeout=30).text
    entity = re.findall(r"<loc>[a-z]+://[^/]+(/doc/[^<]+)</loc>", sitemap)[0]
    probes = {
        "health": (server.base + "/health", {}),
        "entity page": (server.base + entity, {"Accept": "text/html"}),
        "simple query": (server.base + "/sparql?query=" + quote("ASK { ?s ?p ?o }"),
                         {"Accept": "application/sparql-results+json"}),
    }
    for _ in range(6):  # warm: every probe answered (and cached) by each worker first
        for url, headers in probes.values():
            assert requests.get(url, headers=headers, timeout=30).status_code == 200

    crowd = Crowd(port)
    peak: dict[int, float] = {}
    slowest: dict[str, float] = {name: 0.0 for name in probes}
    failures: list[str] = []
    late: list[str] = []
    answered = 0
    crowd.start(Crowd.slow_headers, 30)
    crowd.start(Crowd.slow_body, 30)
    crowd.start(Crowd.idle, 40)
    crowd.start(Crowd.slow_reader, 12)
    crowd.start(Crowd.greedy, 6)
    try:
        deadline = time.monotonic() + RUN_S
        while time.monotonic() < deadline:
            for name, (url, headers) in probes.items():
                started = time.monotonic()
                try:
                    status = requests.get(url, headers=headers, timeout=10).status_code
                except requests.RequestException as exc:
                    status = repr(exc)
                took = time.monotonic() - started
                slowest[name] = max(slowest[name], took)
                answered += 1
                if status != 200 or took > HARD_BOUND_S:
                    failures.append(f"{name}: {status} in {took:.2f} s")
                elif took > ANSWER_WITHIN_S:
                    late.append(f"{name}: {took:.2f} s")
            for pid in server.tree():
                peak[pid] = max(peak.get(pid, 0.0), rss_mib(pid))
            time.sleep(0.2)
    finally:
        crowd.finish()
    print(f"slowest probe answers: {slowest}; peak memory {max(peak.values()):.0f} MiB "
          f"over {len(peak)} processes; {len(crowd.sockets)} attacking connections; "
          f"{answered} probe answers, {len(late)} over a second")
    assert failures == [], failures[:10]
    assert answered >= 30 and len(late) <= LATE_SHARE * answered, late
    assert max(peak.values()) < MEMORY_BOUND_MIB, peak
    assert len(crowd.sockets) >= 118
    log = server.log_text()
    assert "Traceback" not in log, log[-3000:]


def test_a_body_that_never_arrives_gets_408_and_frees_everything(server):
    port = int(server.base.rsplit(":", 1)[1])
    with connect(port) as sock:
        sock.settimeout(30)
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: "
                     b"application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nquery=")
        started = time.monotonic()
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b"did not arrive within 3 s" in answer
    assert time.monotonic() - started < 10


def test_an_idle_connection_is_closed_after_keepalive(server):
    port = int(server.base.rsplit(":", 1)[1])
    with connect(port) as sock:
        sock.settimeout(30)
        started = time.monotonic()
        assert sock.recv(100) == b""
    assert 2 <= time.monotonic() - started < 10


def test_a_reader_too_slow_for_a_query_answer_is_cut_off_and_frees_its_share(server):
    """The answer's time limit covers its stream: a client that does not take a large
    answer in time has its connection closed (logged), and its query share is free again."""
    port = int(server.base.rsplit(":", 1)[1])
    before = len(server.log_text())
    with connect(port) as sock:
        sock.sendall(f"GET /sparql?query={WIDE}&cut=1 HTTP/1.1\r\nHost: x\r\n"
                     f"Accept: text/csv\r\n\r\n".encode())
        deadline = time.monotonic() + 20
        while "did not take the answer in time" not in server.log_text()[before:]:
            assert time.monotonic() < deadline, server.log_text()[before:][-2000:]
            time.sleep(0.5)
    with connect(port) as sock:  # the same client address may ask again at once
        sock.settimeout(30)
        sock.sendall(b"GET /sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
                     .encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 200")
