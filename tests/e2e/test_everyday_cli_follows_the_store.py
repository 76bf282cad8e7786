"""Issue 23's "done when": after a publish through the editors' API of a fresh `fieldoffice
serve`, the command line with no options answers from the new version and says which one; every
command (locate, office, offices, lint, export, verify, assign) follows it; `--directory` still
overrides; with no store the shipped file answers, and says so."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

from tests.e2e.test_serve_store import EXE, NEW, _env, call
from tests.e2e.test_serve_store import server as server  # the fixture: a fresh serve
from tests.paths import ROOT

SHIPPED = ROOT / "src" / "fieldoffice" / "data" / "directory.toml"


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EXE, *args], text=True, capture_output=True, env=env, timeout=120)


def publish_new_name(port: int, env: dict[str, str]) -> None:
    added = subprocess.run([EXE, "users", "add", "pat", "--role", "publisher", "--password-stdin"],
                           input="a long enough passphrase\n", text=True, capture_output=True, env=env)  # fmt: skip
    assert added.returncode == 0, added.stderr
    token = cli(env, "users", "token", "pat").stdout.strip()
    auth = {"Authorization": f"Bearer {token}"}
    etag = call(port, "GET", "/api/v1/admin/draft", headers=auth)[1]["etag"]
    status, _, body = call(port, "PATCH", "/api/v1/admin/draft/offices/denver", {"name": NEW},
                           {**auth, "If-Match": etag})  # fmt: skip
    assert status == 200, body
    status, _, body = call(port, "POST", "/api/v1/admin/draft/publish",
                           {"acknowledge_warnings": True}, auth)  # fmt: skip
    assert status == 201, body


def test_every_command_answers_from_the_version_just_published(
    server: tuple[int, Path], tmp_path: Path
) -> None:
    port, data = server
    env = _env(data)
    before = json.loads(cli(env, "locate", "Salt Lake City, UT", "--json").stdout)
    assert before["directory_version"]["source"] == "store"
    assert before["directory_version"]["version"] == 1
    assert before["offices"][0]["name"] == "Denver Office"
    publish_new_name(port, env)

    # locate, with no options: the new name, and which version said it
    text = cli(env, "locate", "Salt Lake City, UT", "--verbose")
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("Answered from version 2 of the store sqlite:///")
    assert f"-> {NEW}, Denver, CO" in text.stdout
    body = json.loads(cli(env, "locate", "Salt Lake City, UT", "--json").stdout)
    version = body["directory_version"]
    assert (version["source"], version["version"]) == ("store", 2)
    assert version["path"].endswith("fieldoffice.db")
    assert body["offices"][0]["name"] == NEW

    # the other commands follow the same version
    assert json.loads(cli(env, "office", "denver", "--json").stdout)["name"] == NEW
    assert json.loads(cli(env, "office", "denver", "--json").stdout)["directory_version"]["version"] == 2  # fmt: skip
    assert NEW in {o["name"] for o in json.loads(cli(env, "offices", "--json").stdout)}
    assert json.loads(cli(env, "lint", "--json").stdout)["directory_version"]["version"] == 2
    exported = json.loads(cli(env, "export", "--format", "json").stdout)
    assert NEW in json.dumps(exported)
    checked = json.loads(cli(env, "verify", "202.732.4646", "--json").stdout)
    assert checked["directory_version"]["version"] == 2
    rows = tmp_path / "in.csv"
    rows.write_text("zip\n84101\n")
    out = tmp_path / "out.csv"
    assigned = cli(env, "assign", str(rows), "-o", str(out), "--verbose")
    assert assigned.returncode == 0, assigned.stderr
    assert "version 2 of the store" in assigned.stderr
    assert next(csv.DictReader(out.open()))["office_name"] == NEW

    # --directory still overrides the store
    shipped = json.loads(cli(env, "locate", "Salt Lake City, UT", "--json",
                             "--directory", str(SHIPPED)).stdout)  # fmt: skip
    assert shipped["directory_version"]["source"] == "file"
    assert shipped["offices"][0]["name"] == "Denver Office"


def test_with_no_store_the_shipped_file_answers_and_says_so(tmp_path: Path) -> None:
    env = _env(tmp_path)  # an empty user data folder: no store
    body = json.loads(cli(env, "locate", "Salt Lake City, UT", "--json").stdout)
    assert body["directory_version"] == {
        "source": "file",
        "effective_date": "2020-03-01",
        "path": str(SHIPPED),
        "version": None,
    }
    assert not (tmp_path / "fieldoffice").exists()  # the command line never makes a store
