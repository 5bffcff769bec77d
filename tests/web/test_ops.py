"""Liveness and readiness, with and without a published build."""

from __future__ import annotations

import requests

from publisher.build.pipeline import build
from publisher.core.config import load_settings
from tests import mini_project
from tests.live import serving


def test_ready_is_503_with_instructions_before_any_build(tmp_path):
    settings = load_settings(root=mini_project.make(tmp_path), environ={})
    with serving(settings) as base:
        assert requests.get(f"{base}/health", timeout=10).json() == {"status": "ok"}
        response = requests.get(f"{base}/ready", timeout=10)
        assert response.status_code == 503
        assert "clusterscord build" in response.json()["reason"]


def test_ready_names_the_generation_and_follows_a_new_build(tmp_path):
    settings = load_settings(root=mini_project.make(tmp_path), environ={})
    first = build(settings)
    with serving(settings) as base:
        body = requests.get(f"{base}/ready", timeout=10).json()
        assert body["status"] == "ready"
        assert body["generation"] == first.id
        second = build(settings)
        assert requests.get(f"{base}/ready", timeout=10).json()["generation"] == second.id


def test_every_response_carries_security_headers(tmp_path):
    settings = load_settings(root=mini_project.make(tmp_path), environ={})
    with serving(settings) as base:
        response = requests.get(f"{base}/health", timeout=10)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"]
