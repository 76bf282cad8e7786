"""Directory files: the shipped one loads; mistakes are reported with the file and the field."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from fieldoffice.core.errors import DataError
from fieldoffice.directory.file import default_path, load_directory
from tests.paths import SEED_PAGE as SEED


def test_shipped_directory_carries_the_page(tmp_path: Path) -> None:
    d = load_directory()
    assert d.media.phone == "(202) 732-4646" and d.media.email == "ICEMedia@ice.dhs.gov"
    assert any(n.kind == "scam" and "compromised" in n.text for n in d.notices)
    assert d.credit_line and "Photo Courtesy of ICE" in d.credit_line
    assert d.effective_date.year == 2020 and d.source


def test_aor_texts_are_verbatim_from_the_seed_page() -> None:
    page = " ".join(SEED.read_text().split())
    for office in load_directory().offices:
        assert f"AOR: {office.aor}" in page, office.id
        assert office.name in page


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "d.toml"
    p.write_text(text)
    return p


def _shipped_text() -> str:
    return default_path().read_text()


def test_schema_error_names_file_and_field(tmp_path: Path) -> None:
    text = _shipped_text().replace('state = "AZ"\n', 'state = "Arizona"\n', 1)
    p = _write(tmp_path, text)
    with pytest.raises(DataError) as err:
        load_directory(p)
    msg = str(err.value)
    assert str(p) in msg and "office[0].state" in msg and "'Arizona'" in msg


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    p = _write(tmp_path, _shipped_text() + "\n[[office]\n")
    with pytest.raises(DataError, match=r"line \d+"):
        load_directory(p)


def test_duplicate_office_id_is_an_error(tmp_path: Path) -> None:
    text = _shipped_text().replace('id = "tampa"', 'id = "miami"')
    with pytest.raises(DataError, match="repeated: miami"):
        load_directory(_write(tmp_path, text))


def test_clause_needs_exactly_one_target(tmp_path: Path) -> None:
    text = _shipped_text().replace('{ phrase = "Arizona", state = "AZ" }', '{ phrase = "Arizona" }')
    with pytest.raises(DataError, match=r"office\[0\]\.territory\[0\]"):
        load_directory(_write(tmp_path, text))


def test_impossible_date_is_an_error(tmp_path: Path) -> None:
    text = _shipped_text().replace('effective_date = "2020-03-01"', 'effective_date = "2020-02-30"')
    with pytest.raises(DataError, match="not a real date"):
        load_directory(_write(tmp_path, text))


def test_shipped_file_is_valid_toml_with_schema_marker() -> None:
    raw = tomllib.loads(_shipped_text())
    assert raw["schema"] == "fieldoffice-directory/1"
