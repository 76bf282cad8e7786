"""core/text.py's `shown`: what was typed or stored is echoed with its control and bidi
characters as visible escapes, in every door (the reason's words, a page, the API, the CLI)."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from fieldoffice.core.text import shown
from fieldoffice.lookup.locate import Locator
from fieldoffice.lookup.wording import headline, sentence
from fieldoffice.web.app import create_app

HOSTILE = [
    "\u202eVN ,oneR",
    "\x1b[2J\x1b[31mReno\r\nforged line",
    "zz\u200b\u2066qq\u2069",
    "a\x00b\x85c",
]
UNSAFE = [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0), 0x61C, *range(0x200B, 0x2010),
                           *range(0x2028, 0x202F), *range(0x2060, 0x206A), 0xFEFF]]  # fmt: skip


def test_each_unsafe_character_becomes_a_visible_escape() -> None:
    assert shown("\u202eab") == "\\u202eab" and shown("a\r\nb") == "a\\r\\nb"
    assert shown("\x1b[31m") == "\\x1b[31m" and shown("\x85") == "\\x85"
    assert shown("a\\b") == "a\\b"  # plain text is left as it is
    assert shown("a\\b\u202e") == "a\\\\b\\u202e"  # once escaped, a backslash is unambiguous
    assert shown("one\ntwo", keep_newlines=True) == "one\ntwo"


@given(st.text())
def test_nothing_unsafe_is_ever_left(text: str) -> None:
    assert not any(c in UNSAFE for c in shown(text))


@pytest.mark.parametrize("query", HOSTILE)
def test_an_echoed_query_reorders_and_hides_nothing(locator: Locator, query: str) -> None:
    a = locator.locate(query)
    for words in (sentence(a), headline(a)):
        assert not any(c in UNSAFE for c in words), repr(words)
    client = TestClient(create_app())
    page = client.get("/locate", params={"q": query}).text
    # the search box gives the query back as typed, to edit: an input isolates its own text
    page = html.unescape(re.sub(r'<input id="lookup-q"[^>]*>', "", page))
    assert not any(c in page for c in "\u202e\u2066\u200b\x1b"), query
    body = client.get("/api/v1/locate", params={"q": query}).json()
    answer, words = (body["error"]["details"], body["error"]["message"]) if "error" in body else (body, body["reason"])  # fmt: skip
    assert answer["query"] == query  # the query itself is kept as it was sent
    assert not any(c in UNSAFE for c in words), repr(words)


def test_the_cli_prints_an_echoed_query_visibly() -> None:
    exe = shutil.which("fieldoffice", path=str(Path(sys.executable).parent)) or "fieldoffice"
    out = subprocess.run([exe, "locate", "--", HOSTILE[1]],
                         capture_output=True, text=True, timeout=120)  # fmt: skip
    assert "\x1b" not in out.stdout + out.stderr and "\\x1b[2J" in out.stdout + out.stderr
