"""The build: parse → validate → load aside → rules → statistics → artefacts → swap.

Nothing is published until every step has passed; then one rename makes the new
generation current. A failed or killed build leaves the published generation exactly as
it was (its directory is never opened for writing).

Where the time goes at a million triples, and how the build keeps it short:

- the sources are parsed straight into the store (:mod:`publisher.build.loading`);
- validation, the rules and the one pass of the statistics work on an in-memory store
  (joins there cost a fifth of what they cost on disk) when the sources are at most
  ``build_memory_max_mb``; the SHACL queries run two at a time, the rules inside the
  store (:mod:`publisher.build.rules`);
- larger sources, up to ``rules_memory_max_mb``, are still validated and derived in
  memory (at 10M triples validation took 754–1,275 s on disk, 112 s in memory), then the
  store is written to disk and the later steps read it there, as for the largest;
- once the rules have run, threads write the in-memory store to the generation's
  directory (dumped and bulk-loaded by the store, the staged N-Quads compressed as the
  N-Quads dump) and the other dumps (by the store's serializers), all outside Python's
  lock, while the statistics pass, the display profile, the search index and the change
  history are made from memory;
- one pass over the quads feeds statistics, search labels, entity hashes and incoming
  links (:mod:`publisher.artefacts.scan`) instead of four scans or whole-graph GROUP BYs;
- the catalogue and the incoming counts then read the on-disk store, as the web will.
"""

from __future__ import annotations

import ctypes
import json
import shutil
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from publisher.artefacts import dumps, queries, stats
from publisher.build import loading, rules, shacl_sparql
from publisher.build.report import Report
from publisher.build.sources import SourceError, load_shapes, load_sources
from publisher.build.validate import validate_for
from publisher.core.config import Settings
from publisher.core.context import BuildContext, SourceSet
from publisher.core.generation import DumpEntry, Generation, Generations, Stats
from publisher.core.progress import Progress
from publisher.core.scheme import Scheme
from publisher.store import remote

if TYPE_CHECKING:  # the artefact modules themselves load when the steps run
    from publisher.artefacts.catalog import Collected
    from publisher.artefacts.changes import EntityLines
    from publisher.artefacts.incoming_counts import IncomingLinks
    from publisher.artefacts.search_index import Labels

# The SPARQL validator's queries run this many at a time (the store answers each outside
# Python's lock).
VALIDATION_THREADS = 2


class BuildError(RuntimeError):
    """The build stopped; nothing was published. The message says why."""


class ValidationFailed(BuildError):
    def __init__(self, report: Report):
        self.report = report
        super().__init__(report.describe())


ArtefactStep = tuple[str, Callable[[BuildContext], None]]


@dataclass
class Scanned:
    """What the build's one pass over the store collected for the artefacts after it."""

    labels: Labels | None = None
    typed: list[tuple[str, str]] | None = None
    lines: EntityLines | None = None
    links: IncomingLinks | None = None
    coverage: Collected | None = None
    graphs: frozenset = frozenset()


@dataclass
class Background:
    """The in-memory store written out by threads while the Python steps run."""

    store: Future[tuple[ox.Store, DumpEntry]]  # the on-disk store, and the N-Quads dump
    dumps: Future[list[DumpEntry]]  # the other dumps

    def published_dumps(self) -> list[DumpEntry]:
        return [self.store.result()[1], *self.dumps.result()]


def artefact_steps(scanned: Scanned | None = None,
                   background: Background | None = None) -> list[ArtefactStep]:
    """Files each generation publishes beside its store, written in this order. With what
    the statistics pass collected (``scanned``), the steps use it instead of reading the
    store again; with dumps written in the ``background``, the dumps step records them."""
    from publisher.artefacts import (
        catalog,
        changes,
        display,
        incoming_counts,
        search_index,
    )

    scanned = scanned or Scanned()
    return [
        ("display profile", lambda context: display.write(context, scanned.typed)),
        ("search index", lambda context: search_index.write(context, scanned.labels)),
        ("change history", lambda context: changes.write(context, scanned.lines)),
        ("dumps", dumps.write if background is None
         else lambda context: dumps.record(context, background.published_dumps())),
        ("catalogue", lambda context: catalog.write(context, scanned.coverage)),
        ("incoming-link counts", lambda context: incoming_counts.write(
            context, _with_later_graphs(context, scanned))),
    ]


def _start_background(memory: ox.Store, work: Generation) -> Background:
    """Write the in-memory store out in threads beside the steps that only read it: to the
    generation's store directory (dumped as N-Quads and bulk-loaded by the store; the
    staged N-Quads, compressed, are the N-Quads dump) and as the other dumps. The on-disk
    store serves the later steps."""
    union = queries.Queries(work).build("union-triples")
    nquads = dumps.FORMATS[0]

    def persist() -> tuple[ox.Store, DumpEntry]:
        disk, staged = _save(memory, work)
        work.dumps_path.mkdir(parents=True, exist_ok=True)
        entry = dumps.compress_nquads(staged, work.dumps_path / nquads.file_name(work.id))
        staged.unlink()
        return disk, entry

    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="write-store")
    background = Background(
        store=pool.submit(persist),
        dumps=pool.submit(dumps.write_all, memory, work.dumps_path, work.id, union,
                          nquads=False))
    pool.shutdown(wait=False)
    return background


def _save(memory: ox.Store, work: Generation) -> tuple[ox.Store, Path]:
    """The in-memory store written to the generation's store directory (dumped as N-Quads
    and bulk-loaded by the store, outside Python's lock): the on-disk store, and the
    staged N-Quads file, left for the caller."""
    staged = work.path / "store.nq"
    memory.dump(str(staged), ox.RdfFormat.N_QUADS)
    disk = ox.Store(str(work.store_path))
    disk.bulk_load(path=str(staged), format=ox.RdfFormat.N_QUADS)
    return disk, staged


def _return_freed_memory() -> None:
    """Give the heap a dropped in-memory store freed back to the system. glibc keeps it
    otherwise, and Python's own allocator, which maps arenas of its own, never reuses it:
    at 10M triples the pass after the store was written grew from 9.5 GB instead of from
    under one. Nothing to do where the C library has no ``malloc_trim``."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return
    trim(0)


def _with_later_graphs(context: BuildContext, scanned: Scanned):
    """The scan's incoming links plus those of the graphs written after it (the
    catalogue's), or None (the step then counts the store itself)."""
    links = scanned.links
    if links is None:
        return None
    for graph in set(context.store.named_graphs()) - scanned.graphs:
        for quad in context.store.quads_for_pattern(None, None, None, graph):
            links.add(graph, quad.subject, quad.predicate.value, quad.object)
    return links


def check(settings: Settings, progress: Progress | None = None) -> tuple[SourceSet, Report]:
    """Parse and validate the sources without building anything."""
    progress = progress or Progress(quiet=True)
    with progress.step("parse sources"):
        scheme = Scheme(settings.base_iri)
        sources = load_sources(settings.root, scheme)
        progress.note(f"{len(sources.quads)} quads from {len(sources.files)} files")
    with progress.step("validate (SHACL)"):
        shapes = load_shapes(settings.root, scheme)
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
    bulk = loading.bulk_loadable(scheme)
    with generations.lock():
        with progress.step("parse sources"):
            shapes = load_shapes(settings.root, scheme)
            if bulk:  # the data is parsed straight into the store in the next step
                files, digest = loading.digest_of(settings.root)
                sources = SourceSet(files=files, digest=digest)
            else:
                sources = load_sources(settings.root, scheme)
                progress.note(f"{len(sources.quads)} quads from {len(sources.files)} files")

        built_at = datetime.now(UTC)
        previous = generations.current_or_none()
        work = generations.begin(generation_id(built_at, sources, settings))
        started = time.perf_counter()
        size = loading.source_bytes(settings.root)
        in_memory = size <= settings.build_memory_max_mb * 2**20
        staged = not in_memory and size <= settings.rules_memory_max_mb * 2**20
        with progress.step("load store"):
            # Up to build_memory_max_mb of sources the build works in memory (joins cost a
            # fifth of what they cost on disk) and writes the store out after the rules;
            # up to rules_memory_max_mb, only load, validation and rules do.
            store = ox.Store() if in_memory or staged else ox.Store(str(work.store_path))
            try:
                if bulk:
                    quads = loading.load_into(settings.root, scheme, store).quads
                    progress.note(f"{quads} quads from {len(sources.files)} files")
                else:
                    store.bulk_extend(sources.quads)
                    quads = len(sources.quads)
            except SourceError:
                del store
                shutil.rmtree(work.path, ignore_errors=True)
                raise
        with progress.step("validate (SHACL)"):
            report = _validate(settings, scheme, sources, shapes, store, quads)
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
        if staged:
            with progress.step("write store"):
                store, nquads = _save(store, work)
                context.store = store  # the in-memory store is let go
                nquads.unlink()
                _return_freed_memory()
        context.manifest = {
            "id": work.id,
            "built_at": built_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "base_iri": scheme.base,
            "source_digest": sources.digest,
            "files": [str(p) for p in sources.files],
            "previous": previous.id if previous else None,
        }
        with progress.step("query texts"):
            queries.write(context)  # before the steps that read them (the dumps start next)
        scanned = Scanned()
        background = _start_background(store, work) if in_memory else None
        with progress.step("statistics"):
            context.manifest["stats"] = _scan(context, scanned)
            progress.note("one pass: statistics, search labels, entity hashes, incoming links, "
                          "catalogue coverage and examples")
        for name, write in artefact_steps(scanned, background):
            if name == "dumps" and background is not None:
                with progress.step("write store"):
                    store = context.store = background.store.result()[0]
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
        context.manifest["cpu_timings"] = progress.cpu_timings
        work.manifest_path.write_text(
            json.dumps(context.manifest, indent=2, ensure_ascii=False), encoding="utf-8"
        )
        with progress.step("publish"):
            published = generations.publish(work)
        return published


def _validate(settings: Settings, scheme: Scheme, sources: SourceSet, shapes, store: ox.Store,
              quads: int) -> Report:
    """SHACL validation of the loaded sources, by the engine the settings choose.

    Large data goes to the SPARQL validator over the store, both cores at once; the
    files of a result's focus node are found only when there are results. pyshacl needs
    the quads in Python: when the sources were bulk-loaded they are parsed once more
    (pyshacl is chosen for small data only, unless forced).
    """
    engine = settings.shacl_engine
    if engine == "auto":
        large = quads >= settings.shacl_sparql_min_quads
        engine = "sparql" if large and not shacl_sparql.unsupported(shapes) else "pyshacl"
    if engine == "sparql":
        return shacl_sparql.validate_store(
            store, shapes, sources.origins if sources.quads else
            lambda wanted: loading.origins_of(settings.root, scheme, wanted),
            threads=VALIDATION_THREADS)
    if not sources.quads:
        sources = load_sources(settings.root, scheme)
    return validate_for(settings.replace(shacl_engine="pyshacl"), sources, shapes, store)


def _scan(context: BuildContext, scanned: Scanned) -> Stats:
    """One pass over the store for the statistics and what the later steps collect."""
    from publisher.artefacts import catalog, changes, incoming_counts, search_index
    from publisher.artefacts.scan import scan

    scheme = context.scheme
    statistics = stats.Statistics(scheme)
    labels = search_index.Labels(scheme)
    lines = changes.EntityLines(scheme)
    links = incoming_counts.IncomingLinks(scheme)
    coverage = catalog.Collected(scheme)
    scanned.graphs = frozenset(context.store.named_graphs())
    scan(context.store, [statistics, labels, lines, links, coverage])
    scanned.labels, scanned.lines, scanned.links = labels, lines, links
    scanned.coverage = coverage
    scanned.typed = statistics.typed_iris()
    return statistics.result()
