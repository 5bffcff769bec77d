"""The build: parse → validate → load aside → rules → statistics → artefacts → swap.

Nothing is published until every step has passed; then one rename makes the new
generation current. A failed or killed build leaves the published generation exactly as
it was (its directory is never opened for writing).
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime

import pyoxigraph as ox

from publisher.artefacts import queries, stats
from publisher.build import rules
from publisher.build.report import Report
from publisher.build.sources import load_shapes, load_sources
from publisher.build.validate import validate_for
from publisher.core.config import Settings
from publisher.core.context import BuildContext, SourceSet
from publisher.core.generation import Generation, Generations
from publisher.core.progress import Progress
from publisher.core.scheme import Scheme
from publisher.store import remote


class BuildError(RuntimeError):
    """The build stopped; nothing was published. The message says why."""


class ValidationFailed(BuildError):
    def __init__(self, report: Report):
        self.report = report
        super().__init__(report.describe())


ArtefactStep = tuple[str, Callable[[BuildContext], None]]


def artefact_steps() -> list[ArtefactStep]:
    """Files each generation publishes beside its store, written in this order."""
    from publisher.artefacts import catalog, changes, display, dumps, incoming_counts, search_index

    return [
        ("display profile", display.write),
        ("search index", search_index.write),
        ("change history", changes.write),
        ("dumps", dumps.write),
        ("catalogue", catalog.write),
        ("incoming-link counts", incoming_counts.write),
    ]


def check(settings: Settings, progress: Progress | None = None) -> tuple[SourceSet, Report]:
    """Parse and validate the sources without building anything."""
    progress = progress or Progress(quiet=True)
    with progress.step("parse sources"):
        sources = load_sources(settings.root, Scheme(settings.base_iri))
        progress.note(f"{len(sources.quads)} quads from {len(sources.files)} files")
    with progress.step("validate (SHACL)"):
        shapes = load_shapes(settings.root, Scheme(settings.base_iri))
        report = validate_for(settings, sources, shapes)
    return sources, report


def generation_id(built_at: datetime, sources: SourceSet, settings: Settings) -> str:
    stamp = built_at.strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{sources.digest[:8]}"


def build(settings: Settings, progress: Progress | None = None) -> Generation:
    """Build and publish a new generation, or raise BuildError leaving the old one."""
    progress = progress or Progress(quiet=True)
    generations = Generations(settings.var)
    scheme = Scheme(settings.base_iri)
    with generations.lock():
        with progress.step("parse sources"):
            sources = load_sources(settings.root, scheme)
            shapes = load_shapes(settings.root, scheme)
            progress.note(f"{len(sources.quads)} quads from {len(sources.files)} files")

        built_at = datetime.now(UTC)
        previous = generations.current_or_none()
        work = generations.begin(generation_id(built_at, sources, settings))
        started = time.perf_counter()
        with progress.step("load store"):
            store = ox.Store(str(work.store_path))
            store.bulk_extend(sources.quads)
        with progress.step("validate (SHACL)"):
            report = validate_for(settings, sources, shapes, store)
        if not report.conforms:
            del store
            shutil.rmtree(work.path, ignore_errors=True)
            raise ValidationFailed(report)
        for warning in report.results:
            progress.note(f"warning: {warning.message} ({warning.focus})")
        context = BuildContext(settings, sources, shapes, work, store, previous, built_at, progress)
        with progress.step("apply rules"):
            added = rules.apply(settings.root, scheme, store)
            progress.note(f"{added} triples inferred into the rules graph")
        with progress.step("statistics"):
            context.manifest = {
                "id": work.id,
                "built_at": built_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
                "base_iri": scheme.base,
                "source_digest": sources.digest,
                "files": [str(p) for p in sources.files],
                "previous": previous.id if previous else None,
                "stats": stats.compute(store, scheme),
            }
        with progress.step("query texts"):
            queries.write(context)  # before the steps that read them
        for name, write in artefact_steps():
            with progress.step(name):
                write(context)
        if settings.backend == "remote":
            with progress.step("load remote store"):
                context.manifest["remote_graphs"] = remote.load_generation(
                    settings, store, work.id
                )
        store.flush()
        store.optimize()
        del store, context.store
        context.manifest["build_seconds"] = round(time.perf_counter() - started, 3)
        context.manifest["timings"] = progress.timings
        work.manifest_path.write_text(
            json.dumps(context.manifest, indent=2, ensure_ascii=False), encoding="utf-8"
        )
        with progress.step("publish"):
            published = generations.publish(work)
        return published
