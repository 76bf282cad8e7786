"""The command line, driven through the installed `fieldoffice` entry point."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXE = shutil.which("fieldoffice", path=str(Path(sys.executable).parent)) or "fieldoffice"
KEYS = {
    "query",
    "status",
    "location",
    "counties",
    "offices",
    "confidence",
    "reason",
    "suggestions",
    "nearest_office",
}


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [EXE, *args], capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})}
    )


def answers(out: str) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in out.splitlines()]


def test_reno_json_is_matched_to_san_francisco_naming_northern_nevada() -> None:
    r = run("locate", "Reno, NV", "--json")
    assert r.returncode == 0, r.stderr
    (a,) = answers(r.stdout)
    assert set(a) >= KEYS
    assert a["status"] == "matched"
    assert [o["id"] for o in a["offices"]] == ["san-francisco"]
    assert "Northern Nevada" in a["reason"]


def test_done_when_examples() -> None:
    r = run("locate", "Miami, FL", "Richmond, VA", "Tonopah, NV", "Texas", "--json")
    assert r.returncode == 1  # Richmond is uncovered
    miami, richmond, tonopah, texas = answers(r.stdout)
    assert miami["status"] == "overlap" and {o["id"] for o in miami["offices"]} == {
        "miami",
        "tampa",
    }
    assert richmond["status"] == "uncovered"
    assert richmond["nearest_office"]["id"] == "washington-dc-headquarters"
    assert "(202) 732-4646" in richmond["reason"]
    assert tonopah["status"] == "matched" and tonopah["confidence"] == "low"
    assert [o["id"] for o in tonopah["offices"]] == ["laguna-niguel"]
    assert texas["status"] == "split"
    assert {o["id"] for o in texas["offices"]} == {"dallas", "el-paso", "houston", "san-antonio"}


def test_text_output_is_readable() -> None:
    r = run("locate", "Reno, NV")
    assert r.returncode == 0
    assert r.stdout.startswith("Reno, NV: matched")
    assert "San Francisco Office" in r.stdout and "(202) 732-4646" in r.stdout


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["locate", "Reno, NV", "Texas"], 0),
        (["locate", "Xyzzyville, ZZ"], 1),
        (["locate", "Reno, NV", "91, 0"], 2),
        (["locate", ""], 2),
        (["locate"], 2),
        (["office", "nowhere"], 1),
        (["bogus"], 2),
    ],
)
def test_exit_codes(args: list[str], code: int) -> None:
    r = run(*args)
    assert r.returncode == code, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr


def test_not_found_suggests() -> None:
    r = run("locate", "Rneo, NV", "--json")
    (a,) = answers(r.stdout)
    assert a["status"] == "not_found"
    assert "Reno, NV" in a["suggestions"] and len(a["suggestions"]) <= 5


def test_offices_and_office(tmp_path: Path) -> None:
    r = run("offices", "--state", "TX", "--json")
    assert r.returncode == 0
    assert [o["id"] for o in json.loads(r.stdout)] == [
        "dallas",
        "el-paso",
        "houston",
        "san-antonio",
    ]
    r = run("office", "san-diego", "--json")
    o = json.loads(r.stdout)
    assert {c["name"] for c in o["counties"]} == {"San Diego County", "Imperial County"}
    r = run("offices")
    assert r.returncode == 0 and "laguna-niguel" in r.stdout
    r = run("offices", "--state", "Atlantis")
    assert r.returncode == 2 and r.stderr.startswith("fieldoffice: error:")


def test_bad_directory_file_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "dir.toml"
    bad.write_text('schema = "fieldoffice-directory/1"\n[directory]\norganization = "X"\n')
    r = run("locate", "Reno, NV", "--directory", str(bad))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert str(bad) in r.stderr and len(r.stderr.strip().splitlines()) == 1
    r = run("locate", "Reno, NV", env={"FIELDOFFICE_DIRECTORY": str(tmp_path / "missing.toml")})
    assert r.returncode == 2 and "missing.toml" in r.stderr


def test_every_answer_carries_the_scam_warning() -> None:
    (a,) = answers(run("locate", "Reno, NV", "--json").stdout)
    assert any("compromised" in w for w in a["national_contact"]["warnings"])
    assert "compromised" in run("locate", "Reno, NV").stdout
    assert "compromised" in run("office", "phoenix").stdout


def test_negative_coordinates_are_queries_not_options() -> None:
    r = run("locate", "-119.81, 39.53", "--json")
    (a,) = answers(r.stdout)
    assert r.returncode == 2 and a["status"] == "invalid" and "swap" in a["reason"]
    (b,) = answers(run("locate", "-77.03, 38.89", "--json").stdout)
    assert b["status"] == "not_found" and b["suggestions"] == ["38.89, -77.03"]


@pytest.mark.parametrize(
    ("typed", "said"),
    [("--format", "its options are --json"), ("--jsn", "did you mean --json?"),
     ("--as-off=2026-01-01", "did you mean --as-of?"), ("-q", "its options are")],
)  # fmt: skip
def test_an_option_locate_lacks_is_refused_not_looked_up(typed: str, said: str) -> None:
    r = run("locate", "Reno, NV", typed)
    assert r.returncode == 2 and r.stdout == "", r.stdout
    assert f"'{typed}' is not an option of `locate`" in r.stderr and said in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_offices_state_lists_offices_covering_it() -> None:
    r = run("offices", "--state", "NY", "--json")
    assert [o["id"] for o in json.loads(r.stdout)] == ["detroit", "new-york"]
    r = run("offices", "--state", "PR")
    assert r.returncode == 1 and "no office is located in or covers Puerto Rico" in r.stderr


def test_a_signal_wrapped_by_a_library_is_still_a_stop() -> None:
    """SIGTERM inside an import (selectolax's enum setup, seen in CI) arrives as a TypeError
    caused by Interrupted: main() must say "stopped" in one line, not print a traceback."""
    from fieldoffice.core.files import Interrupted, interrupted_by

    try:
        try:
            raise Interrupted(15)
        except Interrupted as inner:
            raise TypeError("_value_ not set in __new__") from inner
    except TypeError as wrapped:
        assert interrupted_by(wrapped) == 15
    assert interrupted_by(TypeError("a real bug")) is None
