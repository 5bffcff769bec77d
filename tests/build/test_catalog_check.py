"""`clusterscord catalog --check` validates and verifies downloads; `export` copies dumps."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest

from publisher.build import catalog_check
from publisher.build.pipeline import build
from publisher.core.generation import Generations
from tests.harvest_fixtures import REPO, free_port, settings_at
from tests.live import serving


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    port = free_port()
    settings = settings_at(REPO, tmp_path_factory.mktemp("var"), port)
    build(settings)
    return settings, Generations(settings.var).current(), port


def cli(settings, *args) -> subprocess.CompletedProcess:
    env = {"CLUSTERSCORD_VAR_DIR": str(settings.var), "CLUSTERSCORD_BASE_IRI": settings.base_iri,
           "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "publisher.cli", "--root", str(REPO), *args],
                          capture_output=True, text=True, timeout=120, env=env)


def test_check_reports_conformance_and_every_download_verified(published):
    settings, generation, port = published
    with serving(settings, port=port):
        result = cli(settings, "catalog", "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 violation(s)" in result.stdout
    assert "Downloads: 4 of 4 answer 200 with the declared size and checksum" in result.stdout
    assert "warning(s) left" in result.stdout
    assert "RESULT: the catalogue is fit to harvest" in result.stdout


def test_check_fails_and_says_which_file_when_a_download_is_damaged(published, tmp_path):
    settings, generation, port = published
    entry = generation.manifest()["dumps"][1]
    path = generation.dumps_path / entry["file"]
    original = path.read_bytes()
    try:
        path.write_bytes(original + b"# tampered\n")
        with serving(settings, port=port):
            report = catalog_check.check(settings, generation)
    finally:
        path.write_bytes(original)
    assert not report.ok
    [failed] = [d for d in report.downloads if not d.ok]
    assert failed.url.endswith(entry["file"])
    assert "sha256 differs" in report.describe()


def test_check_reports_an_unreachable_server(published):
    settings, generation, _port = published
    report = catalog_check.check(settings, generation, against=f"http://127.0.0.1:{free_port()}")
    assert not report.ok
    assert "FAIL" in report.describe()


def test_export_copies_every_dump_with_its_checksums(published, tmp_path):
    settings, generation, _port = published
    result = cli(settings, "export", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    for entry in generation.manifest()["dumps"]:
        data = (tmp_path / "out" / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert (tmp_path / "out" / "SHA256SUMS").is_file()
