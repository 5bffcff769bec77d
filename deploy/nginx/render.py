#!/usr/bin/env python3
"""Write an nginx.conf for N ``clusterscord serve`` nodes from nginx.conf.template.

    python3 deploy/nginx/render.py --node 10.0.0.11:8080 --node 10.0.0.12:8080 \\
        --listen 80 --prefix /var/lib/clusterscord-nginx > /etc/nginx/nginx.conf

``--prefix`` holds the cache, temporary files, logs and pid (created when missing).
Standard library only. Then ``nginx -t -c FILE`` checks it and ``nginx -c FILE`` runs it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"


def render(nodes: list[str], listen: str, prefix: Path, *, user: str | None = "www-data",
           cache_size: str = "1g", max_fails: int = 2, fail_timeout_s: int = 10) -> str:
    """The configuration text; creates the folders under prefix it names."""
    if not nodes:
        raise ValueError("at least one node (host:port) is needed")
    prefix = prefix.resolve()
    folders = {"RUNTIME": prefix / "run", "LOGS": prefix / "log", "CACHE": prefix / "cache"}
    for path in folders.values():
        path.mkdir(parents=True, exist_ok=True)
    servers = "\n".join(
        f"        server {node} max_fails={max_fails} fail_timeout={fail_timeout_s}s;"
        for node in nodes
    )
    text = TEMPLATE.read_text(encoding="utf-8")
    fields = {**{k: str(v) for k, v in folders.items()}, "SERVERS": servers,
              "LISTEN": listen, "CACHE_SIZE": cache_size,
              "USER": f"user {user};" if user else "# (no user switch: not started as root)"}
    for name, value in fields.items():
        text = text.replace(f"@@{name}@@", value)
    if "@@" in text:
        raise ValueError("a template field was left unfilled")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--node", action="append", required=True, help="host:port of a node")
    parser.add_argument("--listen", default="80")
    parser.add_argument("--prefix", type=Path, required=True)
    parser.add_argument("--user", default="www-data")
    parser.add_argument("--cache-size", default="1g")
    args = parser.parse_args(argv)
    sys.stdout.write(render(args.node, args.listen, args.prefix, user=args.user,
                            cache_size=args.cache_size))
    return 0


if __name__ == "__main__":
    sys.exit(main())
