"""rel="noopener noreferrer" on every link that leaves the site, on every HTML page.

Links to this site are always site-relative paths (:mod:`publisher.urls`), so an anchor
whose ``href`` is an absolute URL points elsewhere. Marking them on the way out keeps the
rule true for every template, present and future, without each one remembering it.
"""

from __future__ import annotations

import re

from flask import Flask, Response

# <a …href="scheme:…" or href="//…" …> without a rel attribute of its own.
_EXTERNAL_ANCHOR = re.compile(
    r'<a\b(?![^>]*\brel=)(?=[^>]*\bhref="(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//))', re.IGNORECASE
)
REL = 'rel="noopener noreferrer"'


def mark(html: str) -> str:
    """The page with rel="noopener noreferrer" added to each external anchor."""
    return _EXTERNAL_ANCHOR.sub(f"<a {REL}", html)


def install(app: Flask) -> None:
    @app.after_request
    def mark_external_links(response: Response) -> Response:
        if response.mimetype != "text/html" or response.direct_passthrough:
            return response
        if response.is_streamed or response.status_code == 304:
            return response
        html = response.get_data(as_text=True)
        marked = mark(html)
        if marked != html:
            response.set_data(marked)
        return response
