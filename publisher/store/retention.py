"""How long a remote store keeps a generation's graphs.

Each generation is loaded into graphs of its own (:func:`publisher.store.remote.graph_name`),
so nodes still answering from the previous generation keep reading it whole while others
have moved on. A generation's graphs are dropped once it is none of these:

- the generation being loaded, or the published one;
- named by a live node in the registry (:mod:`publisher.store.nodes`);
- superseded less than ``remote_grace_s`` ago (the next generation's publication time).

Only graphs the publisher named are ever dropped (``urn:x-clusterscord:gen:…`` for this
deployment's base IRI); anything else in the store is left alone.
"""

from __future__ import annotations

import time

from publisher.core.config import Settings
from publisher.core.generation import Generations
from publisher.store import nodes


def superseded_at(settings: Settings) -> dict[str, float]:
    """For each local generation, when the one after it was published (epoch seconds)."""
    finished = Generations(settings.var).finished()
    times = {}
    for older, newer in zip(finished, finished[1:], strict=False):
        try:
            times[older.id] = newer.manifest_path.stat().st_mtime
        except OSError:
            times[older.id] = 0.0
    return times


def keep(settings: Settings, loading: str | None = None, now: float | None = None) -> set[str]:
    """The generation ids whose graphs must stay."""
    now = time.time() if now is None else now
    kept = set(nodes.serving(settings, now))
    if loading:
        kept.add(loading)
    current = Generations(settings.var).current_or_none()
    if current is not None:
        kept.add(current.id)
    for generation_id, when in superseded_at(settings).items():
        if now - when < settings.remote_grace_s:
            kept.add(generation_id)
    return kept
