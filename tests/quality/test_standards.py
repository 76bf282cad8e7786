"""The project's own standards, checked by the suite: lint, format, strict typing, docs in sync."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.paths import ROOT

BIN = Path(sys.executable).parent


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_lint() -> None:
    r = _run(str(BIN / "ruff"), "check", "src", "tests", "scripts", "benchmarks")
    assert r.returncode == 0, r.stdout + r.stderr


def test_ruff_format() -> None:
    r = _run(str(BIN / "ruff"), "format", "--check", "src", "tests", "scripts", "benchmarks")
    assert r.returncode == 0, r.stdout + r.stderr


def test_mypy_strict() -> None:
    r = _run(str(BIN / "mypy"))
    assert r.returncode == 0, r.stdout + r.stderr


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = [b.split("```", 1)[0].strip() for b in readme.split("```sh\n")[1:]]
    install_and_run, install_and_test = blocks[0], blocks[1]
    assert "fieldoffice serve" in install_and_run
    assert install_and_test == "scripts/test"
    assert install_and_test in (ROOT / ".ci" / "run").read_text()
    script = (ROOT / "scripts" / "test").read_text()
    assert "apt-get install" in script and "chromium" in script and "npm ci" in script
    assert ".venv/bin/pytest" in script


def test_published_schema_matches_packaged_one() -> None:
    packaged = (ROOT / "src" / "fieldoffice" / "data" / "directory.schema.json").read_text()
    assert (ROOT / "docs" / "directory.schema.json").read_text() == packaged


def test_definitions_are_short() -> None:
    """scripts/check_lengths.py: no function over 60 lines, class over 300, module over 600."""
    r = _run(sys.executable, "scripts/check_lengths.py")
    assert r.returncode == 0, r.stdout + r.stderr


def test_no_test_reads_outside_the_repository() -> None:
    """A newcomer's clone has nothing beside it: tests reach files through the repository only."""
    r = _run("bash", "scripts/tests_stay_inside")
    assert r.returncode == 0, r.stdout + r.stderr
