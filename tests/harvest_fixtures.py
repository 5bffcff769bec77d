"""Builds whose base IRI is a loopback server's own address, for harvesting tests.

A harvester follows the IRIs it reads (download URLs, LDES pages), so a test that plays
harvester must build with the base IRI of the server it talks to: pick a free port,
build with ``http://127.0.0.1:{port}/`` as base IRI, then serve on that port.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pyoxigraph as ox

from publisher.core.config import Settings, load_settings

REPO = Path(__file__).resolve().parents[1]
NPM_BIN = REPO / "node_modules" / ".bin"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def settings_at(root: Path, var: Path, port: int) -> Settings:
    return load_settings(root=root, environ={}, var_dir=var,
                         base_iri=f"http://127.0.0.1:{port}/")


def with_catalog(root: Path) -> Path:
    """Add the real editorial catalogue and its shapes to a test project."""
    for name in ("data/catalog.trig", "shapes/catalog.ttl"):
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text((REPO / name).read_text(encoding="utf-8"), encoding="utf-8")
    return root


def canonical(quads) -> ox.Dataset:
    """The quads with their blank nodes named canonically: a dump and the store name
    them as each was loaded (blank-node labels are local to a file)."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return dataset
