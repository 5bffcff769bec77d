"""The Flask application factory: one blueprint per surface, settings passed in."""

from __future__ import annotations

from flask import Flask, jsonify, request
from flask.json.provider import DefaultJSONProvider

from publisher.core.config import Settings
from publisher.core.generation import NoPublishedGenerationError
from publisher.core.scheme import Scheme, with_query
from publisher.web import i18n
from publisher.web.site import Site


class JSONProvider(DefaultJSONProvider):
    """JSON answers as UTF-8 text: Czech names stay readable, not \\u escapes."""

    ensure_ascii = False


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Frame-Options": "DENY",
}


def create_app(settings: Settings) -> Flask:
    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        JSON_SORT_KEYS=False,
    )
    app.json = JSONProvider(app)
    app.extensions["clusterscord"] = Site(settings)

    from publisher.web import (
        accesslog,
        browse,
        cache,
        caching,
        compress,
        external_links,
        graphs,
        guard,
        harvest,
        limits,
        ontology,
        openapi,
        ops,
        pages,
        sparql,
    )

    accesslog.install(app)
    external_links.install(app)

    for blueprint in (
        ops.bp, sparql.bp, harvest.bp, pages.bp, graphs.bp, ontology.bp, browse.bp, openapi.bp,
    ):
        app.register_blueprint(blueprint)
    # Templates link the surfaces through the scheme's paths, never by literal paths.
    app.jinja_env.globals["paths"] = Scheme.paths()
    @app.context_processor
    def page_context():
        lang = i18n.choose_language()
        other = "cs" if lang == "en" else "en"
        args = request.args.to_dict()
        args["lang"] = other
        return {
            "lang": lang,
            "t": i18n.t,
            "switch_language_url": with_query(request.path, **args),
        }

    @app.after_request
    def remember_language(response):
        asked = request.args.get("lang")
        if asked in i18n.LANGUAGES and request.cookies.get(i18n.COOKIE) != asked:
            response.set_cookie(i18n.COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax")
        return response

    @app.after_request
    def security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    caching.install_cors(app)
    limits.install(app, settings)
    assert app.static_folder is not None  # Flask(__name__) serves ./static
    # Middleware wraps the WSGI callable, as Flask documents; its stubs call it a method.
    app.wsgi_app = compress.Compressor(app.wsgi_app, app.static_folder)  # type: ignore[method-assign]
    app.wsgi_app = guard.Guard(app.wsgi_app, settings)  # type: ignore[method-assign]
    cache.install(app, settings, app.extensions["clusterscord"].generations)

    @app.errorhandler(NoPublishedGenerationError)
    def no_data(exc):
        if request.accept_mimetypes.accept_html:
            return f"<!doctype html><title>Not built yet</title><p>{_escape(str(exc))}</p>", 503
        return jsonify(error="unavailable", message=str(exc)), 503

    return app


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))
