"""web/english_words.py: on a Spanish page, the agency's own English inside a reason is marked
lang="en" (office names, AOR texts and phrases, a region's source); nothing else is, the English
pages are unmarked, and the text stays escaped."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from fieldoffice.directory.context import Context
from fieldoffice.web.app import create_app
from fieldoffice.web.english_words import directory_english, english_params, marked


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def reasons(page: str) -> str:
    return " ".join(re.findall(r'<p class="reason"[^>]*>(.*?)</p>', page, re.S))


def test_the_longest_english_words_are_marked_once_and_the_rest_escaped() -> None:
    out = marked("A «Northern California, Northern Nevada» <b> y Northern Nevada", "es",
                 ["Northern Nevada", "Northern California, Northern Nevada"])  # fmt: skip
    assert str(out) == (
        'A «<span lang="en">Northern California, Northern Nevada</span>» &lt;b&gt; y '
        '<span lang="en">Northern Nevada</span>'
    )
    assert (
        str(marked("Northern Nevada & co", "en", ["Northern Nevada"])) == "Northern Nevada &amp; co"
    )


def test_the_directory_says_its_office_names_aors_and_phrases(ctx: Context) -> None:
    said = set(directory_english(ctx.directory))
    for o in ctx.directory.offices:
        assert {o.name, o.aor, *(c.phrase for c in o.clauses)} <= said
    assert english_params({"offices": [{"why": "the core"}], "name": "Reno"}) == ("the core",)


@pytest.mark.parametrize(
    ("q", "english"),
    [
        ("Reno, NV", ["Northern Nevada", "San Francisco Office", "the Reno and Carson City core"]),
        ("Miami, FL", ["Miami Office", "Tampa Office", "Florida"]),
        ("Las Vegas, NV", ["Southern Nevada", "Laguna Niguel Office"]),
    ],
)
def test_a_spanish_reason_marks_the_agencys_english(
    client: TestClient, q: str, english: list[str]
) -> None:
    es = reasons(client.get("/es/locate", params={"q": q}).text)
    for w in english:
        assert f'<span lang="en">{w}</span>' in es, (w, es)
    outside = re.sub(r'<span lang="en">.*?</span>', "", es)
    for w in english:
        assert w not in outside, (w, outside)
    assert 'lang="en"' not in reasons(client.get("/locate", params={"q": q}).text)


def test_a_spanish_state_page_marks_its_offices(client: TestClient) -> None:
    page = client.get("/es/states/NV").text
    assert '<span lang="en">Laguna Niguel Office</span>' in reasons(page)


def test_a_typed_query_is_never_marked_and_stays_escaped(client: TestClient) -> None:
    es = reasons(client.get("/es/locate", params={"q": "<i>Office</i>"}).text)
    assert "&lt;i&gt;Office&lt;/i&gt;" in es and "<i>" not in es
