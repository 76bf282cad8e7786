"""End to end: the real server, driven by Debian's Chromium through Playwright, checked with axe."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.paths import ROOT

CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(os.environ.get("FIELDOFFICE_ARTIFACTS", ROOT / "tests" / "artifacts"))
EXE = shutil.which("fieldoffice", path=str(Path(sys.executable).parent)) or "fieldoffice"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip

if not (Path(CHROMIUM).exists() and AXE.exists()):
    # scripts/test installs both; only a hand-run pytest without them gets here, never CI
    if os.environ.get("CI"):
        raise RuntimeError(
            "CI must run the browser tests: scripts/test installs chromium and axe-core"
        )
    pytest.skip(
        "needs Debian's chromium and npm's axe-core: run scripts/test", allow_module_level=True
    )

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = _free_port()
    proc = subprocess.Popen([EXE, "serve", "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/api/v1/offices", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(
                        proc.stderr.read().decode() if proc.stderr else "server died"
                    ) from None
                time.sleep(0.1)
        else:
            raise RuntimeError("server did not start in 20 s")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


def test_lookup_lands_on_the_san_francisco_office(page: Page, server: str) -> None:
    page.goto(server + "/")
    page.get_by_role("textbox", name="Which office covers…").fill("Reno, NV")
    page.get_by_role("button", name="Find the office").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "San Francisco Office covers Reno, NV"
    )
    page.get_by_role("link", name="San Francisco Office").first.click()
    expect(page).to_have_url(server + "/offices/san-francisco")
    expect(page.get_by_role("heading", level=1)).to_have_text("San Francisco Office")


def test_switch_to_spanish_and_back(page: Page, server: str) -> None:
    page.goto(server + "/locate?q=Reno%2C+NV")
    page.get_by_role("link", name="En Español").click()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page).to_have_url(server + "/es/locate?q=Reno%2C+NV")
    expect(page.get_by_role("heading", level=1)).to_have_text("San Francisco Office cubre Reno, NV")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(server + "/locate?q=Reno%2C+NV")


def test_the_same_lookup_with_the_keyboard_only(page: Page, server: str) -> None:
    page.goto(server + "/")
    for _ in range(12):  # skip link, language, search box and button, then the lookup field
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "lookup-q":
            break
    assert page.evaluate("document.activeElement.id") == "lookup-q"
    page.keyboard.type("Reno, NV")
    page.keyboard.press("Enter")
    expect(page).to_have_url(server + "/locate?q=Reno%2C+NV")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "San Francisco Office":
            break
    page.keyboard.press("Enter")
    expect(page).to_have_url(server + "/offices/san-francisco")


def test_skip_link_is_first_and_visible_on_focus(page: Page, server: str) -> None:
    page.goto(server + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/es/",
        "/locate?q=Texas",
        "/locate?q=Reno%2C+NV",
        "/locate?q=Florida",
        "/es/locate?q=Guam",
        "/es/locate?q=Richmond%2C+VA",
        "/states/TX",
        "/es/states/AK",
        "/offices/laguna-niguel",
        "/search?q=Sant+Fe",
        "/docs",
        "/nope",
        "/verify?contact=202-732-4647",
        "/es/verify",
    ],
)
def test_axe_finds_no_violations(browser: Browser, server: str, path: str) -> None:
    context = browser.new_context(bypass_csp=True)  # axe is injected as a script of its own
    page = context.new_page()
    page.goto(server + path)
    violations = axe_violations(page)
    context.close()
    assert violations == []


def axe_violations(page: Page) -> list[tuple[str, str, list[Any]]]:
    """What axe-core finds on the page (WCAG 2.1 A and AA, and best practice)."""
    page.add_script_tag(content=AXE.read_text())
    result = page.evaluate(
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']})"
    )
    return [
        (v["id"], v["help"], [n["target"] for n in v["nodes"][:3]]) for v in result["violations"]
    ]


# -- round 2: what a person sees at 390 and 1280 px ---------------------------------------------
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SHOTS = {
    "home": "/",
    "locate-texas": "/locate?q=Texas",
    "locate-reno": "/locate?q=Reno%2C+NV",
    "home-es": "/es/",
    "verify-look-alike": "/verify?contact=202-732-4647",
}
FIRST_HEADING = {
    "locate-texas": "Texas is split between 4 offices",
    "locate-reno": "San Francisco Office covers Reno, NV",
    "verify-look-alike": "Look-alike: this imitates a listed contact and is not one",
    "home": "Office of Public Affairs Field Offices",
    "home-es": "Oficinas locales de la Oficina de Asuntos Públicos",
}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
@pytest.mark.parametrize("name", list(SHOTS))
def test_screenshots_outcome_first_no_overflow(
    browser: Browser, server: str, name: str, viewport: dict[str, int]
) -> None:
    """Kept as test artifacts (tests/artifacts/<page>-<width>.png, whole page)."""
    context = browser.new_context(viewport=viewport)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto(server + SHOTS[name])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = ARTIFACTS / f"{name}-{viewport['width']}.png"
    page.screenshot(path=str(out), full_page=True)
    assert out.stat().st_size > 10_000
    # the outcome (or the page's purpose) is the first heading, and it is the h1
    first = page.locator("h1, h2, h3, h4, h5, h6").first
    assert first.evaluate("e => e.tagName") == "H1"
    expect(first).to_have_text(FIRST_HEADING[name])
    # nothing sticks out sideways
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: {overflow} px wider than the screen"
    context.close()


def test_the_lookup_is_above_the_fold_on_a_phone(browser: Browser, server: str) -> None:
    for path in ("/", "/es/"):
        context = browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
        page = context.new_page()
        page.goto(server + path)
        for target in (page.locator("#lookup-q"), page.locator("form.lookup button[type=submit]")):
            box = target.bounding_box()
            assert box is not None and box["y"] >= 0
            assert box["y"] + box["height"] <= PHONE["height"], (path, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (path, box)
        # the short form of the warning comes first, and links to the full notice
        warning = page.locator("section.notice.scam.short")
        box = warning.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PHONE["height"]
        warning.get_by_role("link", name=re.compile("full notice|aviso completo")).click()
        expect(page.locator("section.notice.scam.full")).to_be_in_viewport()
        context.close()


def test_the_spanish_home_page_shows_the_warning_in_spanish(page: Page, server: str) -> None:
    page.goto(server + "/es/")
    short = page.locator("section.notice.scam.short")
    expect(short).to_contain_text("Esa oficina nunca llama para pedir información personal")
    full = page.locator("section.notice.scam.full")
    expect(full).to_contain_text("NOTA: El Servicio de Inmigración y Control de Aduanas")
    expect(full).to_contain_text("Traducción al español del texto oficial en inglés")
    original = full.locator("details.original p[lang=en]")
    expect(original).to_be_hidden()
    full.get_by_text("Leer el texto oficial en inglés").click()  # one click to the original
    expect(original).to_be_visible()
    expect(original).to_contain_text("NOTE: It has come to the attention")


def test_the_texas_map_colours_every_county_by_office(page: Page, server: str) -> None:
    page.goto(server + "/locate?q=Texas")
    fills = page.evaluate(
        """() => [...document.querySelectorAll('figure.small svg.small-map g.answer-counties path')]
               .map(p => getComputedStyle(p).fill)"""
    )
    assert len(fills) == 254 and len(set(fills)) == 4
    legend = page.locator("figure.small figcaption .legend li")
    expect(legend).to_have_count(4)
    for name, n in (("Dallas Office", 128), ("Houston Office", 54), ("San Antonio Office", 54),
                    ("El Paso Office", 18)):  # fmt: skip
        expect(legend.filter(has_text=name)).to_contain_text(f"{n} counties")
    swatches = page.evaluate(
        """() => [...document.querySelectorAll('figure.small .legend svg.swatch rect')]
               .map(r => getComputedStyle(r).fill)"""
    )
    assert set(swatches) == set(fills)  # each colour on the map is named in the legend


def test_the_national_map_is_keyboard_reachable(page: Page, server: str) -> None:
    page.goto(server + "/")
    page.locator("svg.national-map a").first.focus()
    focused = page.evaluate("document.activeElement.closest('svg') !== null")
    assert focused
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')").startswith(
        ("/offices/", "/locate")
    )
    page.goto(server + "/states/TX")
    links = page.locator("svg.state-map a")
    expect(links).to_have_count(4)
    links.filter(has=page.locator("[fill]")).first.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/offices/"))


def test_screenshot_of_the_home_page(page: Page, server: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto(server + "/")
    out = ARTIFACTS / "home.png"
    page.screenshot(path=str(out), full_page=True)
    assert out.stat().st_size > 50_000
