"""The one place that chooses the store backend from the settings."""

from __future__ import annotations

from publisher.core.config import Settings
from publisher.core.generation import Generation, Generations
from publisher.store.base import QueryStore
from publisher.store.oxigraph import OxigraphStore
from publisher.store.remote import RemoteStore


def open_store(settings: Settings, generation: Generation | None = None) -> QueryStore:
    """The configured backend, reading the given (default: the published) generation."""
    generation = generation or Generations(settings.var).current()
    if settings.backend == "remote":
        return RemoteStore(settings, generation)
    return OxigraphStore(generation)
