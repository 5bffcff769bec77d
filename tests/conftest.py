"""Shared fixtures: the real project built once per session, and copies of it to break.

- ``built``: the project's own sources built with :func:`publisher.build.build` into a
  session temporary ``var`` directory (nothing is copied: the sources are read in place).
  It is a :class:`Built` with the ``settings`` used and the published ``generation``.
- ``store``: a read-only :class:`publisher.store.OxigraphStore` on that generation.
- ``project_copy``: a fresh temporary project root holding copies of ``ontology/``,
  ``data/``, ``shapes/`` and ``sparql/``, for tests that add, remove or change sources.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import NamedTuple

import pytest

from publisher.build.pipeline import build
from publisher.core.config import Settings, load_settings
from publisher.core.generation import Generation
from publisher.store.oxigraph import OxigraphStore

ROOT = Path(__file__).resolve().parent.parent
SOURCE_FOLDERS = ("ontology", "data", "shapes", "sparql")


class Built(NamedTuple):
    """A published build of the real project."""

    settings: Settings
    generation: Generation


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Built:
    """The real project, built once per session into a temporary var directory."""
    var = tmp_path_factory.mktemp("built-var")
    settings = load_settings(root=ROOT, var_dir=var, environ={})
    return Built(settings, build(settings))


@pytest.fixture(scope="session")
def store(built) -> OxigraphStore:
    """Read-only SPARQL access to the session's build (union default graph)."""
    opened = OxigraphStore(built.generation)
    yield opened
    opened.close()


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A temporary project root with copies of the source folders, free to break."""
    root = tmp_path / "project"
    root.mkdir()
    for folder in SOURCE_FOLDERS:
        if (ROOT / folder).is_dir():
            shutil.copytree(ROOT / folder, root / folder)
    return root
