"""Start-up checks: find a missing or damaged published store before serving anything.

A server that starts on broken data fails on its first request, far from the cause;
checking at start-up turns that into one clear message saying what to run.
"""

from __future__ import annotations

from publisher.core.config import Settings
from publisher.core.generation import Generations, NoPublishedGenerationError
from publisher.store.backends import open_store


class DamagedStoreError(RuntimeError):
    """The published generation exists but cannot be read."""


def check_published(settings: Settings) -> str:
    """The published generation's id, after proving its store opens and answers."""
    generation = Generations(settings.var).current()
    manifest = generation.manifest()
    try:
        store = open_store(settings, generation)
        try:
            answered = store.answers()
        finally:
            store.close()
    except (OSError, RuntimeError) as exc:
        raise DamagedStoreError(
            f"the published store {generation.store_path} cannot be opened ({exc}); "
            "run 'clusterscord build' to publish a new generation"
        ) from exc
    if not answered and manifest["stats"]["triples"]:
        raise DamagedStoreError(
            f"the published store {generation.store_path} is empty but its manifest counts "
            f"{manifest['stats']['triples']} triples; run 'clusterscord build'"
        )
    return generation.id


__all__ = ["DamagedStoreError", "NoPublishedGenerationError", "check_published"]
