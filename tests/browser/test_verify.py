"""The verify form in a real browser with JavaScript off: it posts, and the address stays clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

# the browser tests' fixtures (the real server, Chromium), and their skip when Chromium is absent
from tests.browser.test_site import browser, server  # noqa: F401


@pytest.mark.parametrize(
    ("prefix", "contact", "status", "heading"),
    [
        ("", "(202) 732-4646", 200, "Listed"),
        ("", "http://[alice.smith@gmail.com]/", 400, "That cannot be checked"),
        ("/es", "ab.cd[", 400, "Eso no se puede comprobar"),
    ],
)
def test_the_form_posts_without_javascript(
    browser: Browser,  # noqa: F811
    server: str,  # noqa: F811
    prefix: str,
    contact: str,
    status: int,
    heading: str,
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + prefix + "/verify")
    page.locator("#verify-contact").fill(contact)
    with page.expect_response(lambda r: r.url.startswith(server + prefix + "/verify")) as answer:
        page.locator("form.lookup button[type=submit]").click()
    response = answer.value
    assert response.request.method == "POST" and response.status == status
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"
    expect(page).to_have_url(server + prefix + "/verify")  # the contact is in no address
    expect(page.locator("#verdict-h")).to_contain_text(heading)
    expect(page.locator("#verify-contact")).to_have_value(contact)
    context.close()
