#!/usr/bin/env python3
"""Set up Virtuoso 7 (Debian's ``virtuoso-opensource``) as the publisher's remote store.

Creates a data folder, writes ``virtuoso.ini`` there from ``virtuoso.ini.template`` (the
ports and sizes given), starts ``virtuoso-t`` on it, and, through ``isql-vt``:

- changes the ``dba`` password from the well-known default (when one is given);
- creates the loader user (``--loader``, default ``loader``) with the ``SPARQL_UPDATE`` role
  and write permission on every graph: the build uploads through the Graph Store endpoint
  ``/sparql-graph-crud-auth`` and switches through ``/sparql-auth``, both with HTTP digest
  authentication as that user;
- leaves the anonymous endpoint ``/sparql`` read-only: that is the one the web nodes query.

Then the publisher's settings are (the loader's credentials in the URL; the remote backend
answers the digest challenge with them and never shows them)::

    backend = "remote"
    remote_query_url  = "http://HOST:HTTP_PORT/sparql"
    remote_update_url = "http://loader:PASSWORD@HOST:HTTP_PORT/sparql-auth"
    remote_store_url  = "http://loader:PASSWORD@HOST:HTTP_PORT/sparql-graph-crud-auth"

Usage (a fresh folder; ``--foreground`` keeps the server attached, as a service manager
wants it; without it the server is left running in the background and its pid printed)::

    python3 deploy/virtuoso/setup.py --data /srv/virtuoso --http-port 8890 --sql-port 1111 \\
        --dba-password "$DBA_PASSWORD" --loader-password "$LOADER_PASSWORD"

Running it again over an existing folder keeps the data, rewrites the ini, and repeats the
grants (they are idempotent). Standard library only, so it runs without the publisher.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from string import Template

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "virtuoso.ini.template"
DEFAULT_DBA_PASSWORD = "dba"  # noqa: S105 - the well-known default, replaced by setup
ISQL_NAMES = ("isql-vt", "isql-v", "isql")


def binary(names: tuple[str, ...]) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def server_binary() -> str | None:
    return binary(("virtuoso-t",))


def isql_binary() -> str | None:
    return binary(ISQL_NAMES)


def write_ini(data: Path, *, host: str = "127.0.0.1", sql_port: int = 1111,
              http_port: int = 8890, memory_mb: int = 1024, http_threads: int = 10,
              query_timeout_s: int = 60, max_rows: int = 1_000_000,
              threads_per_query: int = 2) -> Path:
    """Write data/virtuoso.ini from the template; returns its path."""
    data = data.resolve()
    (data / "vsp").mkdir(parents=True, exist_ok=True)
    buffers = max(2000, memory_mb * 85)
    text = Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        data=data, host=host, sql_port=sql_port, http_port=http_port,
        buffers=buffers, dirty_buffers=buffers * 3 // 4,
        max_query_mem=f"{max(100, memory_mb // 2)}M", http_threads=http_threads,
        query_timeout_s=query_timeout_s, max_rows=max_rows,
        threads_per_query=threads_per_query,
    )
    ini = data / "virtuoso.ini"
    ini.write_text(text, encoding="utf-8")
    return ini


def start(ini: Path, log: Path | None = None) -> subprocess.Popen:
    """Start virtuoso-t in the foreground on ini (a child process; the caller stops it)."""
    executable = server_binary()
    if executable is None:
        raise RuntimeError("virtuoso-t is not installed (Debian: apt-get install "
                           "virtuoso-opensource)")
    output = open(log or ini.parent / "server.out", "ab")  # noqa: SIM115 - the child keeps it
    try:
        return subprocess.Popen(
            [executable, "+foreground", "+configfile", str(ini)],
            cwd=ini.parent, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    finally:
        output.close()


def wait_ready(process: subprocess.Popen, host: str, sql_port: int, http_port: int,
               seconds: float = 120) -> None:
    """Until the SQL port accepts connections and /sparql answers an ASK."""
    deadline = time.monotonic() + seconds
    url = f"http://{host}:{http_port}/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"virtuoso-t exited with status {process.returncode}")
        try:
            with socket.create_connection((host, sql_port), timeout=1):
                pass
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"Virtuoso did not answer within {seconds:.0f} s")
        time.sleep(0.3)


def isql(host: str, sql_port: int, password: str, statements: str,
         user: str = "dba") -> str:
    """Run SQL statements through isql-vt; raises with its output when one fails."""
    executable = isql_binary()
    if executable is None:
        raise RuntimeError("isql-vt is not installed (Debian: apt-get install "
                           "virtuoso-opensource)")
    result = subprocess.run(
        [executable, f"{host}:{sql_port}", user, password, "VERBOSE=OFF", "BANNER=OFF",
         "PROMPT=OFF", "ERRORS=STDOUT"],
        input=statements + "\nexit;\n", capture_output=True, text=True, timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    if result.returncode != 0 or "*** Error" in output:
        raise RuntimeError(f"isql failed:\n{output}")
    return output


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def configure(host: str, sql_port: int, *, dba_password: str | None,
              loader: str, loader_password: str) -> str:
    """Set the dba password, create the loader and grant it updates; returns the dba
    password now in force."""
    current = DEFAULT_DBA_PASSWORD
    if dba_password and dba_password != DEFAULT_DBA_PASSWORD:
        try:
            isql(host, sql_port, DEFAULT_DBA_PASSWORD,
                 f"DB.DBA.USER_SET_PASSWORD ('dba', {_quote(dba_password)});")
        except RuntimeError:
            pass  # already changed by an earlier run
        current = dba_password
    found = isql(host, sql_port, current,
                 f"SELECT COUNT(*) FROM DB.DBA.SYS_USERS WHERE U_NAME = {_quote(loader)};")  # noqa: S608
    lines = [line.strip() for line in found.splitlines() if line.strip()]
    if lines[-1:] == ["0"]:
        statements = [f"DB.DBA.USER_CREATE ({_quote(loader)}, {_quote(loader_password)});"]
    else:
        statements = [f"DB.DBA.USER_SET_PASSWORD ({_quote(loader)}, {_quote(loader_password)});"]
    statements += [
        f'GRANT SPARQL_UPDATE TO "{loader}";',
        f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET ({_quote(loader)}, 7);",
        "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 1);",
        "checkpoint;",
    ]
    isql(host, sql_port, current, "\n".join(statements))
    return current


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="the data folder")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--http-port", type=int, default=8890)
    parser.add_argument("--sql-port", type=int, default=1111)
    parser.add_argument("--memory-mb", type=int, default=1024)
    parser.add_argument("--dba-password", default=None)
    parser.add_argument("--loader", default="loader")
    parser.add_argument("--loader-password", required=True)
    parser.add_argument("--foreground", action="store_true",
                        help="stay attached to the server until it stops")
    args = parser.parse_args(argv)
    ini = write_ini(args.data, host=args.host, sql_port=args.sql_port,
                    http_port=args.http_port, memory_mb=args.memory_mb)
    process = start(ini)
    wait_ready(process, args.host, args.sql_port, args.http_port)
    configure(args.host, args.sql_port, dba_password=args.dba_password, loader=args.loader,
              loader_password=args.loader_password)
    print(f"Virtuoso ready: http://{args.host}:{args.http_port}/sparql (pid {process.pid})")
    if args.foreground:
        return process.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
