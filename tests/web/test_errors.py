"""errors.py is the one home of an answer's status as an HTTP status: the API and the pages both
follow its table, for every status an answer can have."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from fieldoffice.web.app import create_app
from fieldoffice.web.errors import ANSWER_ERRORS, answer_http_status
from fieldoffice.web.i18n import STATUS_TEXT


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def test_the_table() -> None:
    assert set(ANSWER_ERRORS) <= set(STATUS_TEXT)  # every status named is an answer's status
    expected = {"invalid": 400, "not_found": 404}
    for status in STATUS_TEXT:
        assert answer_http_status(status) == expected.get(status, 200), status


@pytest.mark.parametrize(
    ("q", "status"), [("Reno, NV", 200), ("Texas", 200), ("zzqx blorp", 404), ("a" * 301, 400)]
)
def test_the_api_and_the_page_follow_it(client: TestClient, q: str, status: int) -> None:
    api = client.get("/api/v1/locate", params={"q": q})
    page = client.get("/locate", params={"q": q})
    assert api.status_code == page.status_code == status
    body = api.json()
    answer = body["error"]["details"] if status != 200 else body
    assert answer_http_status(answer["status"]) == status
    if status != 200:
        assert body["error"]["code"] == ANSWER_ERRORS[answer["status"]][1]
