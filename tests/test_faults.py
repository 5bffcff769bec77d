"""Faults leave the published data intact and tell the operator what happened."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

import requests

from publisher.build import build
from publisher.config import load_settings
from publisher.generation import Generations
from tests import mini_project
from tests.test_build import published_answers, tree_digest

NOTE = "https://data.clusterscord.eu/def/note"


def cli(root, *args, **kwargs):
    return [sys.executable, "-m", "publisher.cli", "--root", str(root), *args]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def published(tmp_path):
    settings = load_settings(root=mini_project.make(tmp_path / "project"), environ={})
    build(settings)
    return settings


def limit_file_size():
    """In the child: a file may not grow past 64 KiB, as on a nearly full disk."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def test_full_disk_during_build_fails_cleanly_and_publishes_nothing(tmp_path):
    settings = published(tmp_path)
    before_answers = published_answers(settings)
    before_bytes = tree_digest(Generations(settings.var).current().path)
    data = settings.root / "data" / "bulk.trig"
    note = "x" * 200
    rows = "\n".join(
        f'<https://data.clusterscord.eu/id/n/{i}> <{NOTE}> "{note} {i}" .'
        for i in range(2000)
    )
    data.write_text(f"<https://data.clusterscord.eu/graph/bulk> {{\n{rows}\n}}\n")
    result = subprocess.run(
        cli(settings.root, "-q", "build"),
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit_file_size,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "the published data is unchanged" in result.stderr
    assert published_answers(settings) == before_answers
    assert tree_digest(Generations(settings.var).current().path) == before_bytes


def test_serve_refuses_a_damaged_store_and_says_what_to_run(tmp_path):
    settings = published(tmp_path)
    store = Generations(settings.var).current().store_path
    shutil.rmtree(store)
    store.mkdir()
    (store / "CURRENT").write_text("garbage\n")
    result = subprocess.run(
        cli(settings.root, "serve", "--port", str(free_port())),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "run 'clusterscord build'" in result.stderr


def test_serve_with_a_missing_store_directory_says_what_to_run(tmp_path):
    settings = published(tmp_path)
    shutil.rmtree(Generations(settings.var).current().store_path)
    result = subprocess.run(
        cli(settings.root, "serve", "--port", str(free_port())),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "clusterscord build" in result.stderr


def wait_ready(url: str, process, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "server exited early"
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError(f"{url} never became ready")


def test_server_killed_mid_request_restarts_on_the_same_intact_data(tmp_path):
    settings = published(tmp_path)
    before_bytes = tree_digest(Generations(settings.var).current().path)
    port = free_port()
    url = f"http://127.0.0.1:{port}/ready"

    def start():
        return subprocess.Popen(
            cli(settings.root, "-q", "serve", "--port", str(port)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    server = start()
    try:
        wait_ready(url, server)
        generation = requests.get(url, timeout=5).json()["generation"]
        failures = []

        def hammer():
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                try:
                    requests.get(url, timeout=5)
                except requests.RequestException as exc:
                    failures.append(exc)
                    return

        client = threading.Thread(target=hammer)
        client.start()
        time.sleep(0.3)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        client.join(timeout=30)
        assert failures, "the kill should have cut the client off"
    finally:
        if server.poll() is None:
            server.kill()
    assert tree_digest(Generations(settings.var).current().path) == before_bytes
    server = start()
    try:
        wait_ready(url, server)
        assert requests.get(url, timeout=5).json()["generation"] == generation
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
