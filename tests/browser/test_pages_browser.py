"""A person's path through the site in Debian's chromium (headless), and an axe-core audit.

Screenshots go to test-output/ at the repository root.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.live import serving

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output"
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() and not shutil.which("chromium"),
                       reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def site(built):
    with serving(built.settings) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")),
            headless=True, args=ARGS,
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB",
                                  java_script_enabled=True)
    opened = context.new_page()
    yield opened
    context.close()


def shot(page, name: str) -> None:
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"pages-{name}.png"), full_page=True)


def test_a_visitor_searches_follows_switches_language_and_links(site, page):
    page.goto(site + "/")
    shot(page, "home")
    page.fill("#q", "usti")
    page.press("#q", "Enter")
    page.wait_for_url("**/search?q=usti")
    shot(page, "search-usti")
    page.click("ol.results >> text=Regional Development Agency of the Ústí Region")
    page.wait_for_url("**/doc/organisation/rra-uk")
    assert page.locator("h1").inner_text() == "Regional Development Agency of the Ústí Region"
    shot(page, "lead-partner-en")

    page.click("header.site a.lang")
    page.wait_for_url("**/doc/organisation/rra-uk?lang=cs")
    assert page.locator("html").get_attribute("lang") == "cs"
    assert page.locator("h1").inner_text() == "Regionální rozvojová agentura Ústeckého kraje, a.s."
    shot(page, "lead-partner-cs")
    page.click("header.site a.lang")
    page.wait_for_url("**/doc/organisation/rra-uk?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"

    incoming = page.locator("section.incoming ul.links a").first
    target = incoming.get_attribute("href")
    incoming.click()
    page.wait_for_url("**" + target)
    assert page.locator("h1").inner_text()
    shot(page, "incoming-link")


def test_the_project_map_shows_every_partner_seat_without_javascript(site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/doc/project/clusters-cord")
    seats = page.locator("figure.map svg a.seat")
    # Ten partners; partner 10's seat is unknown in the sources, so nine are drawn.
    assert seats.count() == 9
    labels = [seats.nth(i).get_attribute("aria-label") for i in range(seats.count())]
    assert any("Ústí" in label for label in labels)
    assert page.locator("figure.map svg").get_attribute("role") == "group"
    shot(page, "project-map")
    context.close()


# One page of every type a visitor meets.
PAGE_TYPES = [
    ("home", "/"),
    ("project", "/doc/project/clusters-cord"),
    ("organisation", "/doc/organisation/rra-uk"),
    ("region", "/doc/region/CZ042"),
    ("sector", "/doc/sector/ict"),
    ("event", "/doc/event/final-conference"),
    ("output", "/doc/output/benchmarking-study"),
    ("meta-cluster", "/doc/meta-cluster/ict"),
    ("source", "/doc/source/rra-uk-project-page"),
    ("search", "/search?q=usti"),
    ("browse", "/browse/organisation"),
    ("ontology", "/def/"),
    ("term", "/def/MetaCluster.html"),
    ("sparql", "/sparql"),
]


def with_lang(path: str, lang: str) -> str:
    return path + ("&" if "?" in path else "?") + "lang=" + lang


@pytest.mark.parametrize("lang", ["en", "cs"])
def test_no_page_scrolls_sideways_on_a_phone_or_a_desktop(site, browser, lang):
    # Each page is loaded once on a phone's width, then laid out again on a desktop's.
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    wide = []
    for name, path in PAGE_TYPES:
        page.set_viewport_size({"width": 390, "height": 800})
        page.goto(site + with_lang(path, lang))
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            scroll, inner = page.evaluate(
                "() => [document.scrollingElement.scrollWidth, window.innerWidth]")
            if scroll > inner:
                wide.append(f"{name} {path}: {scroll} px wide in a {inner} px window")
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(site + with_lang("/", lang))
    shot(page, f"home-390-{lang}")
    context.close()
    assert not wide, "\n".join(wide)


def axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]


# The audit is the slow part: every page type in English (the whole ontology page through
# one of its terms, which uses the same templates), the pages most visited in Czech.
AUDITED = {
    "en": [(name, path) for name, path in PAGE_TYPES if name != "ontology"],
    "cs": [(name, path) for name, path in PAGE_TYPES
           if name in ("home", "project", "organisation", "search", "sparql")],
}


@pytest.mark.skipif(not AXE.exists(), reason="axe-core not installed (run make setup)")
@pytest.mark.parametrize("lang", ["en", "cs"])
def test_no_accessibility_violation_of_any_impact_on_any_page_type(site, browser, lang):
    # The site's CSP forbids injected scripts; the audit alone is allowed past it.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    bad = []
    for name, path in AUDITED[lang]:
        page.goto(site + with_lang(path, lang))
        if name == "sparql":
            # With the editor running, a query is run from the form and answered.
            assert page.locator(".sparql-editor .CodeMirror").count() == 1
            page.click("#sparql-form button[type=submit]")
            page.wait_for_selector("#results table.sparql-table")
        bad += [f"{name}: {line}" for line in axe_violations(page)]
    context.close()
    assert not bad, "\n".join(bad)


def test_an_organisation_map_draws_its_own_seat_larger_than_its_fellow_partners(site, page):
    page.goto(site + "/doc/organisation/rra-uk")
    own = page.locator("figure.map svg a.seat-current")
    assert own.count() == 1
    assert own.get_attribute("aria-current") == "true"
    assert "this organisation" in own.get_attribute("aria-label")
    others = page.locator("figure.map svg a.seat-other")
    assert others.count() >= 1
    own_size = own.locator("circle").bounding_box()["width"]
    other_size = others.first.locator("circle").bounding_box()["width"]
    assert own_size > other_size
    colours = page.evaluate(
        "() => [...document.querySelectorAll('figure.map svg a.seat circle')]"
        ".map(c => getComputedStyle(c).fill)")
    assert len(set(colours)) == 2
    shot(page, "organisation-map")


def test_the_home_page_shows_the_project_at_a_glance(site, page):
    page.goto(site + "/")
    glance = page.locator("dl.glance")
    assert "2CE202P1" in glance.inner_text()
    assert glance.locator(".conf-low").count() >= 1
    page.locator("section.timeline-section a[href='/doc/event/final-conference']").click()
    page.wait_for_url("**/doc/event/final-conference")
    assert page.locator("h1").inner_text()
