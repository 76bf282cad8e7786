"""Issue 23's editors' leftovers: the review marks the lint findings new in this draft (against
the version in force), and "Check the AOR" offers the names close to the words it does not
understand ("Utha": Utah)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from fieldoffice.store.database import Database
from tests.web.admin.test_pages import TYPO, office_form, post, served, sign_in  # noqa: F401

BADGE = re.compile(r"<li>([^<]*)(?: <span class=\"badge-new\"[^>]*>new in this draft</span>)?</li>")


def _findings(page: str) -> dict[str, bool]:
    """Each finding of the review, and whether it is marked new."""
    review = page[page.index('id="review-h"') :]
    review = review[: review.index("</section>")]
    return {m.group(1): "badge-new" in m.group(0) for m in BADGE.finditer(review)}


def test_the_review_marks_the_findings_new_in_this_draft(served: tuple[TestClient, Database]) -> None:  # noqa: F811  # fmt: skip
    client, store = served
    sign_in(client, store, "ed", "editor")
    before = _findings(client.get("/admin").text)
    assert not any(before.values())  # the draft is the version in force: nothing new
    _, form = office_form(client, "san-francisco")
    saved = post(client, "/admin/offices/san-francisco", {**form, "aor": TYPO, "action": "save"})
    page = client.get(saved.headers["location"]).text
    after = _findings(page)
    new = [message for message, marked in after.items() if marked]
    # the typo, and Northern Nevada's counties left to no office: both new; Virginia's, not
    assert len(new) == 2 and "Nothern Nevada" in new[0] and new[1].startswith("NV: "), after
    assert before and all(not after[message] for message in before if message in after)
    assert any(message.startswith("VA: ") and not marked for message, marked in after.items())
    assert "2 new in this draft" not in page and "1 new in this draft</strong>" in page  # warnings
    sign_in(client, store, "pub", "publisher")
    assert _findings(client.get("/admin/publish").text) == after


def test_checking_the_aor_offers_the_names_close_to_words_not_understood(served: tuple[TestClient, Database]) -> None:  # noqa: F811  # fmt: skip
    client, store = served
    sign_in(client, store, "ed", "editor")
    page, form = office_form(client, "denver")
    assert "did you mean" not in page
    r = post(client, "/admin/offices/denver", {**form, "aor": "Colorado, Utha, Wyoming", "action": "check"})  # fmt: skip
    assert r.status_code == 200
    assert re.search(r"Not understood:</strong> &ldquo;Utha&rdquo;", r.text)
    assert "For &ldquo;Utha&rdquo;, did you mean &ldquo;<strong>Utah</strong>&rdquo;" in r.text
    r = post(client, "/admin/offices/san-francisco", {**office_form(client, "san-francisco")[1], "aor": TYPO, "action": "check"})  # fmt: skip
    assert "did you mean &ldquo;<strong>Northern Nevada</strong>&rdquo;" in r.text
