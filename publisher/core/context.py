"""The records a build passes between its steps: the parsed sources and the build context."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox

from publisher.core.config import Settings
from publisher.core.generation import Generation, Manifest
from publisher.core.progress import Progress
from publisher.core.scheme import Scheme


@dataclass
class SourceSet:
    """Every quad from the source files, and where each subject was written."""

    quads: list[ox.Quad] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    origins: dict[ox.NamedNode | ox.BlankNode | ox.Triple, set[Path]] = field(
        default_factory=lambda: defaultdict(set)
    )
    digest: str = ""


@dataclass
class BuildContext:
    """What the steps of one build share."""

    settings: Settings
    sources: SourceSet
    shapes: list[ox.Quad]
    work: Generation
    store: ox.Store
    previous: Generation | None
    built_at: datetime
    progress: Progress
    manifest: Manifest = field(default_factory=Manifest)

    @cached_property
    def scheme(self) -> Scheme:
        """The IRI scheme of the generation being built (from the base IRI setting)."""
        return Scheme(self.settings.base_iri)
