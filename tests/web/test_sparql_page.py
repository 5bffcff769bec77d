"""The query page in Debian's chromium: a named query runs with and without JavaScript."""

from __future__ import annotations

import shutil

import pytest

from publisher.web import create_app
from tests.live import serving
from tests.sparql_fixtures import KASEI, REPO, protocol_quads, publish_quads, settings_for

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
NAMED_QUERY = """\
# title: Documents
# title@cs: Dokumenty
# description: Every document of the test graphs.
SELECT ?doc WHERE { ?doc a <http://xmlns.com/foaf/0.1/Document> } ORDER BY ?doc
"""
EXPECTED = [f"{KASEI}data{n}.rdf" for n in (1, 2, 3)]


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    if not shutil.which(CHROMIUM):
        pytest.skip("Debian's chromium is not installed")
    root = tmp_path_factory.mktemp("page") / "project"
    (root / "sparql" / "views").mkdir(parents=True)
    (root / "sparql" / "queries").mkdir(parents=True)
    shutil.copy(REPO / "sparql" / "views" / "labels.rq", root / "sparql" / "views")
    (root / "sparql" / "queries" / "documents.rq").write_text(NAMED_QUERY, encoding="utf-8")
    settings = settings_for(root, query_timeout_s=20)
    publish_quads(settings.var, protocol_quads(), root=settings.root)
    app = create_app(settings)
    with serving(settings, app) as base:
        yield base
    app.extensions["sparql_pool"].close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


def test_named_query_runs_in_one_click_without_javascript(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "/sparql")
    page.get_by_role("link", name="Documents").click()
    page.wait_for_selector("table.sparql-table")
    cells = page.locator("table.sparql-table tbody td").all_inner_texts()
    assert [cell.strip() for cell in cells] == EXPECTED
    assert "SELECT ?doc" in page.locator("textarea#query").input_value()
    context.close()


def test_named_query_runs_from_the_yasqe_editor_with_javascript(browser, site_url):
    context = browser.new_context()
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    outside = []
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith((site_url, "data:", "blob:")) else None)
    page.goto(site_url + "/sparql")
    page.wait_for_selector("#sparql-form .sparql-editor .CodeMirror")
    assert page.locator("textarea#query").is_hidden()
    page.get_by_role("link", name="Documents").click()
    page.wait_for_selector("#results table.sparql-table tbody tr")
    editor = page.locator("#sparql-form .sparql-editor .CodeMirror").inner_text()
    assert "SELECT ?doc" in editor
    # Edited in the editor, the query runs on the server and answers with the page's table.
    page.locator("#sparql-form button[type=submit]").click()
    page.wait_for_selector("#results table.sparql-table tbody tr")
    text = page.locator("#results table.sparql-table tbody").inner_text()
    for iri in EXPECTED:
        assert iri in text
    assert outside == []
    assert not [p for p in problems if "Content Security Policy" in p]
    context.close()
