"""The application's one shared object: settings, the published generation and its store.

Each worker opens the published store read-only and reopens it when a new build has
been published (the ``current`` pointer moved), so a build never needs a restart.
"""

from __future__ import annotations

import os
import threading

from flask import current_app, g, has_request_context

from publisher.core.config import Settings
from publisher.core.generation import (
    Generation,
    Generations,
    Manifest,
    NoPublishedGenerationError,
)
from publisher.core.scheme import Scheme
from publisher.store import nodes
from publisher.store.backends import open_store
from publisher.store.base import QueryStore


class Site:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.generations = Generations(settings.var)
        self._lock = threading.Lock()
        self._store: QueryStore | None = None
        self._pointer: str | None = None
        self._manifest: Manifest | None = None
        self._scheme: Scheme | None = None
        self._manifests: dict[str, Manifest] = {}

    def _read_pointer(self) -> str:
        try:
            return os.readlink(self.generations.current_link)
        except OSError as exc:
            raise NoPublishedGenerationError(
                f"no published build under {self.settings.var}: run 'clusterscord build'"
            ) from exc

    def store(self) -> QueryStore:
        """The store of the published generation (reopened after a new build).

        Within a request it is always the same one: a build published meanwhile is
        answered from by the next request, never halfway through this one (several web
        nodes sharing a remote store rely on it).
        """
        if has_request_context() and "clusterscord_store" in g:
            return g.clusterscord_store
        store = self._current()
        if has_request_context():
            g.clusterscord_store = store
        nodes.beat(self.settings, store.generation.id)
        return store

    def _current(self) -> QueryStore:
        pointer = self._read_pointer()
        if self._store is not None and pointer == self._pointer:
            _note_generation(self._store.generation.id)
            return self._store
        with self._lock:
            if self._store is None or pointer != self._pointer:
                generation = self.generations.current()
                store = open_store(self.settings, generation)
                self._manifest = generation.manifest()
                self._manifests = {generation.id: self._manifest}
                old, self._store, self._pointer = self._store, store, pointer
                if old is not None:
                    old.close()
        _note_generation(self._store.generation.id)
        return self._store

    def generation(self) -> Generation:
        return self.store().generation

    def manifest(self) -> Manifest:
        """The published generation's manifest (statistics, timings), read once."""
        store = self.store()
        found = self._manifests.get(store.generation.id)
        return found if found is not None else store.generation.manifest()

    def scheme(self) -> Scheme:
        """The IRI scheme of the published generation: a build is served on the base it
        was built on (its manifest's base_iri), whatever the serve-time setting says."""
        base = self.manifest().get("base_iri") or self.settings.base_iri
        cached = self._scheme
        if cached is None or cached.base != base:
            cached = self._scheme = Scheme(base)
        return cached


def _note_generation(generation_id: str) -> None:
    """Record which generation answered, for the access log (outside requests: no-op)."""
    if has_request_context():
        g.generation_id = generation_id


def site() -> Site:
    return current_app.extensions["clusterscord"]
