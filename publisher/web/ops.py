"""Operations endpoints: liveness and readiness for load balancers and operators."""

from __future__ import annotations

from flask import Blueprint, jsonify

from publisher.core.generation import NoPublishedGenerationError
from publisher.store import nodes
from publisher.web.site import site

bp = Blueprint("ops", __name__)


@bp.get("/health")
def health():
    """The process answers; says nothing about the data."""
    return jsonify(status="ok")


@bp.get("/ready")
def ready():
    """Ready when a published generation is open; names it."""
    try:
        manifest = site().manifest()
    except NoPublishedGenerationError as exc:
        return jsonify(status="unavailable", reason=str(exc)), 503
    return jsonify(
        status="ready",
        generation=manifest["id"],
        built_at=manifest["built_at"],
        triples=manifest["stats"]["triples"],
        backend=site().settings.backend,
        nodes=nodes.report(site().settings),
    )
