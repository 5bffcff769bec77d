"""The IRI and URL scheme of one deployment: every IRI and every site path is built here.

A :class:`Scheme` is built once from the base IRI (for a build, from the setting; for the
web, from the published generation's manifest, so a build is served as it was built) and
passed to whatever mints IRIs or links. Source files (data and our own SPARQL files) are
written against :data:`~publisher.core.iris.SOURCE_BASE`; the scheme rebases every IRI
under it onto its own base except the vocabulary (``/def/``), whose terms are the same in
every deployment.

IRIs (absolute, under the base)::

    {base}id/{type}/{slug}      an entity           {base}graph/{name}   a named graph
    {base}sparql                the endpoint        {base}catalog        the catalogue
    {base}dumps/{file}          a dump              {base}changes[/{n}]  the change feed

Site paths (relative, so the same pages work on the public host, on localhost and behind a
proxy): ``/doc/{type}/{slug}[.ext]``, ``/def/{term}``, ``/browse/{type}``, ``/search``, …
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import pyoxigraph as ox

from publisher.core.iris import SOURCE_BASE, VOCABULARY

# Entities live at /id/{type}/{slug}; documents at /doc/{type}/{slug}.
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,199}$")
_TYPE = re.compile(r"^[a-z][a-z0-9-]{0,63}$")
_ANY_URI = "http://www.w3.org/2001/XMLSchema#anyURI"
_REBASED_TEXT = re.compile(re.escape(SOURCE_BASE) + r"(?!def/)")

# Outside IRIs are linked only under these schemes; javascript:, data: and the like never.
LINKABLE_SCHEMES = ("http", "https", "mailto", "ftp", "tel")
INERT_LINK = "#"

# Site paths of the surfaces (the routes of publisher/web answer them).
HOME = "/"
ENDPOINT_PATH = "/sparql"
SEARCH_PATH = "/search"
BROWSE_PATH = "/browse"
CATALOG_PATH = "/catalog"
VOID_PATH = "/void"
DUMPS_PATH = "/dumps/"
CHANGES_PATH = "/changes"
ONTOLOGY_PATH = "/def/"
OPENAPI_PATH = "/openapi.json"


class SchemeError(ValueError):
    """A base IRI that cannot be the base of a deployment."""


def is_valid_type(kind: str) -> bool:
    return bool(_TYPE.match(kind))


def with_query(path: str, **params) -> str:
    """A path with query parameters (None values dropped), properly encoded."""
    clean = {k: v for k, v in params.items() if v is not None}
    return f"{path}?{urlencode(clean)}" if clean else path


@dataclass(frozen=True)
class Scheme:
    """Every IRI and site path of a deployment on ``base`` (an http(s) IRI ending in '/')."""

    base: str

    def __post_init__(self):
        if not isinstance(self.base, str) or not self.base.startswith(("http://", "https://")):
            raise SchemeError(f"the base IRI must be an http(s) IRI: {self.base!r}")
        if not self.base.endswith("/"):
            raise SchemeError(f"the base IRI must end with '/': {self.base!r}")

    # -- the vocabulary: the same in every deployment --------------------------------------

    @property
    def vocabulary(self) -> str:
        """The namespace of the project's own terms (fixed, whatever the base)."""
        return VOCABULARY

    def term(self, name: str) -> str:
        """The IRI of a vocabulary term ("confidence" → …/def/confidence)."""
        return VOCABULARY + name

    def is_vocabulary(self, iri: str) -> bool:
        return iri.startswith(VOCABULARY)

    # -- IRIs under the base ---------------------------------------------------------------

    def is_ours(self, iri: str) -> bool:
        """Whether an IRI is under this deployment's base."""
        return iri.startswith(self.base)

    @property
    def entity_prefix(self) -> str:
        return self.base + "id/"

    def entity(self, kind: str, slug: str) -> str:
        """The IRI of an entity, or ValueError when kind or slug is not of the IRI scheme."""
        if not _TYPE.match(kind) or not _SLUG.match(slug):
            raise ValueError(f"not an entity path: /id/{kind}/{slug}")
        return f"{self.base}id/{kind}/{slug}"

    def kind_prefix(self, kind: str) -> str:
        """The IRI prefix of every entity of one type ("{base}id/{type}/")."""
        return f"{self.base}id/{kind}/"

    def split_entity(self, iri: str) -> tuple[str, str] | None:
        """(type, slug) for an entity IRI under the base, or None for any other IRI."""
        prefix = self.entity_prefix
        if not iri.startswith(prefix):
            return None
        parts = iri[len(prefix):].split("/")
        if len(parts) != 2 or not _TYPE.match(parts[0]) or not _SLUG.match(parts[1]):
            return None
        return parts[0], parts[1]

    def graph(self, name: str) -> str:
        return f"{self.base}graph/{name}"

    @property
    def endpoint(self) -> str:
        """The SPARQL endpoint's IRI (also the base of queries sent to it)."""
        return self.base + ENDPOINT_PATH[1:]

    @property
    def service(self) -> str:
        """The endpoint's service description node."""
        return self.endpoint + "#service"

    @property
    def catalog(self) -> str:
        return self.base + CATALOG_PATH[1:]

    def catalog_node(self, name: str) -> str:
        """A node of the catalogue's own description ({base}catalog#{name})."""
        return f"{self.catalog}#{name}"

    @property
    def dumps(self) -> str:
        return self.base + DUMPS_PATH[1:]

    def dump(self, file_name: str) -> str:
        """The download URL of a dump file."""
        return self.dumps + file_name

    @property
    def feed(self) -> str:
        """The change feed (the LDES stream)."""
        return self.base + CHANGES_PATH[1:]

    def feed_page(self, page: int) -> str:
        return f"{self.feed}/{page}"

    def feed_node(self, name: str) -> str:
        """A node of the feed's own description ({base}changes#{name})."""
        return f"{self.feed}#{name}"

    def feed_version(self, generation: str, entity: str) -> str:
        """The member of the feed for one entity's version in one generation."""
        kind, slug = self.split_entity(entity) or ("entity", "unknown")
        return f"{self.feed}/version/{generation}/{kind}/{slug}"

    def url(self, path: str) -> str:
        """The absolute URL of a site path ("/sitemap.xml" → {base}sitemap.xml)."""
        return self.base + path.lstrip("/")

    # -- rebasing source IRIs onto the base --------------------------------------------------

    def rebase(self, iri: str) -> str:
        """Move an IRI written under the source base onto this base (not the vocabulary)."""
        if (
            self.base != SOURCE_BASE
            and iri.startswith(SOURCE_BASE)
            and not iri.startswith(VOCABULARY)
        ):
            return self.base + iri[len(SOURCE_BASE):]
        return iri

    def rebase_text(self, text: str) -> str:
        """Rebase the IRIs in one of our own SPARQL files (never in request text)."""
        if self.base == SOURCE_BASE:
            return text
        return _REBASED_TEXT.sub(lambda _match: self.base, text)

    def rebase_term(self, term):
        """Rebase a pyoxigraph term (named nodes, xsd:anyURI literals, quoted triples)."""
        if self.base == SOURCE_BASE:
            return term
        if isinstance(term, ox.NamedNode):
            return ox.NamedNode(self.rebase(term.value))
        if isinstance(term, ox.Literal) and term.datatype.value == _ANY_URI:
            return ox.Literal(self.rebase(term.value), datatype=term.datatype)
        if isinstance(term, ox.Triple):
            return ox.Triple(*(self.rebase_term(t) for t in term))
        return term

    def rebase_quad(self, quad: ox.Quad) -> ox.Quad:
        if self.base == SOURCE_BASE:
            return quad
        graph = quad.graph_name
        if isinstance(graph, ox.NamedNode):
            graph = self.rebase_term(graph)
        return ox.Quad(
            self.rebase_term(quad.subject),
            self.rebase_term(quad.predicate),
            self.rebase_term(quad.object),
            graph,
        )

    # -- site paths ----------------------------------------------------------------------------

    def local_path(self, iri: str) -> str | None:
        """The site path of an IRI under the base ("/id/…"), or None for outside IRIs."""
        if iri.startswith(self.base):
            return "/" + iri[len(self.base):]
        return None

    @staticmethod
    def document_path(kind: str, slug: str, ext: str | None = None) -> str:
        """/doc/{type}/{slug}[.ext]"""
        path = f"/doc/{quote(kind, safe='')}/{quote(slug, safe='')}"
        return f"{path}.{ext}" if ext else path

    @staticmethod
    def term_path(name: str, ext: str | None = None) -> str:
        """/def/{term}[.ext]: the documentation of a vocabulary term (or the ontology)."""
        path = ONTOLOGY_PATH + quote(name, safe="")
        return f"{path}.{ext}" if ext else path

    @staticmethod
    def browse_path(kind: str | None = None, ext: str | None = None) -> str:
        """/browse, or /browse/{type}; with ext, the format's twin (/browse/{type}.json)."""
        path = BROWSE_PATH if kind is None else f"{BROWSE_PATH}/{quote(kind, safe='')}"
        return f"{path}.{ext}" if ext else path

    @staticmethod
    def graph_path(name: str, ext: str | None = None) -> str:
        """/graph/{name}[.ext]: the page (or RDF) of a named graph."""
        path = f"/graph/{quote(name, safe='')}"
        return f"{path}.{ext}" if ext else path

    @staticmethod
    def dump_path(file_name: str) -> str:
        return DUMPS_PATH + quote(file_name, safe="")

    @staticmethod
    def feed_path(page: int | None = None) -> str:
        return CHANGES_PATH if page is None else f"{CHANGES_PATH}/{page}"

    @staticmethod
    def query_path(name: str) -> str:
        """The query page opened on one named query."""
        return with_query(ENDPOINT_PATH, name=name)

    def link_for(self, iri: str) -> str:
        """Where a page links for an IRI: its document here when it is ours, else the IRI.

        An outside IRI whose scheme is not a plain web one links nowhere (``#``), so a
        ``javascript:`` IRI in the data stays inert on every page. Vocabulary terms link to
        this site's own /def/ documentation, whatever the base.
        """
        if iri.startswith(VOCABULARY):
            return ONTOLOGY_PATH + iri[len(VOCABULARY):]
        path = self.local_path(iri)
        if path is None:
            scheme = iri.partition(":")[0].lower()
            return iri if scheme in LINKABLE_SCHEMES else INERT_LINK
        if path.startswith("/id/"):
            return "/doc/" + path[len("/id/"):]
        return path

    @staticmethod
    def paths() -> dict[str, str]:
        """The site paths of the surfaces, by name (for templates and JSON link tables)."""
        return {
            "home": HOME, "sparql": ENDPOINT_PATH, "search": SEARCH_PATH,
            "browse": BROWSE_PATH, "catalog": CATALOG_PATH, "void": VOID_PATH,
            "dumps": DUMPS_PATH, "changes": CHANGES_PATH, "ontology": ONTOLOGY_PATH,
            "openapi": OPENAPI_PATH,
        }
