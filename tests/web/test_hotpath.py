"""The fast path only chooses: what it sends for /api/v1/locate is byte for byte what FastAPI's
route sends (status, headers, body), gzipped or not, with CORS or not."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from starlette.types import Receive, Scope, Send

from fieldoffice.web import hotpath
from fieldoffice.web.app import create_app

ASKED = [
    {"q": "Reno, NV"}, {"q": "Texas"}, {"q": "zzqx blorp"}, {"q": "x" * 301},
    {"lat": "39.53", "lon": "-119.81"}, {"lat": "91", "lon": "0"}, {"lat": "abc", "lon": "1"},
]  # fmt: skip
HEADERS = [{}, {"Accept-Encoding": "gzip"}, {"Origin": "https://example.org"}]


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def _seen(
    client: TestClient, params: dict[str, str], headers: dict[str, str]
) -> tuple[object, ...]:
    r = client.get("/api/v1/locate", params=params, headers=headers)
    kept = {k: v for k, v in r.headers.items() if k != "date"}
    return r.status_code, kept, r.content


def test_the_exact_forms_take_the_fast_path() -> None:
    def scope(query: bytes) -> dict[str, object]:
        return {"type": "http", "path": hotpath.PATH, "method": "GET", "query_string": query}

    assert hotpath.plain_form(scope(b"q=Reno")) == {"q": "Reno"}
    assert hotpath.plain_form(scope(b"lat=1&lon=2")) == {"lat": "1", "lon": "2"}
    for other in (b"q=a&q=b", b"q=a&as_of=2024-01-01", b"lat=1", b"q=" + b"a" * 301, b""):
        assert hotpath.plain_form(scope(other)) is None


@pytest.mark.parametrize("headers", HEADERS)
def test_both_ways_send_the_same(client: TestClient, headers: dict[str, str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    # with a cookie: the response cache keeps nothing, so each answer is made (cache.py)
    fast = [_seen(client, p, headers | {"Cookie": "way=fast"}) for p in ASKED]

    async def through(self: hotpath.HotPath, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)

    monkeypatch.setattr(hotpath.HotPath, "__call__", through)
    routed = [_seen(client, p, headers | {"Cookie": "way=routed"}) for p in ASKED]
    for params, a, b in zip(ASKED, fast, routed, strict=True):
        assert a == b, params
