"""A real Virtuoso 7 server for tests (Debian's ``virtuoso-opensource``), on loopback ports.

Use :func:`running` as a context manager: it makes a data folder under the given path,
sets the server up with ``deploy/virtuoso/setup.py`` (the repository's own ini template
and grants, so the tests check what a deployment runs), and yields a :class:`Virtuoso`
with the publisher's three endpoint URLs. The server is stopped afterwards. Without the
``virtuoso-t`` binary the test is skipped, saying what to install; CI installs it
(``.ci/run``).
"""

from __future__ import annotations

import contextlib
import importlib.util
import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.production import free_port, stop

ROOT = Path(__file__).resolve().parent.parent
SETUP = ROOT / "deploy" / "virtuoso" / "setup.py"


def _setup_module():
    spec = importlib.util.spec_from_file_location("virtuoso_setup", SETUP)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


setup = _setup_module()


@dataclass(frozen=True)
class Virtuoso:
    host: str
    http_port: int
    sql_port: int
    loader: str
    loader_password: str
    data: Path

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.http_port}"

    @property
    def query_url(self) -> str:
        return self.base + "/sparql"

    @property
    def update_url(self) -> str:
        return f"http://{self.loader}:{self.loader_password}@{self.host}:{self.http_port}/sparql-auth"

    @property
    def store_url(self) -> str:
        return (f"http://{self.loader}:{self.loader_password}@{self.host}:{self.http_port}"
                "/sparql-graph-crud-auth")

    def settings(self) -> dict[str, str]:
        """The publisher's settings for this server as the remote store."""
        return {"backend": "remote", "remote_query_url": self.query_url,
                "remote_update_url": self.update_url, "remote_store_url": self.store_url}

    def log(self) -> str:
        path = self.data / "virtuoso.log"
        return path.read_text(errors="replace") if path.exists() else ""


def require() -> None:
    if setup.server_binary() is None or setup.isql_binary() is None:
        pytest.skip("Virtuoso is not installed here (Debian: apt-get install "
                    "virtuoso-opensource; .ci/run installs it)")


@contextlib.contextmanager
def running(location: Path, memory_mb: int = 256):
    """A configured Virtuoso over a fresh data folder at location; yields a Virtuoso."""
    require()
    host, http_port, sql_port = "127.0.0.1", free_port(), free_port()
    ini = setup.write_ini(location, host=host, sql_port=sql_port, http_port=http_port,
                          memory_mb=memory_mb, query_timeout_s=60)
    process = setup.start(ini)
    server = Virtuoso(host, http_port, sql_port, "loader", secrets.token_hex(8),
                      location.resolve())
    try:
        try:
            setup.wait_ready(process, host, sql_port, http_port)
            setup.configure(host, sql_port, dba_password=None, loader=server.loader,
                            loader_password=server.loader_password)
        except RuntimeError as exc:
            pytest.fail(f"Virtuoso did not start: {exc}\n{server.log()[-3000:]}")
        yield server
    finally:
        stop(process)
