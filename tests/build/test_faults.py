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

import pytest
import requests

from publisher.build.pipeline import build
from publisher.core.config import load_settings
from publisher.core.generation import Generations
from tests import mini_project
from tests.build.test_build import published_answers, tree_digest
from tests.live import serving

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


def serve_once(settings) -> subprocess.CompletedProcess:
    """Start `clusterscord serve` expecting it to refuse at start-up (bounded wait)."""
    return subprocess.run(
        cli(settings.root, "serve", "--port", str(free_port())),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_serve_refuses_a_damaged_store_and_says_what_to_run(tmp_path):
    settings = published(tmp_path)
    store = Generations(settings.var).current().store_path
    shutil.rmtree(store)
    store.mkdir()
    (store / "CURRENT").write_text("garbage\n")
    result = serve_once(settings)
    assert result.returncode == 1
    assert "run 'clusterscord build'" in result.stderr


def test_serve_with_a_missing_store_directory_says_what_to_run(tmp_path):
    settings = published(tmp_path)
    shutil.rmtree(Generations(settings.var).current().store_path)
    result = serve_once(settings)
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


# Killing the build after each step of its progress display. The project is the mini one
# plus enough real data (8000 valid things) that every step takes a measurable time, so
# the kill lands inside the step after the line that triggered it.
BULK_THINGS = 8000


def build_steps() -> list[str]:
    from publisher.build.pipeline import artefact_steps

    return ["parse sources", "load store", "validate (SHACL)", "apply rules", "statistics",
            *(name for name, _write in artefact_steps())]


def bulk_project(root):
    mini_project.make(root)
    rows = "\n".join(
        f"  <https://data.clusterscord.eu/id/thing/t{i}> a cc:Thing ; "
        f'skos:prefLabel "Thing {i}"@en ; cc:size {i} ; '
        f"cc:next <https://data.clusterscord.eu/id/thing/t{i + 1}> ."
        for i in range(BULK_THINGS)
    )
    (root / "data" / "bulk.trig").write_text(
        "@prefix cc: <https://data.clusterscord.eu/def/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        f"<https://data.clusterscord.eu/graph/bulk> {{\n{rows}\n}}\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def bulk_published(tmp_path_factory):
    """The bulk project built and published once; tests work on copies of its var."""
    root = bulk_project(tmp_path_factory.mktemp("bulk") / "project")
    settings = load_settings(root=root, environ={})
    build(settings)
    return settings


def copy_published(settings, tmp_path):
    var = tmp_path / "var"
    shutil.copytree(settings.var, var, symlinks=True)
    return settings.replace(var_dir=var)


@pytest.mark.parametrize("step", build_steps())
def test_build_killed_after_each_step_leaves_the_published_data_intact(
        bulk_published, tmp_path, step):
    settings = copy_published(bulk_published, tmp_path)
    generations = Generations(settings.var)
    before = generations.current()
    before_bytes = tree_digest(before.path)
    process = subprocess.Popen(
        cli(settings.root, "build"), stderr=subprocess.PIPE, text=True,
        env={**os.environ, "CLUSTERSCORD_VAR_DIR": str(settings.var)},
    )
    guard = threading.Timer(180, process.kill)
    guard.start()
    seen = []
    try:
        for line in process.stderr:
            seen.append(line)
            if line.startswith(f"✓ {step} ("):
                os.kill(process.pid, signal.SIGKILL)
                break
        seen += process.stderr.read().splitlines()
        process.wait()
    finally:
        guard.cancel()
    assert any(line.startswith(f"✓ {step} (") for line in seen), "".join(seen)
    assert process.returncode == -signal.SIGKILL
    if any(line.startswith("✓ publish") for line in seen):
        # The kill came after the atomic swap: the new generation is complete.
        assert generations.current().manifest()["stats"]["triples"] > 0
    else:
        assert generations.current().path == before.path
        assert tree_digest(before.path) == before_bytes
        if step != "parse sources":  # the working directory is made after parsing
            assert any(generations.builds.glob(".tmp-*")), "the killed build was not aside"
    with serving(settings) as base:
        assert requests.get(f"{base}/ready", timeout=30).json()["status"] == "ready"


def test_a_build_after_a_killed_one_publishes_and_sweeps_what_it_left(bulk_published, tmp_path):
    settings = copy_published(bulk_published, tmp_path)
    work = Generations(settings.var).builds / ".tmp-20000101T000000000000Z-killed"
    (work / "store").mkdir(parents=True)
    published = build(settings)
    assert Generations(settings.var).current().path == published.path
    assert not any(Generations(settings.var).builds.glob(".tmp-*"))


def test_two_build_commands_at_once_one_waits_its_turn_refused(bulk_published, tmp_path):
    settings = copy_published(bulk_published, tmp_path)
    env = {**os.environ, "CLUSTERSCORD_VAR_DIR": str(settings.var)}
    first = subprocess.Popen(cli(settings.root, "build"), stderr=subprocess.PIPE, text=True,
                             env=env)
    try:
        for line in first.stderr:
            if line.startswith("✓ parse sources"):
                break
        second = subprocess.run(cli(settings.root, "-q", "build"), capture_output=True,
                                text=True, timeout=120, env=env)
        rest = first.stderr.read()
        first.wait(timeout=180)
    finally:
        if first.poll() is None:
            first.kill()
    assert second.returncode == 1
    assert "another build is running (pid" in second.stderr
    assert "the published data is unchanged" in second.stderr
    assert "Traceback" not in second.stderr
    assert first.returncode == 0, rest
    assert "✓ publish" in rest


@pytest.mark.parametrize("how,says", [
    ("env", "setting 'max_rows' in environment variable CLUSTERSCORD_MAX_ROWS"),
    ("base-iri", "base_iri must be an http(s) IRI"),
    ("toml", "clusterscord.toml"),
    ("unknown", "unknown setting 'max_rowz'"),
    ("negative", "query_timeout_s must be positive"),
    ("port", "port must be between 0 and 65535"),
])
def test_configuration_errors_stop_serve_at_start_up_with_exit_2(tmp_path, how, says):
    settings = published(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLUSTERSCORD_")}
    args = ["serve", "--port", str(free_port())]
    if how == "env":
        env["CLUSTERSCORD_MAX_ROWS"] = "abc"
    elif how == "base-iri":
        args += ["--base-iri", "ftp://example.org/"]
    elif how == "toml":
        (settings.root / "clusterscord.toml").write_text("max_rows = [unclosed\n")
    elif how == "unknown":
        (settings.root / "clusterscord.toml").write_text("max_rowz = 5\n")
    elif how == "negative":
        env["CLUSTERSCORD_QUERY_TIMEOUT_S"] = "-1"
    else:
        env["CLUSTERSCORD_PORT"] = "99999"
        args = ["serve"]
    result = subprocess.run(cli(settings.root, *args), capture_output=True, text=True,
                            timeout=60, env=env)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("configuration error: ")
    assert says in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_with_no_build_builds_first_then_serves(tmp_path):
    root = mini_project.make(tmp_path / "project")
    port = free_port()
    server = subprocess.Popen(cli(root, "serve", "--port", str(port)), stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        wait_ready(f"http://127.0.0.1:{port}/ready", server)
        ready = requests.get(f"http://127.0.0.1:{port}/ready", timeout=10).json()
        assert ready["generation"] == Generations(root / "var").current().id
    finally:
        server.send_signal(signal.SIGTERM)
        _out, err = server.communicate(timeout=30)
    assert "no published build yet: building first" in err
