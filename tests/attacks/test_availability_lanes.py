"""Issue 21: an upload read in a child under the CLI's limits; the CSRF token bound to the session
and required of cookie-authenticated admin API calls (bearer tokens need none)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from fieldoffice.core.errors import InvalidInput
from fieldoffice.store import accounts
from fieldoffice.store.database import Database
from fieldoffice.web.app import create_app
from fieldoffice.web.lanes import read_upload

PASSWORD = "correct horse battery staple"


def test_a_slow_page_is_stopped_in_a_child_as_the_cli_stops_it(ctx: object) -> None:
    """5 MB of `<p><b>x` ran 13-16 s on a pool thread; read off the main thread, as the server
    reads an upload, it is now stopped at the CLI's limit (2 s to read) in a child."""
    page = b"<html><body>" + b"<p><b>x" * (5_000_000 // 7)
    outcome: list[BaseException | object] = []

    def upload() -> None:  # a thread, as the server's lanes are
        try:
            outcome.append(read_upload(ctx, page, "page.html", False))  # type: ignore[arg-type]
        except BaseException as exc:
            outcome.append(exc)

    started = time.perf_counter()
    t = threading.Thread(target=upload)
    t.start()
    t.join(60)
    took = time.perf_counter() - started
    assert outcome and isinstance(outcome[0], InvalidInput), outcome
    assert "longer than 2 s" in str(outcome[0]) or "refused" in str(outcome[0])
    assert took < 8, took


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, Database]]:  # fmt: skip
    monkeypatch.setenv("FIELDOFFICE_CACHE", str(tmp_path / "cache"))
    app = create_app(database=f"sqlite:///{tmp_path / 'store.db'}")
    with TestClient(app) as client:
        yield client, app.state.store


def _token(page: str) -> str:
    m = re.search(r'name="csrftoken" value="([^"]+)"', page)
    assert m
    return m.group(1)


def test_the_csrf_token_is_bound_to_the_session(served: tuple[TestClient, Database]) -> None:
    client, store = served
    accounts.add_user(store, "ed", "editor", PASSWORD)
    before = _token(client.get("/admin/login").text)
    r = client.post("/admin/login", data={"csrftoken": before, "name": "ed", "password": PASSWORD})
    assert r.status_code == 200 and r.url.path == "/admin"
    mine = _token(client.get("/admin").text)
    assert mine != before
    # the token of before signing in, or of another session, does not pass
    other = TestClient(client.app)
    other.post("/admin/login", data={"csrftoken": _token(other.get("/admin/login").text),
                                     "name": "ed", "password": PASSWORD})  # fmt: skip
    theirs = _token(other.get("/admin").text)
    for token in (before, theirs):
        r = client.post("/admin/logout", data={"csrftoken": token}, follow_redirects=False)
        assert r.status_code == 403, token
    r = client.post("/admin/logout", data={"csrftoken": mine}, follow_redirects=False)
    assert r.status_code == 303


def test_cookie_authenticated_api_calls_need_the_token(served: tuple[TestClient, Database]) -> None:  # fmt: skip
    client, store = served
    accounts.add_user(store, "ed", "editor", PASSWORD)
    client.post("/admin/login", data={"csrftoken": _token(client.get("/admin/login").text),
                                      "name": "ed", "password": PASSWORD})  # fmt: skip
    token = _token(client.get("/admin").text)
    path = "/api/v1/admin/draft/offices/denver"
    forged = client.patch(path, content=b'{"name": "x"}', headers={
        "Content-Type": "text/plain", "Origin": "https://evil.example", "If-Match": '"x"'})  # fmt: skip
    assert forged.status_code == 403 and forged.json()["error"]["code"] == "csrf"
    sent = client.patch(path, content=b'{"name": "x"}', headers={"X-CSRFToken": token, "If-Match": '"x"'})  # fmt: skip
    assert sent.status_code != 403  # past CSRF (the stale If-Match is the route's to refuse)
    bearer = accounts.new_token(store, "ed")
    anon = TestClient(client.app)
    r = anon.get("/api/v1/admin/me", headers={"Authorization": f"Bearer {bearer}"})
    assert r.status_code == 200
    r = anon.patch(path, content=b'{"name": "x"}', headers={"Authorization": f"Bearer {bearer}", "If-Match": '"x"'})  # fmt: skip
    assert r.status_code != 403
