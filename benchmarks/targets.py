"""The servers the benchmark compares, each started on a loopback port and stopped after.

(a) pyoxigraph in-process (no server: the limit), (b) our server (``clusterscord serve``,
its default server), (c) the Oxigraph server (``oxigraph serve-read-only`` from PyPI's
``oxigraph``), (d) Virtuoso open source (Debian's ``virtuoso-opensource``), loaded from
the same dump.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import requests

STARTUP_TIMEOUT_S = 120


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            if requests.get(url, timeout=5).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer within {STARTUP_TIMEOUT_S} s")


@contextlib.contextmanager
def _process(command: list[str], ready_url: str, what: str, log: Path, env=None):
    with open(log, "wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)
        try:
            _wait(ready_url, process, what)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _bin(name: str) -> str:
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else (shutil.which(name) or name)


@contextlib.contextmanager
def our_server(root: Path, workers: int, threads: int, log: Path):
    """``clusterscord serve`` (its default server) over the published generation; yields the
    base URL."""
    port = free_port()
    env = dict(os.environ, CLUSTERSCORD_THREADS=str(threads))
    command = [_bin("clusterscord"), "--root", str(root), "serve", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers)]
    base = f"http://127.0.0.1:{port}"
    with _process(command, base + "/ready", "our server", log, env) as process:
        yield base, process


@contextlib.contextmanager
def oxigraph_server(store: Path, log: Path):
    """``oxigraph serve-read-only`` with the union default graph; yields its base URL."""
    port = free_port()
    command = [_bin("oxigraph"), "serve-read-only", "--location", str(store),
               "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    base = f"http://127.0.0.1:{port}"
    with _process(command, base + "/query?" + urlencode({"query": "ASK {}"}),
                  "the Oxigraph server", log) as process:
        yield base, process


def query_url(target: str, base: str, sparql: str) -> str:
    path = {"ours": "/sparql", "oxigraph": "/query", "virtuoso": "/sparql"}[target]
    return f"{base}{path}?{urlencode({'query': sparql})}"


def rss_mb(pid: int) -> float:
    """Resident memory of one process in MB (from /proc)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    with contextlib.suppress(OSError):
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(p) for p in text.split()]
    return []


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = {isql_port}
DirsAllowed = ., {dir}, /usr/share/virtuoso-opensource-7/vad
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
MaxQueryMem = 1G
[HTTPServer]
ServerPort = {http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 16
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


def virtuoso_available() -> str | None:
    """Why Virtuoso can't run here, or None when it can."""
    if shutil.which("virtuoso-t") is None or shutil.which("isql-vt") is None:
        return "Virtuoso is not installed (apt-get install virtuoso-opensource)"
    return None


@contextlib.contextmanager
def virtuoso_server(dump: Path, work: Path, log: Path):
    """Virtuoso with the gzipped N-Quads dump bulk-loaded; yields its base URL."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    isql_port, http_port = free_port(), free_port()
    ini = work / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=work, isql_port=isql_port, http_port=http_port))
    shutil.copyfile(dump, work / "data.nq.gz")
    command = ["virtuoso-t", "+foreground", "+configfile", str(ini)]
    base = f"http://127.0.0.1:{http_port}"
    with _process(command, base + "/sparql?" + urlencode({"query": "ASK {}"}),
                  "Virtuoso", log) as process:
        script = (
            f"ld_dir('{work}', 'data.nq.gz', 'urn:x-bench:default');\n"
            "rdf_loader_run();\ncheckpoint;\n"
        )
        subprocess.run(["isql-vt", str(isql_port), "dba", "dba"], input=script, text=True,
                       capture_output=True, timeout=1800, check=True)
        yield base, process
