"""nginx (Debian's package) for tests, in front of given nodes, on a free loopback port.

Use :func:`running` as a context manager: it renders the repository's configuration
(``deploy/nginx/nginx.conf.template`` through ``deploy/nginx/render.py``) into a temporary
folder, starts ``nginx`` in the foreground, waits until it accepts connections, yields its
base URL, and stops it afterwards. Without the ``nginx`` binary the test is skipped, saying
what to install; CI installs it (``.ci/run``).
"""

from __future__ import annotations

import contextlib
import getpass
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.production import free_port, stop

ROOT = Path(__file__).resolve().parent.parent
RENDER = ROOT / "deploy" / "nginx" / "render.py"


def _render_module():
    spec = importlib.util.spec_from_file_location("nginx_render", RENDER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


render = _render_module()


def executable() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if os.access(p, os.X_OK)), None)
    if not found:
        pytest.skip("nginx is not installed here (Debian: apt-get install nginx; "
                    ".ci/run installs it)")
    return found


@contextlib.contextmanager
def running(location: Path, nodes: list[str], port: int | None = None, **options):
    """nginx proxying to nodes (``host:port``) on port (default: a free one); yields its
    base URL."""
    binary = executable()
    port = port or free_port()
    # Started as root, nginx switches its workers to a user; root keeps the temporary
    # folders (which only their owner may enter) reachable.
    user = getpass.getuser() if os.geteuid() == 0 else None
    conf = location / "nginx.conf"
    location.mkdir(parents=True, exist_ok=True)
    conf.write_text(render.render(nodes, f"127.0.0.1:{port}", location, user=user,
                                  cache_size="64m", **options))
    log = location / "nginx.out"
    with open(log, "wb") as output:
        check = subprocess.run([binary, "-t", "-c", str(conf), "-e", "stderr"],
                               stdout=output, stderr=subprocess.STDOUT, check=False)
        if check.returncode != 0:
            pytest.fail(f"nginx refused the configuration:\n{log.read_text()}")
        process = subprocess.Popen(
            [binary, "-c", str(conf), "-e", "stderr", "-g", "daemon off;"],
            stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                pytest.fail(f"nginx exited:\n{log.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("nginx did not accept connections within 20 s")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process, signal.SIGQUIT, grace_s=10)  # SIGQUIT: nginx's graceful stop
