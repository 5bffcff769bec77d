"""Build generations on disk: built aside, published by one atomic rename.

::

    var/builds/<id>/          one finished build: store/, manifest.json and the artefacts
    var/builds/.tmp-<id>/     a build in progress (never served; swept by the next build)
    var/current -> builds/<id>  the published generation (a symlink replaced atomically)
    var/build.lock            held while a build runs

Everything a build publishes (the store, the search index, dumps, statistics, the change
feed) lives in its generation directory, so they change together or not at all.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict, cast

MANIFEST = "manifest.json"
KEEP_GENERATIONS = 3


class Stats(TypedDict):
    """The statistics of one pass over the store (``publisher.artefacts.stats``)."""

    triples: int
    distinct_subjects: int
    distinct_objects: int
    properties: int
    classes: int
    entities: int
    graphs: dict[str, int]
    class_partitions: dict[str, int]
    property_partitions: dict[str, int]
    linksets: dict[str, dict[str, Any]]


class DumpEntry(TypedDict):
    """One dump file as the manifest lists it."""

    format: str
    file: str
    media_type: str
    gzip: bool
    named_graphs: bool
    bytes: int
    sha256: str


class Manifest(TypedDict, total=False):
    """``manifest.json``: what a build records about itself, filled step by step.

    Every finished build has ``id``, ``built_at``, ``stats`` and the timings; the others
    are missing from builds made before the step that writes them, so readers ``get``
    them."""

    id: str
    built_at: str
    base_iri: str
    source_digest: str
    files: list[str]
    previous: str | None
    queries: dict[str, int]
    stats: Stats
    types: dict[str, int]
    search: dict[str, int]
    incoming_counts: dict[str, int]
    dumps: list[DumpEntry]
    changes: dict[str, int | str]
    catalog: dict[str, str]
    remote_graphs: list[str]
    build_seconds: float
    timings: dict[str, float]
    cpu_timings: dict[str, float]


class BuildLockedError(RuntimeError):
    """Another build holds the lock."""


class NoPublishedGenerationError(RuntimeError):
    """Nothing has been published yet (or the pointer is broken)."""


@dataclass(frozen=True)
class Generation:
    """One finished build directory and the files in it."""

    path: Path

    @property
    def id(self) -> str:
        return self.path.name.removeprefix(".tmp-")

    @property
    def store_path(self) -> Path:
        return self.path / "store"

    @property
    def manifest_path(self) -> Path:
        return self.path / MANIFEST

    @property
    def search_path(self) -> Path:
        return self.path / "search.sqlite"

    @property
    def dumps_path(self) -> Path:
        return self.path / "dumps"

    @property
    def display_path(self) -> Path:
        return self.path / "display.json"

    @property
    def changes_path(self) -> Path:
        return self.path / "changes.json"

    def manifest(self) -> Manifest:
        try:
            return cast(Manifest, json.loads(self.manifest_path.read_text(encoding="utf-8")))
        except FileNotFoundError as exc:
            raise NoPublishedGenerationError(
                f"generation {self.id} has no {MANIFEST}: it is incomplete or damaged; "
                "run 'clusterscord build'"
            ) from exc


class Generations:
    """The var/ directory: where builds are made, published and pruned."""

    def __init__(self, var: Path):
        self.var = Path(var)
        self.builds = self.var / "builds"
        self.current_link = self.var / "current"
        self.lock_path = self.var / "build.lock"

    def current(self) -> Generation:
        """The published generation, or a clear error saying what to run."""
        if not self.current_link.is_symlink() and not self.current_link.exists():
            raise NoPublishedGenerationError(
                f"no published build under {self.var}: run 'clusterscord build'"
            )
        target = self.current_link.resolve()
        if not (target / MANIFEST).is_file() or not (target / "store").is_dir():
            raise NoPublishedGenerationError(
                f"the published build {target.name} is missing or damaged: "
                "run 'clusterscord build' to publish a new one"
            )
        return Generation(target)

    def current_or_none(self) -> Generation | None:
        try:
            return self.current()
        except NoPublishedGenerationError:
            return None

    @contextlib.contextmanager
    def lock(self):
        """Hold the build lock, or raise BuildLockedError naming the holder."""
        self.var.mkdir(parents=True, exist_ok=True)
        handle = open(self.lock_path, "a+")  # noqa: SIM115 - held for the context
        try:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                handle.seek(0)
                holder = handle.read().strip() or "unknown"
                raise BuildLockedError(
                    f"another build is running (pid {holder}); wait for it to finish"
                ) from exc
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
            yield
        finally:
            handle.close()

    def begin(self, generation_id: str) -> Generation:
        """A fresh, empty working directory for a build (call while holding the lock)."""
        self.builds.mkdir(parents=True, exist_ok=True)
        self.sweep_unfinished()
        work = self.builds / f".tmp-{generation_id}"
        work.mkdir()
        return Generation(work)

    def publish(self, work: Generation) -> Generation:
        """Finish a build: rename it into place, then swap the pointer atomically."""
        final = self.builds / work.id
        os.rename(work.path, final)
        _fsync_dir(self.builds)
        tmp_link = self.var / f".current-{work.id}"
        with contextlib.suppress(FileNotFoundError):
            tmp_link.unlink()
        os.symlink(Path("builds") / work.id, tmp_link)
        os.replace(tmp_link, self.current_link)
        _fsync_dir(self.var)
        self.prune()
        return Generation(final)

    def sweep_unfinished(self) -> None:
        """Remove what interrupted builds left behind; they were never published."""
        for path in self.builds.glob(".tmp-*"):
            shutil.rmtree(path, ignore_errors=True)
        for path in self.var.glob(".current-*"):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    def finished(self) -> list[Generation]:
        """Finished generations, oldest first."""
        if not self.builds.is_dir():
            return []
        found = [
            Generation(p)
            for p in self.builds.iterdir()
            if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST).is_file()
        ]
        return sorted(found, key=lambda g: g.id)

    def prune(self, keep: int = KEEP_GENERATIONS) -> None:
        """Delete old generations, never the published one."""
        current = self.current_or_none()
        olds = [g for g in self.finished() if current is None or g.path != current.path]
        for generation in olds[: max(0, len(olds) - (keep - 1))]:
            shutil.rmtree(generation.path, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
