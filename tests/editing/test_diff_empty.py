"""`DirectoryDiff.empty`, the one rule for "nothing changed": any kind of change, and only a
change, makes a diff non-empty (the store's Review.unchanged defers to it)."""

from __future__ import annotations

from dataclasses import fields

import pytest

from fieldoffice.directory.context import Context
from fieldoffice.editing.diff import DirectoryDiff, diff_directories

LABEL = {"path": "a.toml", "effective_date": "2024-01-01", "title": "Field Offices"}
KINDS = [f.name for f in fields(DirectoryDiff) if f.name not in ("old", "new")]


def test_a_diff_with_no_change_is_empty() -> None:
    assert DirectoryDiff(LABEL, {**LABEL, "path": "b.toml"}).empty


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "counties_moved_total"])
def test_every_kind_of_change_makes_it_not_empty(kind: str) -> None:
    diff = DirectoryDiff(LABEL, LABEL, **{kind: [{"id": "reno"}]})  # type: ignore[arg-type]
    assert not diff.empty


def test_the_dict_form_round_trips_to_the_same_answer() -> None:
    """What the store keeps (to_dict) gives the same answer when read back."""
    for diff in (DirectoryDiff(LABEL, LABEL), DirectoryDiff(LABEL, LABEL, removed=[{"id": "x"}])):
        back = DirectoryDiff(**diff.to_dict())
        assert back.empty == diff.empty


def test_a_directory_against_itself_is_empty(ctx: Context) -> None:
    same = diff_directories(ctx.directory, ctx.directory, ctx.territories, ctx.territories)
    assert same.empty and same.counties_moved_total == 0
