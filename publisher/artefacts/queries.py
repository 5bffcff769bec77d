"""The generation's own SPARQL texts: written once by the build, rebased; read by all else.

The build step :func:`write` copies the query files into ``<generation>/sparql/``, each
rebased onto the generation's base IRI once::

    sparql/views/     the pages' queries           sparql/queries/  the named example queries
    sparql/catalog/   the catalogue's queries      sparql/build/    the build steps' queries
    sparql/store/     the store backends' own queries

Named queries come from the project (``sparql/queries/`` of the project root). The other
folders are the publisher's own; a project overrides any of their texts with a file of the
same name in its own ``sparql/`` (the checkout's are the publisher's). The web and the
later build steps read only the generation (:class:`Queries`), so an edit in the checkout
changes nothing served until the next build, and nothing is rebased per query.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from publisher.artefacts.named_queries import NAME, NamedQuery, parse
from publisher.core.generation import Generation
from publisher.core.iris import PREFIXES
from publisher.core.scheme import Scheme
from publisher.core.sparql import with_values
from publisher.store.base import QUERIES_DIR, query_text

# The publisher's own query folders, as they ship beside the package (build time only).
PUBLISHER_SPARQL = Path(__file__).resolve().parents[2] / "sparql"
OWN_FOLDERS = ("views", "catalog", "build", "store")
NAMED = "queries"


def _sources(root: Path) -> dict[str, list[Path]]:
    """Folder name → the files the build copies into it: the project's named queries; the
    publisher's own texts, each overridden by a project file of the same name."""
    found = {NAMED: _texts(root / "sparql" / NAMED)}
    for folder in OWN_FOLDERS:
        chosen = {p.name: p for p in _texts(PUBLISHER_SPARQL / folder)}
        chosen |= {p.name: p for p in _texts(root / "sparql" / folder)}
        found[folder] = sorted(chosen.values(), key=lambda p: p.name)
    return found


def _texts(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.rq") if NAME.match(p.stem))


def write(context) -> None:
    """Build step: every query text into the generation, rebased onto its base."""
    context.manifest["queries"] = write_texts(context.settings.root, context.work,
                                              context.scheme)


def write_texts(root: Path, generation: Generation, scheme: Scheme) -> dict[str, int]:
    """Copy the query texts of the project at root into a generation, rebased onto the
    scheme's base; the number of texts per folder."""
    target = generation.path / QUERIES_DIR
    counts = {}
    for folder, files in _sources(root).items():
        (target / folder).mkdir(parents=True, exist_ok=True)
        for path in files:
            text = scheme.rebase_text(path.read_text(encoding="utf-8"))
            (target / folder / path.name).write_text(text, encoding="utf-8")
        counts[folder] = len(files)
    return counts


class Queries:
    """The SPARQL texts of one generation, as its build wrote them."""

    def __init__(self, generation: Generation):
        self.generation = generation

    def text(self, folder: str, name: str) -> str:
        return query_text(self.generation, folder, name)

    def view(self, name: str) -> str:
        return self.text("views", name)

    def build(self, name: str) -> str:
        """A build step's query (``sparql/build/<name>.rq``)."""
        return self.text("build", name)

    def catalog(self, name: str) -> str:
        return self.text("catalog", name)

    def run(self, store: ox.Store, folder: str, name: str, *, default_graph=None,
            union: bool = True, values: tuple[str, list] | None = None, **bindings):
        """Run one of the texts on a build's own store, its variables bound to typed terms
        (``values``: a variable and the terms of a VALUES block opening the WHERE clause).
        The default graph is the one given, else the union of the named graphs (``union``)
        or the store's own default graph."""
        text = self.text(folder, name)
        if values is not None:
            text = with_values(text, *values)
        dataset = ({"default_graph": default_graph} if default_graph is not None
                   else {"use_default_graph_as_union": union})
        substitutions = {ox.Variable(k): v for k, v in bindings.items()} or None
        return store.query(text, prefixes=PREFIXES, substitutions=substitutions, **dataset)

    def named(self) -> list[NamedQuery]:
        """Every named query of the generation, in file-name order."""
        return list(_named(self.generation.path / QUERIES_DIR / NAMED))

    def named_query(self, name: str) -> NamedQuery | None:
        """The named query called name, or None (names outside the pattern are never
        looked up)."""
        if not NAME.match(name):
            return None
        return next((q for q in self.named() if q.name == name), None)


@lru_cache(maxsize=8)
def _named(folder: Path) -> tuple[NamedQuery, ...]:
    return tuple(
        parse(path.stem, path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.rq"))
        if NAME.match(path.stem)
    )
