"""Issue 21, trust and integrity, through the app in-process: the feed's links never come from
the request's Host (a poisoned feed would be cached and sent to everyone), the audit is for
admins, office fields are refused at the door (the feed stays well-formed XML), and the requests
that gave 500s give worded 4xx answers (SQLite and PostgreSQL where the database decided)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from fieldoffice.store import accounts, drafts, versions
from fieldoffice.store.database import Database
from fieldoffice.web.app import create_app
from fieldoffice.web.settings import PUBLIC_URL_ENV

PASSWORD = "correct horse battery staple"
PUBLIC = "https://offices.example.org"


@contextmanager
def serving(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, Database]]:  # fmt: skip
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("FIELDOFFICE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv(PUBLIC_URL_ENV, PUBLIC)
    app = create_app(database=url)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, app.state.store


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, Database]]:  # fmt: skip
    with serving(f"sqlite:///{tmp_path / 'store.db'}", tmp_path, monkeypatch) as got:
        yield got


def bearer(store: Database, name: str, role: str) -> dict[str, str]:
    accounts.add_user(store, name, role, PASSWORD)
    return {"Authorization": f"Bearer {accounts.new_token(store, name)}"}


def sign_in(client: TestClient, store: Database, name: str, role: str) -> None:
    accounts.add_user(store, name, role, PASSWORD)
    token = _token(client.get("/admin/login").text)
    r = client.post("/admin/login", data={"csrftoken": token, "name": name, "password": PASSWORD})
    assert r.status_code == 200 and r.url.path == "/admin", r.text[:300]


def _token(page: str) -> str:
    m = re.search(r'name="csrftoken" value="([^"]+)"', page)
    assert m
    return m.group(1)


def _publish_a_rename(client: TestClient, pub: dict[str, str]) -> None:
    etag = client.get("/api/v1/admin/draft", headers=pub).headers["etag"]
    r = client.patch("/api/v1/admin/draft/offices/denver", json={"name": "Denver Field Office"},
                     headers={**pub, "If-Match": etag})  # fmt: skip
    assert r.status_code == 200, r.text
    r = client.post("/api/v1/admin/draft/publish", json={"acknowledge_warnings": True}, headers=pub)
    assert r.status_code == 201, r.text


# -- item 4: the feed ---------------------------------------------------------------------------
def test_a_host_header_cannot_poison_the_cached_feed(served: tuple[TestClient, Database]) -> None:
    client, store = served
    _publish_a_rename(client, bearer(store, "pub", "publisher"))
    for path in ("/changes.atom", "/es/changes.atom"):
        poisoned = client.get(path, headers={"Host": "localhost:6666"})
        assert poisoned.status_code == 200
        assert "6666" not in poisoned.text
        after = client.get(path).text  # what everyone else is sent next
        assert "6666" not in after and "testserver" not in after
        hrefs = re.findall(r'href="([^"]+)"', after)
        assert hrefs and all(h.startswith(PUBLIC + "/") for h in hrefs), hrefs
        ids = re.findall(r"<id>([^<]+)</id>", after)
        assert ids and all(i.startswith(PUBLIC + "/") for i in ids), ids


def test_stored_control_characters_leave_the_feed_well_formed(served: tuple[TestClient, Database]) -> None:  # fmt: skip
    client, store = served
    from fieldoffice.store.tables import Version

    _publish_a_rename(client, bearer(store, "pub", "publisher"))
    with store.transaction() as s:  # text stored before the door refused it
        v = s.get(Version, 2)
        assert v is not None
        v.changes = v.changes.replace("Denver Field Office", "Denver\\u0001\\u001b Office")
    ET.fromstring(client.get("/changes.atom?x=1").content)  # parses: well-formed


# -- item 5: the audit is for admins -------------------------------------------------------------
def test_only_admins_read_the_audit(served: tuple[TestClient, Database]) -> None:
    client, store = served
    for role in ("editor", "publisher"):
        who = bearer(store, role[:3], role)
        for path in ("/api/v1/admin/audit", "/api/v1/admin/audit?format=jsonl"):
            r = client.get(path, headers=who)
            assert r.status_code == 403 and "admin" in r.json()["error"]["message"], (role, path)
    assert client.get("/api/v1/admin/audit", headers=bearer(store, "root", "admin")).status_code == 200  # fmt: skip
    sign_in(client, store, "ed2", "editor")
    for path in ("/admin/audit", "/admin/audit.jsonl"):
        r = client.get(path)
        assert r.status_code == 403 and "login_failed" not in r.text, path


# -- item 6: fields at the door, through the API --------------------------------------------------
@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"name": "Denver\x01 Office"}, "control character"),
        ({"email": "mailto:x@example.org?bcc=spy@example.net"}, "not an email address"),
        ({"phone": "not a number"}, "not a phone number"),
        ({"name": "N" * 500_000}, "at most 200"),
        ({"name": "N" * 5 * 1024 * 1024}, "limited to"),  # (the body cap says it first)
    ],
)
def test_office_fields_are_refused_in_words(served: tuple[TestClient, Database], fields: dict[str, str], words: str) -> None:  # fmt: skip
    client, store = served
    ed = bearer(store, "ed", "editor")
    etag = client.get("/api/v1/admin/draft", headers=ed).headers["etag"]
    r = client.patch("/api/v1/admin/draft/offices/denver", json=fields, headers={**ed, "If-Match": etag})  # fmt: skip
    assert 400 <= r.status_code < 500, r.status_code
    assert words in r.json()["error"]["message"]
    assert drafts.current(store).etag == etag
    assert len(client.get("/api/v1/admin/draft", headers=ed).content) < 1_000_000


# -- item 7: a rollback that changes nothing -------------------------------------------------------
def test_a_rollback_to_the_version_in_force_is_a_worded_409(served: tuple[TestClient, Database]) -> None:  # fmt: skip
    client, store = served
    pub = bearer(store, "pub", "publisher")
    _publish_a_rename(client, pub)
    in_force = client.post("/api/v1/admin/versions/2/rollback", headers=pub)
    assert in_force.status_code == 409 and "in force" in in_force.json()["error"]["message"]
    assert client.post("/api/v1/admin/versions/1/rollback", headers=pub).status_code == 201
    again = client.post("/api/v1/admin/versions/1/rollback", headers=pub)  # its content is in force
    assert again.status_code == 409 and "change nothing" in again.json()["error"]["message"]
    assert [v.id for v in versions.versions(store)] == [3, 2, 1]


# -- item 9: 500s that are worded 4xx now ----------------------------------------------------------
def test_a_rollback_of_a_number_past_any_version_is_404(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    with serving(database_url, tmp_path, monkeypatch) as (client, store):
        sign_in(client, store, "pub", "publisher")
        token = _token(client.get("/admin/publish").text)
        for n in ("2147483648", "99999999999999999999999"):
            r = client.post(f"/admin/versions/{n}/rollback", data={"csrftoken": token})
            assert 400 <= r.status_code < 500, (n, r.status_code, r.text[:300])


def test_a_nul_in_a_login_name_is_a_wrong_login(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    with serving(database_url, tmp_path, monkeypatch) as (client, _):
        token = _token(client.get("/admin/login").text)
        r = client.post("/admin/login", data={"csrftoken": token, "name": "ad\x00min", "password": "x" * 12})  # fmt: skip
        assert r.status_code == 401, r.text[:300]


def test_a_login_body_that_is_not_utf8_is_a_worded_4xx(served: tuple[TestClient, Database]) -> None:
    client, _ = served
    token = _token(client.get("/admin/login").text)
    body = b"csrftoken=" + token.encode() + b"&name=\xff\xfe&password=\xc3\x28xxxxxxxxxxxx"
    r = client.post("/admin/login", content=body,
                    headers={"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
