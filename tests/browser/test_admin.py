"""The editors' pages end to end: `fieldoffice serve --database` on a fresh SQLite store, driven by
Debian's Chromium through Playwright, checked with axe. An editor's typo is caught by lint, the
fix shows in the diff and the draft map, a publisher publishes, the public site and the feed
follow, the audit has it all; two editors on one office: the second save is refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import test_site as test_browser
from tests.browser.test_site import ARTIFACTS, axe_violations
from tests.web.test_server import serving

browser = test_browser.browser  # the same Chromium fixture (test_browser skips without one)

PASSWORD = "correct horse battery staple"
TYPO, FIXED = "Northern California, Nothern Nevada", "Northern California"
MOVED = "13 counties moved from San Francisco Office to no office."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from fieldoffice.store import accounts
    from fieldoffice.store.opening import open_database

    tmp = tmp_path_factory.mktemp("admin-browser")
    url = f"sqlite:///{tmp / 'store.db'}"
    with pytest.MonkeyPatch.context() as mp:  # the server and this process share them
        mp.setenv("XDG_DATA_HOME", str(tmp / "data"))
        mp.setenv("FIELDOFFICE_CACHE", str(tmp / "cache"))
        with serving("--host", "127.0.0.1", "--database", url) as s:
            store = open_database(url)
            for name, role in (
                ("ed", "editor"),
                ("eve", "editor"),
                ("pat", "publisher"),
                ("ada", "admin"),
            ):
                accounts.add_user(store, name, role, PASSWORD)
            yield s.base


def sign_in(browser: Browser, base: str, name: str, target: str, **options: Any) -> Page:
    """A new browser context signed in as `name`, on `target` (through the login page)."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}, **options).new_page()
    page.goto(base + target)
    expect(page).to_have_url(re.compile(r"/admin/login\?next="))
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base + target)
    return page


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"admin-{name}.png"), full_page=True)


def aor_box(page: Page) -> Any:
    return page.get_by_label("Area of responsibility (AOR), as the page writes it")


def test_walk_through_typo_fix_publish_public_feed_audit(browser: Browser, server: str) -> None:
    # (a) an editor's typo: the live check and then lint name the phrase not understood
    ed = sign_in(browser, server, "ed", "/admin/offices/san-francisco")
    expect(ed.get_by_role("heading", level=1)).to_have_text("Edit San Francisco Office")
    aor_box(ed).fill(TYPO)
    ed.get_by_role("button", name="Check the AOR").click()
    expect(ed.locator("#unresolved")).to_contain_text("“Nothern Nevada”")
    expect(aor_box(ed)).to_have_value(TYPO)
    ed.get_by_role("button", name="Save").click()
    expect(ed.locator("[role=status]")).to_contain_text("Saved: the draft is now revision")
    expect(ed.locator("#lint-errors")).to_contain_text("Nothern Nevada")
    shot(ed, "office-typo")
    # (b) the fix drops Nevada: the diff says what moves, and the draft map differs
    aor_box(ed).fill(FIXED)
    ed.get_by_role("button", name="Save").click()
    expect(ed.locator("#lint-errors")).to_have_count(0)
    expect(ed.locator(".review .diff")).to_contain_text(MOVED)
    ed.goto(server + "/admin")
    draft_sf = ed.locator('.map-pair a[href="/admin/offices/san-francisco"] path')
    published_sf = ed.locator('.map-pair a[href="/offices/san-francisco"] path')
    expect(draft_sf).to_have_count(1)
    assert draft_sf.get_attribute("d") != published_sf.get_attribute("d")
    shot(ed, "draft-maps")
    # (c) a publisher publishes, acknowledging the warnings
    pat = sign_in(browser, server, "pat", "/admin/publish")
    expect(pat.locator(".review .diff")).to_contain_text(MOVED)
    ack = pat.get_by_label(re.compile(r"I have read the \d+ warnings"))
    if ack.count():
        assert ack.evaluate("e => e.required && e.validity.valueMissing")  # held back unticked
        ack.check()
    pat.get_by_role("button", name="Publish").click()
    expect(pat.locator("[role=status]")).to_contain_text("version 2 is in force")
    shot(pat, "published")
    # (d) Reno (Washoe County, Northern Nevada) no longer answers San Francisco Office
    pat.goto(server + "/locate?q=Reno%2C+NV")
    expect(pat.get_by_role("heading", level=1)).not_to_contain_text("San Francisco Office")
    assert "San Francisco Office covers" not in pat.locator("main").inner_text()
    # (e) the feed has the entry
    feed = pat.request.get(server + "/changes.atom").text()
    assert MOVED in feed
    # (f) the audit (an admin's to read; a publisher is refused) has the sign-ins, the edits
    # and the publish
    assert pat.goto(server + "/admin/audit").status == 403
    ada = sign_in(browser, server, "ada", "/admin/audit")
    rows = ada.locator("table.audit tbody tr").all_inner_texts()
    assert any("\tpat\t" in r and "\tpublish\t" in r for r in rows)
    assert sum("\ted\t" in r and "\tedit\toffice san-francisco" in r for r in rows) == 2
    assert any("\ted\t" in r and "\tlogin\t" in r for r in rows)
    ada.context.close()
    ed.context.close()
    pat.context.close()


def test_the_second_of_two_editors_is_refused_with_what_changed(browser: Browser, server: str) -> None:  # fmt: skip
    ed = sign_in(browser, server, "ed", "/admin/offices/denver")
    eve = sign_in(browser, server, "eve", "/admin/offices/denver")
    ed.get_by_label("Name", exact=True).fill("Denver Field Office")
    ed.get_by_role("button", name="Save").click()
    expect(ed.locator("[role=status]")).to_contain_text("Saved")
    eve.get_by_label("Phone").fill("(303) 555-0100")
    eve.get_by_role("button", name="Save").click()
    alert = eve.get_by_role("alert")
    expect(alert).to_contain_text("the draft changed since you loaded it")
    expect(alert).to_contain_text("office denver: name")
    expect(eve.get_by_label("Phone")).to_have_value("(303) 555-0100")  # her words are kept
    shot(eve, "stale")
    ed.context.close()
    eve.context.close()


@pytest.fixture(scope="module")
def signed_in_state(browser: Browser, server: str) -> Any:
    page = sign_in(browser, server, "ada", "/admin")  # an admin reaches every page, the audit too
    state = page.context.storage_state()
    page.context.close()
    return state


@pytest.mark.parametrize(
    "path", ["/admin/login", "/admin", "/admin/offices/denver", "/admin/publish", "/admin/audit"]
)
def test_axe_finds_no_violations(browser: Browser, server: str, signed_in_state: Any, path: str) -> None:  # fmt: skip
    state = signed_in_state if path != "/admin/login" else None
    context = browser.new_context(bypass_csp=True, storage_state=state)
    page = context.new_page()
    page.goto(server + path)
    expect(page).to_have_url(server + path)
    violations = axe_violations(page)
    context.close()
    assert violations == []
