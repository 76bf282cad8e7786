"""`fieldoffice diff` on a modified copy, and `locate --as-of` over a folder of versions."""

from __future__ import annotations

import json
from pathlib import Path

from fieldoffice.directory.file import default_path
from tests.cli.test_commands import run


def modified_copy(tmp_path: Path, name: str = "new.toml", date: str = "2024-01-01") -> Path:
    text = default_path().read_text()
    text = text.replace('effective_date = "2020-03-01"', f'effective_date = "{date}"')
    text = text.replace('name = "Tampa Office"', 'name = "Tampa Bay Office"')  # rename
    text = text.replace('phone = "(202) 732-4646"', 'phone = "(202) 732-0000"')  # phone change
    # Kentucky moves from Chicago to Detroit
    text = text.replace('{ phrase = "Kentucky", state = "KY" },\n', "")
    text = text.replace(
        '{ phrase = "Ohio", state = "OH" },',
        '{ phrase = "Ohio", state = "OH" },\n  { phrase = "Kentucky", state = "KY" },',
    )
    text = text.replace(
        'aor = "Michigan, Ohio, Upstate New York/Buffalo"',
        'aor = "Michigan, Ohio, Kentucky, Upstate New York/Buffalo"',
    )
    text = text.replace(
        'aor = "Illinois, Indiana, Kentucky, Wisconsin"', 'aor = "Illinois, Indiana, Wisconsin"'
    )
    path = tmp_path / name
    path.write_text(text)
    return path


def test_diff_json(tmp_path: Path) -> None:
    new = modified_copy(tmp_path)
    r = run("diff", str(default_path()), str(new), "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["renamed"] == [{"id": "tampa", "old": "Tampa Office", "new": "Tampa Bay Office"}]
    assert d["contacts"] == [
        {
            "who": "national media line",
            "channel": "phone",
            "old": "(202) 732-4646",
            "new": "(202) 732-0000",
        }
    ]
    assert [m["from"] + ">" + m["to"] for m in d["counties_moved"]] == ["chicago>detroit"]
    assert d["counties_moved_total"] == 120  # Kentucky's counties
    assert {a["id"] for a in d["aor_text"]} == {"chicago", "detroit"}
    assert d["added"] == [] and d["removed"] == []


def test_diff_text_and_no_changes(tmp_path: Path) -> None:
    new = modified_copy(tmp_path)
    r = run("diff", str(default_path()), str(new))
    assert "office renamed: tampa: 'Tampa Office' -> 'Tampa Bay Office'" in r.stdout
    assert "counties moved: 120" in r.stdout and "chicago -> detroit" in r.stdout
    same = run("diff", str(default_path()), str(default_path()))
    assert "no changes" in same.stdout


def test_added_and_removed_offices(tmp_path: Path) -> None:
    text = default_path().read_text().replace('id = "newark"', 'id = "newark-nj"')
    new = tmp_path / "n.toml"
    new.write_text(text)
    d = json.loads(run("diff", str(default_path()), str(new), "--json").stdout)
    assert d["added"] == [{"id": "newark-nj", "name": "Newark Office"}]
    assert d["removed"] == [{"id": "newark", "name": "Newark Office"}]
    assert (
        d["counties_moved"][0]["from"] == "newark" and d["counties_moved"][0]["to"] == "newark-nj"
    )


def test_locate_as_of_uses_the_version_in_effect(tmp_path: Path) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "2020.toml").write_text(default_path().read_text())
    modified_copy(versions, "2024.toml", "2024-01-01")
    d = str(versions)
    old = json.loads(
        run("locate", "Louisville, KY", "--json", "--directory", d, "--as-of", "2023-06-30").stdout
    )
    new = json.loads(
        run("locate", "Louisville, KY", "--json", "--directory", d, "--as-of", "2024-01-01").stdout
    )
    latest = json.loads(run("locate", "Louisville, KY", "--json", "--directory", d).stdout)
    # Louisville sits on the Ohio, within the boundary precision of Indiana (Chicago's): the
    # office it is in comes first, the one across the river after it once they differ
    assert [o["id"] for o in old["offices"]] == ["chicago"]
    assert old["directory_version"]["effective_date"] == "2020-03-01"
    assert [o["id"] for o in new["offices"]] == ["detroit", "chicago"]
    assert new["directory_version"]["path"].endswith("2024.toml")
    assert [o["id"] for o in latest["offices"]] == ["detroit", "chicago"]
    text = run("locate", "Louisville, KY", "--directory", d, "--as-of", "2021-01-01")
    assert text.stdout.startswith("Directory version in effect on 2021-01-01: effective 2020-03-01")
    early = run("locate", "Louisville, KY", "--directory", d, "--as-of", "2019-01-01")
    assert (
        early.returncode == 2 and "no directory version was in effect on 2019-01-01" in early.stderr
    )
    bad = run("locate", "Louisville, KY", "--as-of", "last tuesday")
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr
