"""The issue's "done when", through the real commands: a fresh `fieldoffice serve` with no
options makes its SQLite store and serves the shipped directory; `fieldoffice users` gives a
publisher a token; an edit, a stale edit, a publish over HTTP; both worker processes answer
from the new version within 2 seconds; the audit and the Atom feed have it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from tests.web.test_server import _free_port

EXE = str(Path(sys.executable).parent / "fieldoffice")
NEW = "Denver Field Office"


def _env(data: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("FIELDOFFICE_DATABASE", "FIELDOFFICE_DIRECTORY")
    }
    return {**env, "XDG_DATA_HOME": str(data)}


def call(port: int, method: str, path: str, body: object = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:  # fmt: skip
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json", **(headers or {})})  # fmt: skip
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    port = _free_port()
    proc = subprocess.Popen([EXE, "serve", "--port", str(port), "--workers", "2", "--rate-limit", "off"],
                            env=_env(tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if call(port, "GET", "/api/v1/offices/denver")[0] == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(proc.stderr.read().decode() if proc.stderr else "no start")
            time.sleep(0.2)
        yield port, tmp_path
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_a_fresh_serve_edits_and_publishes_through_the_store(server: tuple[int, Path]) -> None:
    port, data = server
    # 1. a fresh serve with no options made its SQLite store and serves the shipped directory
    assert (data / "fieldoffice" / "fieldoffice.db").is_file()
    status, _, body = call(port, "GET", "/api/v1/versions")
    assert status == 200 and [v["id"] for v in json.loads(body)["versions"]] == [1]
    assert json.loads(call(port, "GET", "/api/v1/offices/denver")[2])["name"] == "Denver Office"

    # 2. the CLI, on the same default store, gives a publisher a token
    env = _env(data)
    added = subprocess.run([EXE, "users", "add", "pat", "--role", "publisher", "--password-stdin"],
                           input="a long enough passphrase\n", text=True, capture_output=True, env=env)  # fmt: skip
    assert added.returncode == 0, added.stderr
    made = subprocess.run([EXE, "users", "token", "pat"], text=True, capture_output=True, env=env)
    token = made.stdout.strip()
    assert made.returncode == 0 and token.startswith("fo_"), made.stderr
    auth = {"Authorization": f"Bearer {token}"}

    # 3. an edit with the draft's ETag; the same with the old one is 412; no token is 401
    status, headers, _ = call(port, "GET", "/api/v1/admin/draft", headers=auth)
    old = headers["etag"]
    status, headers, body = call(port, "PATCH", "/api/v1/admin/draft/offices/denver", {"name": NEW},
                                 {**auth, "If-Match": old})  # fmt: skip
    assert status == 200 and headers["etag"] != old, body
    status, _, body = call(port, "PATCH", "/api/v1/admin/draft/offices/denver", {"name": "X Office"},
                           {**auth, "If-Match": old})  # fmt: skip
    assert status == 412 and json.loads(body)["error"]["code"] == "stale_draft"
    assert call(port, "PATCH", "/api/v1/admin/draft/offices/denver", {"name": "X Office"},
                {"If-Match": headers["etag"]})[0] == 401  # fmt: skip
    assert json.loads(call(port, "GET", "/api/v1/offices/denver")[2])["name"] == "Denver Office"

    # 4. publishing: every worker answers with the new name within 2 s, without a restart
    status, _, body = call(port, "POST", "/api/v1/admin/draft/publish",
                           {"acknowledge_warnings": True}, auth)  # fmt: skip
    assert status == 201, body
    published = time.monotonic()
    fresh_in_a_row = 0
    while fresh_in_a_row < 20:  # 20 answers in a row, spread over both workers, all new
        name = json.loads(call(port, "GET", "/api/v1/offices/denver")[2])["name"]
        fresh_in_a_row = fresh_in_a_row + 1 if name == NEW else 0
        assert time.monotonic() - published < 2.0 or fresh_in_a_row, (
            "a worker still serves the old name"
        )
    assert time.monotonic() - published < 10

    # 5. the audit (an admin's to read: the publisher is refused) lists the change and the publish
    assert call(port, "GET", "/api/v1/admin/audit", headers=auth)[0] == 403
    added = subprocess.run([EXE, "users", "add", "ada", "--role", "admin", "--password-stdin"],
                           input="another long passphrase\n", text=True, capture_output=True, env=env)  # fmt: skip
    assert added.returncode == 0, added.stderr
    made = subprocess.run([EXE, "users", "token", "ada"], text=True, capture_output=True, env=env)
    admin = {"Authorization": f"Bearer {made.stdout.strip()}"}
    entries = json.loads(call(port, "GET", "/api/v1/admin/audit", headers=admin)[2])["entries"]
    actions = [(e["action"], e["target"]) for e in entries]
    assert ("edit", "office denver") in actions and ("publish", "version 2") in actions
    assert token not in json.dumps(entries)

    # 6. the Atom feed has the entry
    status, headers, body = call(port, "GET", "/changes.atom")
    assert status == 200 and headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(body)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries_xml = feed.findall("a:entry", ns)
    assert [e.findtext("a:id", namespaces=ns).rsplit("/", 1)[1] for e in entries_xml] == ["2", "1"]
    assert "Denver Office is now named Denver Field Office." in entries_xml[0].findtext(
        "a:summary", namespaces=ns
    )
