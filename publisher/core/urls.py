"""Every URL the site shows is built here, from IRIs and the configured base.

Links are site-relative paths, so the same pages work on the public host, on localhost
and behind a proxy; IRIs are always minted from the base setting, never from a request.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from publisher.core.iris import VOCABULARY


def local_path(base_iri: str, iri: str) -> str | None:
    """The site path of an IRI under the base ("/id/…"), or None for outside IRIs."""
    if iri.startswith(base_iri):
        return "/" + iri[len(base_iri):]
    return None


def document_path(kind: str, slug: str, ext: str | None = None) -> str:
    """/doc/{type}/{slug}[.ext]"""
    path = f"/doc/{quote(kind, safe='')}/{quote(slug, safe='')}"
    return f"{path}.{ext}" if ext else path


# Outside IRIs are linked only under these schemes; javascript:, data: and the like never.
LINKABLE_SCHEMES = ("http", "https", "mailto", "ftp", "tel")
INERT_LINK = "#"


def link_for(base_iri: str, iri: str) -> str:
    """Where a page links for an IRI: its document here when it is ours, else the IRI.

    An outside IRI whose scheme is not a plain web one links nowhere (``#``), so a
    ``javascript:`` IRI in the data stays inert on every page. Vocabulary terms link to
    this site's own /def/ documentation, whatever the base.
    """
    if iri.startswith(VOCABULARY):
        return "/def/" + iri[len(VOCABULARY):]
    path = local_path(base_iri, iri)
    if path is None:
        scheme = iri.partition(":")[0].lower()
        return iri if scheme in LINKABLE_SCHEMES else INERT_LINK
    if path.startswith("/id/"):
        return "/doc/" + path[len("/id/"):]
    return path


def with_query(path: str, **params) -> str:
    """A path with query parameters (None values dropped), properly encoded."""
    clean = {k: v for k, v in params.items() if v is not None}
    return f"{path}?{urlencode(clean)}" if clean else path
