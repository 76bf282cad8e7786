"""Reasons are codes with parameters; every door words them from the same code, in its language."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient

from fieldoffice.core.answer import ReasonCode
from fieldoffice.lookup.locate import Locator
from fieldoffice.lookup.wording import _WORDERS, sentence
from fieldoffice.web.app import create_app
from fieldoffice.web.i18n import translations
from tests.paths import ROOT

SRC = ROOT / "src" / "fieldoffice"

# one query per kind of reason a page can show
QUERIES = {
    "Reno, NV": ReasonCode.IN_TERRITORY,
    "Texas": ReasonCode.SPANS_OFFICES,
    "Miami, FL": ReasonCode.CLAIMED_BY_SEVERAL,
    "Richmond, VA": ReasonCode.NO_OFFICE,
    "35.0, -114.63": ReasonCode.NEAR_LINE,
    "36.85, -75.95": ReasonCode.OFFSHORE,
    "Xyzzy": ReasonCode.NOTHING_MATCHES,
    "09905": ReasonCode.MILITARY_ZIP,
    "99999": ReasonCode.UNKNOWN_ZIP,
    "Virginia": ReasonCode.PARTLY_COVERED,
}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def test_every_reason_code_has_words() -> None:
    assert set(_WORDERS) == set(ReasonCode)


@pytest.mark.parametrize("query", list(QUERIES))
def test_spanish_pages_give_the_reason_in_spanish(
    client: TestClient, locator: Locator, query: str
) -> None:
    answer = locator.locate(query)
    assert answer.reason_code is QUERIES[query]
    spanish, english = sentence(answer, translations("es").gettext), sentence(answer)
    assert spanish != english
    page = html.unescape(client.get("/es/locate", params={"q": query}).text)
    page = re.sub(r'<span lang="en">(.*?)</span>', r"\1", page)  # the agency's English, marked
    assert spanish in page and english not in page
    en_page = html.unescape(client.get("/locate", params={"q": query}).text)
    assert english in en_page


def test_api_answer_carries_code_params_and_words(client: TestClient) -> None:
    body = client.get("/api/v1/locate", params={"q": "Reno, NV"}).json()
    assert body["reason_code"] == "in_territory"
    assert body["reason_params"]["office"]["id"] == "san-francisco"
    assert body["reason"].startswith("Reno, NV (Washoe County, NV) is in 'Northern Nevada'")


def test_api_schema_is_derived_from_the_core_answer(client: TestClient) -> None:
    from dataclasses import fields

    from fieldoffice.core.answer import AnswerBody

    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    body = schemas["AnswerBody"]["properties"]
    sent = ["query", "status", "reason_code", "reason_params", "location", "counties", "offices",
            "confidence", "suggestions", "nearest_office", "alternatives", "national_contact",
            "reason", "directory_version"]  # fmt: skip
    assert [f.name for f in fields(AnswerBody)] == sent  # the JSON's fields, in their order
    assert set(body) == set(sent)
    codes = schemas["ReasonCode"]["enum"]
    assert set(codes) == {c.value for c in ReasonCode}


def test_one_module_decides_statuses() -> None:
    """Only decide.py builds a Decision or sets a status; every other module reads one."""
    status = r"(matched|split|overlap|near_boundary|uncovered|not_found|invalid)"
    deciding = re.compile(rf"Decision\(|status\s*[:=]\s*\"{status}\"|\"{status}\"\s*if\b")
    found = [
        f"{p.relative_to(SRC)}:{i}"
        for p in SRC.rglob("*.py")
        if p.name not in ("decide.py", "answer.py", "models.py")
        for i, line in enumerate(p.read_text().splitlines(), 1)
        if deciding.search(line)
    ]
    assert found == []
