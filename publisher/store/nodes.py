"""Which generation each web node serves: a small registry in the shared ``var`` folder.

Every web worker process (of every node) notes the generation it answers from in
``var/nodes/<host>-<port>-<pid>.json``, at most every :data:`BEAT_S` seconds while it
answers requests. Entries not refreshed for :data:`STALE_S` seconds are of nodes that
stopped or idle (an idle node moves to the published generation with its next request).
The build reads the registry before it drops an old generation's graphs from a remote
store (:mod:`publisher.store.retention`), and ``/ready`` lists it.

The shared folder is the simplest registry; a deployment whose nodes do not share ``var``
(each has a synchronised copy) shares this one subfolder, or keeps the grace period
(``remote_grace_s``) above the time a copy takes to arrive.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
from pathlib import Path

from publisher.core.config import Settings

BEAT_S = 5.0
STALE_S = 60.0
FORGET_S = 24 * 3600.0

_lock = threading.Lock()
_last: dict[Path, tuple[str, float]] = {}


def folder(settings: Settings) -> Path:
    return settings.var / "nodes"


def node_name(settings: Settings) -> str:
    return f"{socket.gethostname()}-{settings.port}-{os.getpid()}"


def beat(settings: Settings, generation_id: str) -> None:
    """Note that this process answers from generation_id (cheap: mostly a clock read)."""
    name = node_name(settings)
    path = folder(settings) / f"{name}.json"
    now = time.time()
    with _lock:
        last = _last.get(path)
        if last is not None and last[0] == generation_id and now - last[1] < BEAT_S:
            return
        _last[path] = (generation_id, now)
    record = {"node": name, "generation": generation_id, "seen": now}
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(json.dumps(record), encoding="utf-8")
        os.replace(tmp, path)


def report(settings: Settings, now: float | None = None) -> list[dict]:
    """The fresh entries, oldest generation first; forgets entries a day old."""
    now = time.time() if now is None else now
    found: list[dict] = []
    base = folder(settings)
    if not base.is_dir():
        return found
    for path in base.glob("*.json"):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            age = now - float(record["seen"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if age > FORGET_S:
            with contextlib.suppress(OSError):
                path.unlink()
        if age <= STALE_S:
            found.append({"node": record["node"], "generation": record["generation"],
                          "age_s": round(max(0.0, age), 1)})
    return sorted(found, key=lambda r: (r["generation"], r["node"]))


def serving(settings: Settings, now: float | None = None) -> set[str]:
    """Generation ids some live node still answers from."""
    return {entry["generation"] for entry in report(settings, now)}
