"""The production server for tests: ``clusterscord serve`` in a session of its own.

It runs the default server (granian) unless a test names another (``server="gunicorn"``).

:func:`production` starts it on a free loopback port over a published ``var`` directory,
with settings given as ``CLUSTERSCORD_*`` variables, waits until ``/ready`` answers, and
yields a :class:`Server`: its base URL, process and log (stdout and stderr together). It
stops with SIGTERM (graceful), and SIGKILL to its own process group only if that hangs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    base: str
    process: subprocess.Popen
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def tree(self) -> list[int]:
        """The pids of the server and all its descendants (web and query workers)."""
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rpartition(")")[2].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children.get(pid, []))
        return found


def rss_mib(pid: int) -> float:
    """Resident memory of one process in MiB (0 when it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@contextlib.contextmanager
def production(var: Path, log: Path, root: Path = ROOT, port: int | None = None, **settings):
    """Serve the generation published under var, settings as environment variables (on
    the given port, for a build whose base IRI names it; a free one otherwise)."""
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLUSTERSCORD_")}
    env["CLUSTERSCORD_VAR_DIR"] = str(var)
    for name, value in settings.items():
        env[f"CLUSTERSCORD_{name.upper()}"] = str(value)
    command = [sys.executable, "-m", "publisher.cli", "--root", str(root), "-q", "serve",
               "--port", str(port)]
    with open(log, "wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_ready(server)
        yield server
    finally:
        stop(process)


def wait_ready(server: Server, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"the server exited early:\n{server.log_text()}")
        try:
            if requests.get(server.base + "/ready", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the server never became ready:\n{server.log_text()}")


def stop(process: subprocess.Popen, graceful: int = signal.SIGTERM, grace_s: float = 30) -> None:
    """The graceful signal (SIGTERM by default); then SIGKILL to the process and to the
    process group it leads, if any, so no child outlives a test."""
    if process.poll() is None:
        process.send_signal(graceful)
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
