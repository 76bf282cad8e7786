"""The editors' JSON API and the public side of publishing, through the app on a store
(create_app(database=URL)), on SQLite and on PostgreSQL: the issue's "Done when" sequence step by
step, every admin route locked, drafts never public, ?as_of=, rollback, the Atom feed, and a
second server on the same PostgreSQL following a publish within 2 seconds."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import httpx
import pytest
from fastapi.testclient import TestClient

from fieldoffice.store import accounts, audit, drafts
from fieldoffice.store.database import Database
from fieldoffice.store.opening import open_database
from fieldoffice.web.app import create_app

PASSWORD = "correct horse battery staple"
OLD, NEW = "Denver Office", "Denver Field Office"
RENAMED_EN = "Denver Office is now named Denver Field Office."
RENAMED_ES = "Denver Office ahora se llama Denver Field Office."
ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
PUBLIC = ["/", "/offices/denver", "/api/v1/offices/denver", "/locate?q=Denver, CO",
          "/api/v1/locate?q=Denver, CO"]  # fmt: skip
EXE = shutil.which("fieldoffice", path=str(Path(sys.executable).parent)) or "fieldoffice"


@contextmanager
def serving(database_url: str) -> Iterator[tuple[TestClient, Database]]:
    """The app on a store, with its lifespan (it polls the store while it runs)."""
    app = create_app(database=database_url)
    with TestClient(app) as client:
        yield client, app.state.store


def bearer(store: Database, name: str, role: str) -> dict[str, str]:
    accounts.add_user(store, name, role, PASSWORD)
    return {"Authorization": f"Bearer {accounts.new_token(store, name)}"}


def office_name(client: TestClient, path: str = "/api/v1/offices/denver") -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text
    return str(response.json()["name"])


def located_name(client: TestClient, **params: str) -> str:
    response = client.get("/api/v1/locate", params={"q": "Denver, CO", **params})
    assert response.status_code == 200, response.text
    return str(response.json()["reason_params"]["office"]["name"])


def error_code(response: httpx.Response) -> str:
    return str(response.json()["error"]["code"])


# -- the "Done when" ----------------------------------------------------------------------
def test_done_when_edit_publish_audit_feed_as_of_and_rollback(database_url: str) -> None:
    with serving(database_url) as (client, store):
        # 1. a fresh app on an empty database creates it and serves the shipped directory
        first = client.get("/api/v1/offices/denver")
        assert first.status_code == 200 and first.json()["name"] == OLD
        etag_before = first.headers["etag"]
        listed = client.get("/api/v1/versions").json()["versions"]
        assert [v["id"] for v in listed] == [1]
        assert listed[0]["published_by"] == "seed" and listed[0]["effective_date"] == "2020-03-01"

        # 2. a publisher's token (and an editor's)
        pub = bearer(store, "pub", "publisher")
        ed = bearer(store, "ed", "editor")
        adm = bearer(store, "root", "admin")
        assert client.get("/api/v1/admin/me", headers=pub).json() == {"name": "pub", "role": "publisher"}  # fmt: skip

        # 3. an edit with the draft's ETag; a stale one; no token; the wrong role; no If-Match
        draft = client.get("/api/v1/admin/draft", headers=ed)
        assert draft.status_code == 200
        etag1 = draft.headers["etag"]
        assert etag1 == draft.json()["etag"] == '"draft-1"'
        assert draft.headers["cache-control"] == "no-store"
        url = "/api/v1/admin/draft/offices/denver"
        edited = client.patch(url, json={"name": NEW}, headers={**ed, "If-Match": etag1})
        assert edited.status_code == 200, edited.text
        etag2 = edited.headers["etag"]
        assert etag2 != etag1 and etag2 == edited.json()["etag"]
        assert edited.json()["office"]["name"] == NEW
        stale = client.patch(url, json={"name": NEW}, headers={**ed, "If-Match": etag1})
        assert stale.status_code == 412 and error_code(stale) == "stale_draft"
        assert stale.json()["error"]["details"]["current_etag"] == etag2
        assert stale.json()["error"]["details"]["changes"] == [
            {"where": "office denver: name", "old": OLD, "new": NEW}
        ]
        anonymous = client.patch(url, json={"city": "Aurora"}, headers={"If-Match": etag2})
        assert anonymous.status_code == 401 and error_code(anonymous) == "unauthorized"
        assert anonymous.headers["www-authenticate"].startswith("Bearer")
        forbidden = client.post("/api/v1/admin/draft/publish", json={"acknowledge_warnings": True},
                                headers=ed)  # fmt: skip
        assert forbidden.status_code == 403 and error_code(forbidden) == "forbidden"
        no_match = client.patch(url, json={"city": "Aurora"}, headers=ed)
        assert no_match.status_code == 428 and error_code(no_match) == "if_match_required"
        assert drafts.current(store).revision == 2  # none of those stored anything

        # a draft is never public before it is published
        for path in PUBLIC:
            response = client.get(path)
            assert response.status_code == 200, path
            assert OLD in response.text and NEW not in response.text, path
            if not path.startswith("/api/v1/locate"):  # (the hot path sends no ETag)
                assert response.headers["etag"] == etag_before, path
        assert [v["id"] for v in client.get("/api/v1/versions").json()["versions"]] == [1]
        assert NEW not in client.get("/changes.atom").text

        # 4. publishing: warnings must be acknowledged; then public at once, with a new ETag
        unacked = client.post("/api/v1/admin/draft/publish", json={}, headers=pub)
        assert unacked.status_code == 409 and error_code(unacked) == "warnings_not_acknowledged"
        assert unacked.json()["error"]["details"]["warnings"]
        published = client.post("/api/v1/admin/draft/publish",
                                json={"acknowledge_warnings": True}, headers=pub)  # fmt: skip
        assert published.status_code == 201, published.text
        version = published.json()["version"]
        assert (version["id"], version["published_by"], version["summary"]) == (2, "pub", [RENAMED_EN])  # fmt: skip
        after = client.get("/api/v1/offices/denver")
        assert after.json()["name"] == NEW
        assert after.headers["etag"] != etag_before
        assert NEW in client.get("/offices/denver").text
        assert located_name(client) == NEW
        again = client.post("/api/v1/admin/draft/publish", json={"acknowledge_warnings": True},
                            headers=pub)  # fmt: skip
        assert again.status_code == 409 and error_code(again) == "nothing_to_publish"

        # 5. the audit log holds the edit and the publish
        refused = client.get("/api/v1/admin/audit", headers=ed)  # the audit is for admins
        assert refused.status_code == 403 and error_code(refused) == "forbidden"
        entries = client.get("/api/v1/admin/audit", headers=adm).json()["entries"]
        edits = [e for e in entries if e["action"] == "edit"]
        assert [(e["actor"], e["target"]) for e in edits] == [("ed", "office denver")]
        assert edits[0]["detail"]["changes"] == [
            {"where": "office denver: name", "old": OLD, "new": NEW}
        ]
        publishes = [e for e in entries if e["action"] == "publish"]
        assert [(e["actor"], e["target"], e["version"]) for e in publishes] == [
            ("pub", "version 2", 2)
        ]
        assert entries[0]["action"] == "publish"  # newest first

        # 6. the public change pages and the Atom feed
        assert RENAMED_EN in client.get("/changes").text
        assert RENAMED_ES in client.get("/es/changes").text
        assert_atom(client, "/changes.atom", "en", {2: RENAMED_EN})
        assert_atom(client, "/es/changes.atom", "es", {2: RENAMED_ES})

        # ?as_of= answers from the version in force on that day
        assert located_name(client, as_of="2021-01-01") == OLD
        assert located_name(client, as_of=dt.datetime.now(dt.UTC).date().isoformat()) == NEW
        too_early = client.get("/api/v1/locate", params={"q": "Denver, CO", "as_of": "2019-12-31"})
        assert too_early.status_code == 404

        # a rollback (publishers only) restores the old name publicly
        url = "/api/v1/admin/versions/1/rollback"
        assert client.post(url, headers=ed).status_code == 403
        rolled = client.post(url, headers=pub)
        assert rolled.status_code == 201, rolled.text
        assert (rolled.json()["version"]["id"], rolled.json()["version"]["rollback_of"]) == (3, 1)
        assert office_name(client) == OLD
        assert located_name(client) == OLD
        assert audit.entries(store)[0].action == "rollback"


def assert_atom(client: TestClient, path: str, lang: str, summaries: dict[int, str]) -> None:
    """RFC 4287's required structure (section 4.1), checked element by element."""
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == lang

    def one(parent: ET.Element, tag: str) -> ET.Element:
        found = parent.findall(f"{ATOM}{tag}")
        assert len(found) == 1, f"{parent.tag} has {len(found)} {tag}"
        return found[0]

    def iri(text: str | None) -> str:
        assert text and urlsplit(text).scheme in ("http", "https", "urn", "tag"), text
        return text

    iri(one(feed, "id").text)
    assert (one(feed, "title").text or "").strip()
    feed_updated = one(feed, "updated").text or ""
    assert RFC3339.match(feed_updated), feed_updated
    self_links = [x for x in feed.findall(f"{ATOM}link") if x.get("rel") == "self"]
    assert len(self_links) == 1 and iri(self_links[0].get("href")).endswith(path)
    entries = feed.findall(f"{ATOM}entry")
    feed_has_author = bool(feed.findall(f"{ATOM}author"))
    for author in feed.findall(f"{ATOM}author"):
        assert (one(author, "name").text or "").strip()
    ids = []
    for entry in entries:
        ids.append(iri(one(entry, "id").text))
        assert (one(entry, "title").text or "").strip()
        updated = one(entry, "updated").text or ""
        assert RFC3339.match(updated), updated
        assert updated <= feed_updated  # (same zone: the feed's is its newest entry's)
        assert feed_has_author or entry.findall(f"{ATOM}author")
        contents = entry.findall(f"{ATOM}content")
        assert len(entry.findall(f"{ATOM}summary")) <= 1 and len(contents) <= 1
        assert entry.findall(f"{ATOM}summary") or contents
        if not contents:  # no content: a link rel=alternate is required
            assert [x for x in entry.findall(f"{ATOM}link") if x.get("rel", "alternate") == "alternate"]  # fmt: skip
    assert len(set(ids)) == len(ids)
    texts = {
        int(one(e, "id").text.rsplit("/", 1)[1]): one(e, "summary").text or "" for e in entries
    }
    assert sorted(texts, reverse=True) == list(texts)  # newest first
    for version, sentence in summaries.items():
        assert sentence in texts[version]


# -- locks ------------------------------------------------------------------------------------------
def app_routes(app: object) -> set[tuple[str, str]]:
    """Every (path, method) the app routes, through included routers (FastAPI >= 0.165 keeps
    them as branches, each with its effective routes)."""
    found: set[tuple[str, str]] = set()

    def walk(routes: list) -> None:
        for r in routes:
            if hasattr(r, "effective_candidates"):
                walk(r.effective_candidates())
                walk(r.effective_low_priority_routes())
            elif isinstance(getattr(r, "path", None), str) and getattr(r, "methods", None):
                found.update((r.path, m) for m in r.methods)

    walk(app.routes)  # type: ignore[attr-defined]
    return found


def test_every_admin_route_answers_401_without_a_valid_token(database_url: str) -> None:
    with serving(database_url) as (client, store):
        bearer(store, "root", "admin")  # a user and a token exist: they are not sent
        routes = sorted(r for r in app_routes(client.app) if r[0].startswith("/api/v1/admin"))
        schema = client.app.openapi()["paths"]
        assert {(p, m.upper()) for p, ops in schema.items() for m in ops
                if p.startswith("/api/v1/admin")} <= set(routes)  # none missed  # fmt: skip
        assert {("/api/v1/admin/draft/publish", "POST"), ("/api/v1/admin/draft", "GET"),
                ("/api/v1/admin/users", "POST"), ("/api/v1/admin/audit", "GET"),
                ("/api/v1/admin/draft/offices/{office_id}", "PATCH")} <= set(routes)  # fmt: skip
        values = {"office_id": "denver", "section": "title", "version_id": "1", "name": "root"}
        before = [e.action for e in audit.entries(store)]
        for path, method in routes:
            url = re.sub(r"\{(\w+)(:[^}]*)?\}", lambda m: values[m.group(1)], path)
            body = None if method in ("GET", "HEAD", "DELETE") else {"name": "x"}
            for headers in ({}, {"Authorization": "Bearer fo_not-a-token"},
                            {"Authorization": "Basic cm9vdDpwYXNzd29yZA=="}):  # fmt: skip
                response = client.request(method, url, json=body,
                                          headers={**headers, "If-Match": '"draft-1"'})  # fmt: skip
                assert response.status_code == 401, (method, url, headers, response.text)
                assert response.headers["www-authenticate"].startswith("Bearer"), (method, url)
        assert [e.action for e in audit.entries(store)] == before
        assert drafts.current(store).revision == 1


def test_the_version_history_is_current_after_a_rollback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rollback republishes an old file, not an old site: the ETag holds the version id, so
    no answer cached (or held by a client) before the rollback is served after it. Both run on
    the publish lane's thread, never one the public pages answer from."""
    from fieldoffice.web.lanes import PUBLISHES

    laned: list[str] = []
    run = PUBLISHES.run

    async def counted(fn: Any, *args: Any) -> Any:
        laned.append(fn.__name__)
        return await run(fn, *args)

    monkeypatch.setattr(PUBLISHES, "run", counted)
    # one database kind is enough: the cache is the web side's (SQLite, to keep it short)
    with serving(f"sqlite:///{tmp_path / 'store.db'}") as (client, store):
        pub = bearer(store, "pub", "publisher")
        before = {p: client.get(p) for p in ("/changes", "/changes.atom", "/api/v1/versions")}
        client.patch("/api/v1/admin/draft/offices/denver", json={"name": NEW},
                     headers={**pub, "If-Match": '"draft-1"'})  # fmt: skip
        assert client.post("/api/v1/admin/draft/publish", json={"acknowledge_warnings": True},
                           headers=pub).status_code == 201  # fmt: skip
        assert client.post("/api/v1/admin/versions/1/rollback", headers=pub).status_code == 201
        assert laned == ["publish_and_swap", "roll_back_and_swap"]
        assert [v["id"] for v in client.get("/api/v1/versions").json()["versions"]] == [3, 2, 1]
        assert "Rolled back to version 1." in client.get("/changes").text
        assert "/api/v1/versions/3<" in client.get("/changes.atom").text
        old = before["/api/v1/versions"].headers["etag"]
        assert client.get("/api/v1/versions", headers={"If-None-Match": old}).status_code == 200


# -- accounts from the command line --------------------------------------------------------------
def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EXE, *args], input=stdin, capture_output=True, text=True, timeout=120,
                          check=False)  # fmt: skip


def test_the_cli_adds_a_publisher_and_makes_a_token(database_url: str) -> None:
    if _cli("users", "--help").returncode != 0:
        pytest.skip("`fieldoffice users` does not exist yet (no such command in the CLI)")
    added = _cli("users", "add", "pat", "--role", "publisher", "--password-stdin",
                 "--database", database_url, stdin=PASSWORD + "\n")  # fmt: skip
    assert added.returncode == 0, added.stderr
    made = _cli("users", "token", "pat", "--database", database_url)
    assert made.returncode == 0, made.stderr
    tokens = re.findall(r"\bfo_[A-Za-z0-9_-]{20,}", made.stdout)
    assert len(tokens) == 1, made.stdout
    store = open_database(database_url)
    try:
        account = accounts.account_for_token(store, tokens[0])
        assert (account.name, account.role) == ("pat", "publisher")
        assert accounts.login(store, "pat", PASSWORD, "127.0.0.1").name == "pat"
    finally:
        store.close()


# -- two servers on one PostgreSQL ---------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_another_server_on_the_same_postgresql_follows_a_publish_within_2_s(
    postgres_url: str, record_property: pytest.RecordProperty
) -> None:
    with serving(postgres_url) as (client, store):  # this one seeds the store
        pub = bearer(store, "pub", "publisher")
        port = _free_port()
        env = {**os.environ, "FIELDOFFICE_DATABASE": postgres_url}
        env.pop("FIELDOFFICE_SETTINGS", None)
        other = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "fieldoffice.web.app:app_from_env",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        try:
            base = f"http://127.0.0.1:{port}/api/v1/offices/denver"
            deadline = time.monotonic() + 90
            while True:
                try:
                    seen = httpx.get(base, timeout=5)
                    break
                except httpx.TransportError:
                    assert other.poll() is None, other.communicate()[1].decode(errors="replace")
                    assert time.monotonic() < deadline, "the second server did not start in 90 s"
                    time.sleep(0.1)
            assert seen.status_code == 200 and seen.json()["name"] == OLD

            client.patch("/api/v1/admin/draft/offices/denver", json={"name": NEW},
                         headers={**pub, "If-Match": '"draft-1"'})  # fmt: skip
            published = client.post("/api/v1/admin/draft/publish",
                                    json={"acknowledge_warnings": True}, headers=pub)  # fmt: skip
            assert published.status_code == 201, published.text
            start = time.monotonic()
            assert office_name(client) == NEW  # the publishing server: at once
            name = OLD
            while name != NEW and time.monotonic() - start < 5:
                time.sleep(0.05)
                name = httpx.get(base, timeout=5).json()["name"]
            took = time.monotonic() - start
            record_property("second_server_switch_seconds", round(took, 2))
            print(f"the second server answered {NEW!r} {took:.2f} s after the publish")
            assert name == NEW, "the second server still answers the old name after 5 s"
            assert took <= 2.5, f"the second server took {took:.2f} s to follow the publish"
        finally:
            other.terminate()
            try:
                other.wait(timeout=20)
            except subprocess.TimeoutExpired:
                other.kill()
                other.wait()
