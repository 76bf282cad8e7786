"""Issue 23 in a real browser: screenshots at 390 and 1280 px of the pages the issue names, Spanish
pages without English state names, the national map's numbers visible on a phone, and every card
swatch's colour on the answer's map. One browser, one page per width, reused."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.browser.test_site import ARTIFACTS, browser, server  # noqa: F401  (fixtures)
from tests.paths import ROOT

from playwright.sync_api import Browser, Page  # isort: skip

PAGES = ("/", "/es/", "/locate?q=Miami%2C+FL", "/es/locate?q=Miami", "/locate?q=Springfield")
STATES = json.loads((ROOT / "src/fieldoffice/data/states.json").read_text())["states"]


@pytest.fixture(scope="module", params=(390, 1280))
def wide(request: pytest.FixtureRequest, browser: Browser) -> Iterator[tuple[int, Page]]:  # noqa: F811
    context = browser.new_context(viewport={"width": request.param, "height": 900})
    page = context.new_page()
    yield request.param, page
    context.close()


def _visible_text_outside_english(page: Page) -> str:
    return str(
        page.evaluate("""() => {
        const c = document.body.cloneNode(true);
        c.querySelectorAll('[lang="en"], input, title, svg').forEach(e => e.remove());
        return c.textContent; }""")
    )


@pytest.mark.parametrize("path", PAGES)
def test_pages_at_phone_and_desktop_width(wide: tuple[int, Page], server: str, path: str) -> None:  # noqa: F811
    from fieldoffice.web.i18n import state_names

    width, page = wide
    page.goto(server + path)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = path.strip("/").replace("/", "_").replace("?q=", "-").replace("%2C+", "-") or "home"
    page.screenshot(path=str(ARTIFACTS / f"issue23-{name}-{width}.png"), full_page=True)
    if path.startswith("/es/"):
        spanish = set(state_names("es").values())
        text = _visible_text_outside_english(page)
        english = [s["name"] for s in STATES if s["name"] not in spanish and s["name"] in text]
        assert english == [], (path, english)
    if path in ("/", "/es/"):
        labels = page.locator(".national-map .map-label")
        assert labels.count() >= 20
        for i in range(labels.count()):
            box = labels.nth(i).bounding_box()
            assert box is not None and box["width"] > 0 and box["height"] > 0
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (i, box)
    swatches = page.locator(".cards .swatch rect").evaluate_all(
        "rs => rs.map(r => r.getAttribute('fill'))"
    )
    if swatches:
        drawn = page.locator("svg.small-map").first.evaluate("e => e.outerHTML")
        for colour in swatches:
            assert colour in drawn, (path, colour)
