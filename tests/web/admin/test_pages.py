"""The editors' pages under /admin, through the app on a SQLite store: every route locked without
a session, CSRF, roles, login throttling, stale saves, the AOR check, the directory forms, the
upload, publish and rollback (the public site follows only then), the audit log, users, and no
password or token in the audit or the logs."""

from __future__ import annotations

import html
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from fieldoffice.store import accounts, audit, drafts
from fieldoffice.store.database import Database
from fieldoffice.web.app import create_app
from tests.web.admin.test_api import app_routes

PASSWORD = "correct horse battery staple"
OLD, NEW = "Denver Office", "Denver Field Office"
TYPO = "Northern California, Nothern Nevada"


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, Database]]:  # fmt: skip
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("FIELDOFFICE_CACHE", str(tmp_path / "cache"))
    app = create_app(database=f"sqlite:///{tmp_path / 'store.db'}")
    with TestClient(app) as client:
        yield client, app.state.store


def token_of(page: str) -> str:
    m = re.search(r'name="csrftoken" value="([^"]+)"', page)
    assert m, "the page has no CSRF field"
    return m.group(1)


def csrf(client: TestClient, path: str = "/admin/login") -> str:
    return token_of(client.get(path).text)


def sign_in(client: TestClient, store: Database, name: str, role: str) -> None:
    if name not in {a.name for a, _ in accounts.users(store)}:
        accounts.add_user(store, name, role, PASSWORD)
    r = client.post("/admin/login", data={"csrftoken": csrf(client), "name": name,
                                          "password": PASSWORD, "next": "/admin"})  # fmt: skip
    assert r.status_code == 200 and r.url.path == "/admin", r.text[:500]


def post(client: TestClient, path: str, data: dict[str, str], page: str | None = None) -> httpx.Response:  # fmt: skip
    """A form posted as the browser does: with the token of the page it came from."""
    r: httpx.Response = client.post(path, data={"csrftoken": csrf(client, page or path), **data},
                                    follow_redirects=False)  # fmt: skip
    return r


def base_of(page: str) -> str:
    m = re.search(r'name="base" value="([^"]+)"', page)
    assert m
    return html.unescape(m.group(1))


def office_form(client: TestClient, office_id: str = "denver") -> tuple[str, dict[str, str]]:
    """The office page and its form's fields as a browser would send them back."""
    page = client.get(f"/admin/offices/{office_id}")
    assert page.status_code == 200
    values = {k: html.unescape(v) for k, v in re.findall(r'<input[^>]* name="([\w-]+)" value="([^"]*)"', page.text)}  # fmt: skip
    values.pop("csrftoken", None)
    aor = re.search(r'name="aor"[^>]*>([^<]*)</textarea>', page.text)
    assert aor and {"name", "base", "was-aor", "was-phone"} <= set(values)
    values["aor"] = html.unescape(aor.group(1))
    return page.text, values


def admin_routes(app: object) -> list[tuple[str, str]]:
    return sorted((p, m) for p, m in app_routes(app)
                  if p.startswith(("/admin", "/api/v1/admin")) and m != "HEAD")  # fmt: skip


# -- locks ---------------------------------------------------------------------------------------
def test_every_admin_route_needs_a_session_or_a_token(served: tuple[TestClient, Database]) -> None:
    client, store = served
    accounts.add_user(store, "root", "admin", PASSWORD)
    routes = admin_routes(client.app)
    pages = [r for r in routes if r[0].startswith("/admin") and r[0] != "/admin/login"]
    assert len(pages) >= 15 and ("/admin/publish", "POST") in pages and ("/admin/users", "GET") in pages  # fmt: skip
    values = {"office_id": "denver", "part": "media", "version_id": "1", "name": "root",
              "section": "title"}  # fmt: skip
    token = csrf(client)
    for path, method in routes:
        if path == "/admin/login":
            continue
        url = re.sub(r"\{(\w+)(:[^}]*)?\}", lambda m: values[m.group(1)], path)
        if path.startswith("/api/"):
            r = client.request(method, url, json=None if method in ("GET", "DELETE") else {},
                               headers={"If-Match": '"draft-1"'})  # fmt: skip
            assert r.status_code == 401, (method, url, r.status_code)
            continue
        data = {"csrftoken": token} if method == "POST" else None
        r = client.request(method, url, data=data, follow_redirects=False)
        assert r.status_code == 303, (method, url, r.status_code)
        assert r.headers["location"].startswith("/admin/login"), (method, url)
        assert "no-store" in r.headers["cache-control"]
    assert [e.action for e in audit.entries(store)].count("edit") == 0  # nothing got through


def test_a_form_without_its_csrf_token_is_refused(served: tuple[TestClient, Database]) -> None:
    client, store = served
    accounts.add_user(store, "ed", "editor", PASSWORD)
    no_token = client.post("/admin/login", data={"name": "ed", "password": PASSWORD})
    assert no_token.status_code == 403 and "expired" in no_token.text
    sign_in(client, store, "ed", "editor")
    _, form = office_form(client)
    refused = client.post("/admin/offices/denver", data={**form, "name": NEW, "action": "save"})
    assert refused.status_code == 403
    wrong = client.post("/admin/offices/denver", data={**form, "name": NEW, "action": "save",
                                                       "csrftoken": "forged"})  # fmt: skip
    assert wrong.status_code == 403
    assert drafts.current(store).raw["office"][0]["name"] != NEW
    assert OLD in {o["name"] for o in drafts.current(store).raw["office"]}


def test_an_editor_cannot_publish_roll_back_or_manage_users(served: tuple[TestClient, Database]) -> None:  # fmt: skip
    client, store = served
    sign_in(client, store, "ed", "editor")
    page = client.get("/admin/publish")
    assert page.status_code == 200 and 'id="read-only"' in page.text
    assert ">Publish</button>" not in page.text and "Roll back to" not in page.text
    assert post(client, "/admin/publish", {"acknowledge": "yes"}, "/admin").status_code == 403
    assert post(client, "/admin/versions/1/rollback", {}, "/admin").status_code == 403
    users = client.get("/admin/users")
    assert users.status_code == 403 and "this page needs a admin" in users.text
    added = post(client, "/admin/users", {"action": "add", "name": "mallory", "role": "admin",
                                          "password": PASSWORD}, "/admin")  # fmt: skip
    assert added.status_code == 403
    assert {a.name for a, _ in accounts.users(store)} == {"ed"}
    assert "Users</a>" not in client.get("/admin").text


def test_five_wrong_passwords_lock_the_right_one_out(served: tuple[TestClient, Database]) -> None:
    client, store = served
    accounts.add_user(store, "ed", "editor", PASSWORD)
    for _ in range(5):
        r = client.post("/admin/login", data={"csrftoken": csrf(client), "name": "ed",
                                              "password": "not the password"})  # fmt: skip
        assert r.status_code == 401 and "wrong" in r.text
    right = client.post("/admin/login", data={"csrftoken": csrf(client), "name": "ed",
                                              "password": PASSWORD}, follow_redirects=False)  # fmt: skip
    assert right.status_code == 429 and "too many failed sign-ins" in right.text
    assert int(right.headers["retry-after"]) > 0
    assert "fieldoffice_session" not in right.cookies
    assert "lockout" in [e.action for e in audit.entries(store)]
    assert client.get("/admin", follow_redirects=False).status_code == 303


# -- an office ---------------------------------------------------------------------------------------
def test_checking_the_aor_shows_what_it_means_and_saves_nothing(served: tuple[TestClient, Database]) -> None:  # fmt: skip
    client, store = served
    sign_in(client, store, "ed", "editor")
    page, form = office_form(client, "san-francisco")
    assert "region northern-nevada" in page and "Not understood" not in page
    before = drafts.current(store).revision
    r = post(client, "/admin/offices/san-francisco", {**form, "aor": TYPO, "action": "check"})
    assert r.status_code == 200
    assert "What the AOR you typed means (not saved)" in r.text
    assert re.search(r"Not understood:</strong> &ldquo;Nothern Nevada&rdquo;", r.text)
    assert TYPO in r.text  # the typed words stay in the form
    assert drafts.current(store).revision == before


def test_a_saved_typo_is_a_lint_error_that_blocks_publishing(served: tuple[TestClient, Database]) -> None:  # fmt: skip
    client, store = served
    sign_in(client, store, "ed", "editor")
    _, form = office_form(client, "san-francisco")
    r = post(client, "/admin/offices/san-francisco", {**form, "aor": TYPO, "action": "save"})
    assert r.status_code == 303 and r.headers["location"].startswith("/admin/offices/san-francisco?saved=")  # fmt: skip
    page = client.get(r.headers["location"]).text
    assert "Saved: the draft is now revision" in page
    assert "error(s) block publishing" in page and "Nothern Nevada" in page
    sign_in(client, store, "pub", "publisher")
    blocked = client.get("/admin/publish").text
    assert "Publishing is blocked" in blocked and ">Publish</button>" not in blocked
    refused = post(client, "/admin/publish", {"acknowledge": "yes", "base": drafts.current(store).etag})  # fmt: skip
    assert refused.status_code == 409 and "Not published" in refused.text
    assert "Nothern Nevada" in refused.text


def test_the_draft_map_stands_beside_the_published_one(served: tuple[TestClient, Database]) -> None:  # fmt: skip
    client, store = served
    sign_in(client, store, "ed", "editor")
    same = client.get("/admin").text
    assert same.count("<svg") == 1 and "The draft draws the same map" in same
    _, form = office_form(client, "san-francisco")
    post(client, "/admin/offices/san-francisco", {**form, "aor": TYPO, "action": "save"})
    for path in ("/admin", "/admin/publish"):
        page = client.get(path).text
        assert page.count("<svg") == 2 and "Map of the draft" in page
        ids = re.findall(r'\bid="([^"]+)"', page)
        assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
        draft_svg = page[page.rindex("<svg") :]
        assert 'href="/admin/offices/san-francisco"' in draft_svg
        assert 'href="/offices/' not in draft_svg


def test_a_stale_save_is_refused_with_what_changed(served: tuple[TestClient, Database]) -> None:
    client, store = served
    sign_in(client, store, "ed", "editor")
    _, mine = office_form(client)
    other = drafts.current(store)  # someone else saves first
    drafts.edit_office(store, "denver", {"phone": "(303) 555-0100"}, base=other.etag,
                       actor="alice", address="x")  # fmt: skip
    r = post(client, "/admin/offices/denver", {**mine, "name": NEW, "action": "save"})
    assert r.status_code == 412
    assert "the draft changed since you loaded it" in r.text and "alice" in r.text
    assert "office denver: phone" in r.text and "(303) 555-0100" in r.text
    assert f'value="{NEW}"' in r.text  # the editor's words are kept
    assert "Traceback" not in r.text
    assert NEW not in drafts.current(store).toml
    again = post(client, "/admin/offices/denver", {**mine, "name": NEW, "action": "save",
                                                   "base": base_of(r.text)})  # fmt: skip
    assert again.status_code == 303 and NEW in drafts.current(store).toml
    assert "(303) 555-0100" in drafts.current(store).toml  # the other edit stays


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [("state", "XX", "is not the code of a US state"), ("name", "", "office"),
     ("base", "draft-1", "is not a draft ETag")],
)  # fmt: skip
def test_invalid_input_is_shown_in_words(served: tuple[TestClient, Database], field: str,
                                         value: str, words: str) -> None:  # fmt: skip
    client, store = served
    sign_in(client, store, "ed", "editor")
    _, form = office_form(client)
    r = post(client, "/admin/offices/denver", {**form, field: value, "action": "save"})
    assert r.status_code == 400, r.text[:300]
    assert 'role="alert"' in r.text and words in r.text and "Traceback" not in r.text
    assert "Not saved" in r.text


# -- the public site follows publishing only --------------------------------------------------------
def test_the_public_site_shows_a_change_only_once_published(
    served: tuple[TestClient, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    from fieldoffice.store import notify
    from fieldoffice.web.lanes import PUBLISHES

    client, store = served
    heard: list[int] = []
    monkeypatch.setattr(notify, "announce", lambda db, version: heard.append(version) or False)
    laned: list[str] = []
    run = PUBLISHES.run

    async def counted(fn: Any, *args: Any) -> Any:  # the publish lane's thread, not the pool's
        laned.append(fn.__name__)
        return await run(fn, *args)

    monkeypatch.setattr(PUBLISHES, "run", counted)
    public = ["/", "/offices/denver", "/api/v1/offices/denver"]
    sign_in(client, store, "ed", "editor")
    _, form = office_form(client)
    assert post(client, "/admin/offices/denver", {**form, "name": NEW, "action": "save"}).status_code == 303  # fmt: skip
    assert "Denver Office is now named Denver Field Office." in client.get("/admin").text
    for path in public:
        body = client.get(path).text
        assert OLD in body and NEW not in body, path
    sign_in(client, store, "pub", "publisher")
    page = client.get("/admin/publish").text
    ack = {"acknowledge": "yes"} if 'name="acknowledge"' in page else {}
    if ack:
        assert re.search(r"I have read the \d+ warnings", page)
    done = post(client, "/admin/publish", {**ack, "base": base_of(page)})
    assert done.status_code == 303 and done.headers["location"] == "/admin/publish?done=2"
    for path in public:
        assert NEW in client.get(path).text, path
    assert "version 2 is in force" in client.get(done.headers["location"]).text
    # a rollback to version 1 is public at once too
    back = post(client, "/admin/versions/1/rollback", {}, "/admin/publish")
    assert back.status_code == 303
    assert heard == [2, 3]  # each told to the other processes once, by the store
    assert laned == ["_publish", "_rollback"]
    assert client.get("/api/v1/offices/denver").json()["name"] == OLD
    actions = [e.action for e in audit.entries(store)]
    assert {"login", "edit", "publish", "rollback"} <= set(actions)


def test_a_publish_with_warnings_needs_the_checkbox(served: tuple[TestClient, Database]) -> None:
    client, store = served
    # a notice without its Spanish text: lint warns (untranslated)
    d = drafts.current(store)
    notices = [*d.raw["directory"]["notice"], {"id": "closed", "kind": "closure", "text": "Closed on Monday."}]  # fmt: skip
    drafts.edit_directory(store, "notice", notices, base=d.etag, actor="x", address="x")
    sign_in(client, store, "pub", "publisher")
    page = client.get("/admin/publish").text
    assert re.search(r'<input type="checkbox" id="ack" name="acknowledge" value="yes" required>', page)  # fmt: skip
    refused = post(client, "/admin/publish", {"base": base_of(page)})
    assert refused.status_code == 409 and "must acknowledge" in refused.text
    assert post(client, "/admin/publish", {"base": base_of(page), "acknowledge": "yes"}).status_code == 303  # fmt: skip


# -- the directory's parts, and uploads ---------------------------------------------------------------
def test_the_directory_forms_save_their_parts(served: tuple[TestClient, Database]) -> None:
    client, store = served
    sign_in(client, store, "ed", "editor")
    page = client.get("/admin/directory").text
    assert "ICEMedia@ice.dhs.gov" in page and "ice.gov\ndhs.gov" in page
    media = {"name": "Press Office", "phone": "(202) 555-0100", "email": "", "text": "Call us.", "about": ""}  # fmt: skip
    r = post(client, "/admin/directory/media", {**media, "base": base_of(page)}, "/admin/directory")
    assert r.status_code == 303
    d = drafts.current(store).raw["directory"]
    assert d["media"] == {"name": "Press Office", "phone": "(202) 555-0100", "text": "Call us."}
    page = client.get("/admin/directory").text
    notices = {"notice-0-id": "phone-number-compromised", "notice-0-kind": "scam",
               "notice-0-text": "Scam calls.", "notice-0-es": "Llamadas fraudulentas.",
               "notice-1-id": "closed", "notice-1-kind": "closure", "notice-1-text": "Closed Monday.",
               "notice-1-es": "Cerrado el lunes.", "base": base_of(page)}  # fmt: skip
    assert post(client, "/admin/directory/notices", notices, "/admin/directory").status_code == 303
    d = drafts.current(store).raw["directory"]
    assert [n["id"] for n in d["notice"]] == ["phone-number-compromised", "closed"]
    es = d["translations"]["es"]["notice"]
    assert es["closed"] == {"text": "Cerrado el lunes."}
    assert es["phone-number-compromised"]["text"] == "Llamadas fraudulentas."
    assert "summary" in es["phone-number-compromised"]  # the short form is kept
    page = client.get("/admin/directory").text
    lists = {"domains": "ice.gov\nDHS.gov\n", "reported": "(555) 010-0143 | 2024-05-01 | gift cards",
             "base": base_of(page)}  # fmt: skip
    assert post(client, "/admin/directory/verification", lists, "/admin/directory").status_code == 303  # fmt: skip
    d = drafts.current(store).raw["directory"]
    assert d["verification"]["official_domains"] == ["ice.gov", "dhs.gov"]
    assert d["verification"]["contact"][0]["id"] == "tip-line"  # untouched
    assert d["reported"] == [{"contact": "(555) 010-0143", "date": "2024-05-01", "note": "gift cards"}]  # fmt: skip
    page = client.get("/admin/directory").text
    assert post(client, "/admin/directory/credit", {"text": "Photo: ICE", "base": base_of(page)},
                "/admin/directory").status_code == 303  # fmt: skip
    assert drafts.current(store).raw["directory"]["credit_line"] == {"text": "Photo: ICE"}
    # invalid: a media block with neither phone nor email, and a bad domain, in words
    page = client.get("/admin/directory").text
    bad = post(client, "/admin/directory/media", {"name": "X", "base": base_of(page)}, "/admin/directory")  # fmt: skip
    assert bad.status_code == 400 and "Not saved" in bad.text and "Traceback" not in bad.text
    bad = post(client, "/admin/directory/verification", {"domains": "not a domain", "reported": "",
               "base": base_of(page)}, "/admin/directory")  # fmt: skip
    assert bad.status_code == 400 and "not a domain" in bad.text
    stale = post(client, "/admin/directory/credit", {"text": "Old", "base": '"draft-1"'}, "/admin/directory")  # fmt: skip
    assert stale.status_code == 412 and "directory: credit_line" in stale.text


def test_an_uploaded_page_becomes_the_draft(served: tuple[TestClient, Database]) -> None:
    from tests.editing.test_ingest import BASE, page_html

    client, store = served
    three: list[tuple[str, str, str, str, str | None]] = [*BASE]
    sign_in(client, store, "ed", "editor")
    page = client.get("/admin/upload").text
    before = drafts.current(store).revision

    def upload(data: bytes, **extra: str) -> httpx.Response:
        fields = {"csrftoken": token_of(page), "base": base_of(page), **extra}
        r: httpx.Response = client.post("/admin/upload", data=fields, follow_redirects=False,
                                        files={"page": ("contact.html", data, "text/html")})  # fmt: skip
        return r

    for token in ("", "forged", token_of(page) + "x"):  # checked here, not by asgi-csrf
        assert upload(page_html(three), csrftoken=token).status_code == 403
    junk = upload(b"\x00\x01 not a page")
    assert junk.status_code == 400 and 'role="alert"' in junk.text and "Traceback" not in junk.text
    typo = upload(page_html([*three[:2], ("Texas", "Dallas Office", "Dallas", "TX", "Greater North Texas Area")]))  # fmt: skip
    assert typo.status_code == 400 and "Greater North Texas Area" in typo.text
    fewer = upload(page_html(three))  # 3 offices where the directory has 18
    assert fewer.status_code == 409 and "Tick the box" in fewer.text
    assert drafts.current(store).revision == before
    taken = upload(page_html(three), allow="yes")
    assert taken.status_code == 303, taken.text[:500]
    d = drafts.current(store)
    assert [o["id"] for o in d.raw["office"]] == ["phoenix", "reno", "dallas"]
    assert "translations" in d.raw["directory"]  # kept from the draft
    assert audit.entries(store)[0].action == "upload"


# -- the audit log and users --------------------------------------------------------------------------
def test_the_audit_page_and_its_json_lines(served: tuple[TestClient, Database]) -> None:
    client, store = served
    sign_in(client, store, "ed", "editor")
    _, form = office_form(client)
    post(client, "/admin/offices/denver", {**form, "name": NEW, "action": "save"})
    for path in ("/admin/audit", "/admin/audit.jsonl"):  # the audit is for admins
        assert client.get(path).status_code == 403, path
    post(client, "/admin/logout", {}, page="/admin")
    sign_in(client, store, "root", "admin")
    page = client.get("/admin/audit")
    assert page.status_code == 200 and "no-store" in page.headers["cache-control"]
    assert "<td>edit</td><td>office denver</td>" in page.text and "<td>login</td>" in page.text
    assert 'href="/api/v1/admin/audit?format=jsonl"' in page.text
    lines = client.get("/admin/audit.jsonl")
    assert lines.status_code == 200 and lines.headers["content-type"].startswith("application/jsonl")  # fmt: skip
    entries = [json.loads(x) for x in lines.text.splitlines()]
    assert entries[0]["action"] == "seed" and [e["action"] for e in entries[-4:]] == [
        "edit",
        "logout",
        "user_added",
        "login",
    ]
    newest = audit.entries(store, limit=1)[0].id
    older = client.get(f"/admin/audit?before={newest}").text
    assert f'<td class="num">{newest}</td>' not in older and "older than entry" in older


def test_admins_manage_users_and_tokens(served: tuple[TestClient, Database]) -> None:
    client, store = served
    sign_in(client, store, "root", "admin")
    added = post(client, "/admin/users", {"action": "add", "name": "ed", "role": "editor",
                                          "password": "a passphrase of words"})  # fmt: skip
    assert added.status_code == 201 and "Added ed as editor" in added.text
    short = post(client, "/admin/users", {"action": "add", "name": "bo", "role": "editor", "password": "short"})  # fmt: skip
    assert short.status_code == 400 and "at least 12" in short.text and 'value="bo"' in short.text
    role = post(client, "/admin/users", {"action": "role", "name": "ed", "role": "publisher"})
    assert role.status_code == 200 and "ed is now a publisher" in role.text
    made = post(client, "/admin/users", {"action": "token", "name": "ed"})
    m = re.search(r"<code>(fo_[^<]+)</code>", made.text)
    assert made.status_code == 201 and m
    token = m.group(1)
    me = client.get("/api/v1/admin/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json() == {"name": "ed", "role": "publisher"}
    assert token not in client.get("/admin/users").text  # shown once
    revoked = post(client, "/admin/users", {"action": "revoke", "name": "ed"})
    assert "Revoked 1 token(s) of ed" in revoked.text
    assert client.get("/api/v1/admin/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401  # fmt: skip


def test_no_password_or_token_in_the_audit_or_the_logs(served: tuple[TestClient, Database],
                                                        caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    client, store = served
    caplog.set_level(logging.DEBUG)
    wrong, new_password = "my wrong secret passphrase", "a brand new passphrase"
    accounts.add_user(store, "root", "admin", PASSWORD)
    client.post("/admin/login", data={"csrftoken": csrf(client), "name": "root", "password": wrong})
    sign_in(client, store, "root", "admin")
    post(client, "/admin/users", {"action": "add", "name": "ed", "role": "editor", "password": new_password})  # fmt: skip
    made = post(client, "/admin/users", {"action": "token", "name": "ed"})
    m = re.search(r"<code>(fo_[^<]+)</code>", made.text)
    assert m
    token = m.group(1)
    client.get("/api/v1/admin/me", headers={"Authorization": f"Bearer {token}"})
    session = client.cookies.get("fieldoffice_session")
    assert session
    logged = "".join(audit.json_lines(store)) + caplog.text
    assert {"login_failed", "login", "user_added", "token_created"} <= {e.action for e in audit.entries(store)}  # fmt: skip
    for secret in (PASSWORD, wrong, new_password, token, token[3:], session):
        assert secret not in logged


def test_the_audit_log_link_is_shown_to_admins_only(served: tuple[TestClient, Database]) -> None:
    client, store = served
    for name, role in (("ed", "editor"), ("pat", "publisher")):
        sign_in(client, store, name, role)
        page = client.get("/admin")
        assert page.status_code == 200 and 'href="/admin/publish"' in page.text
        assert 'href="/admin/audit"' not in page.text and 'href="/admin/users"' not in page.text
        post(client, "/admin/logout", {}, page="/admin")
    sign_in(client, store, "root", "admin")
    page = client.get("/admin")
    assert 'href="/admin/audit"' in page.text and 'href="/admin/users"' in page.text


def test_an_upload_is_read_in_a_child_and_a_page_with_no_office_is_told_why(
    served: tuple[TestClient, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    from fieldoffice.editing import ingest
    from tests.editing.test_ingest import page_html

    client, store = served
    children: list[str] = []
    run_limited = ingest.run_limited

    def counted(work: object, parse: float, check: float) -> object:
        children.append(f"{parse:g}+{check:g}")
        return run_limited(work, parse, check)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest, "run_limited", counted)
    sign_in(client, store, "ed", "editor")
    page = client.get("/admin/upload").text
    r = client.post("/admin/upload", data={"csrftoken": token_of(page), "base": base_of(page)},
                    files={"page": ("contact.html", page_html([]), "text/html")})  # fmt: skip
    assert r.status_code == 400 and len(children) == 1
    assert "lists no offices that can be read: it has a media contact" in r.text
    assert "none shaped like an office" in r.text and "examples/contact-page.txt" in r.text
    assert drafts.current(store).revision == 1
