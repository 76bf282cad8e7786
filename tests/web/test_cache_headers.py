"""What caches in front may keep: public answers say so (Cache-Control, Vary, ETag, CORS);
private ones, errors and anything personal say no-store."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from fieldoffice.web.app import create_app
from fieldoffice.web.cache import CachePolicy, CachePolicyError

PUBLIC = "public, max-age=60, s-maxage=1, stale-while-revalidate=30"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


@pytest.mark.parametrize(
    "path",
    ["/", "/es/", "/locate?q=Reno%2C%20NV", "/api/v1/locate?q=Texas",
     "/api/v1/locate?lat=39.5&lon=-119.8", "/api/v1/offices", "/states/NV", "/api/v1/coverage"],
)  # fmt: skip
def test_public_answers_may_be_kept_by_any_cache(client: TestClient, path: str) -> None:
    r = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert r.headers["cache-control"] == PUBLIC
    assert r.headers["vary"] == "Accept-Encoding"  # not Origin, not Cookie: only the encoding
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.headers["etag"]


def test_the_etag_is_the_data_version_and_revalidates(client: TestClient) -> None:
    a = client.get("/api/v1/locate", params={"q": "Reno, NV"})
    b = client.get("/")
    assert a.headers["etag"] == b.headers["etag"]  # one version, one tag
    again = client.get("/api/v1/locate", params={"q": "Reno, NV"},
                       headers={"If-None-Match": a.headers["etag"]})  # fmt: skip
    assert again.status_code == 304 and again.content == b""
    assert again.headers["cache-control"] == PUBLIC and again.headers["vary"] == "Accept-Encoding"


def test_an_origin_changes_nothing_a_cache_would_see(client: TestClient) -> None:
    plain = client.get("/api/v1/locate", params={"q": "Sacramento"})
    cors = client.get("/api/v1/locate", params={"q": "Sacramento"},
                      headers={"Origin": "https://example.org"})  # fmt: skip
    assert plain.content == cors.content
    for name in ("cache-control", "vary", "access-control-allow-origin"):
        assert plain.headers[name] == cors.headers[name]


def test_not_found_answers_are_public_too(client: TestClient) -> None:
    r = client.get("/api/v1/locate", params={"q": "qqxzzv blorpt"})
    assert r.status_code == 404 and r.headers["cache-control"] == PUBLIC


def test_static_files_are_kept_without_the_shared_limit(client: TestClient) -> None:
    r = client.get("/static/style.css")
    assert r.status_code == 200
    assert r.headers["cache-control"] == "public, max-age=60, stale-while-revalidate=30"
    again = client.get("/static/style.css", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and "public" in again.headers["cache-control"]


@pytest.mark.parametrize(
    "path",
    ["/verify?contact=help%40example.gov", "/es/verify", "/api/v1/verify?contact=x", "/admin"],
)
def test_private_paths_are_never_stored(client: TestClient, path: str) -> None:
    r = client.get(path, follow_redirects=False)
    assert r.headers["cache-control"] == "no-store"


def test_a_refused_request_is_not_kept(client: TestClient) -> None:
    r = client.get("/api/v1/locate", params={"q": "x" * 400})
    assert r.status_code >= 400
    assert r.headers["cache-control"] in (PUBLIC, "no-store")  # 400 is an answer, 422 is not
    r = client.post("/api/v1/locate", content=b"{}")
    assert "public" not in r.headers.get("cache-control", "")


def test_the_operator_sets_the_lifetimes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIELDOFFICE_CACHE_MAX_AGE", "300")
    monkeypatch.setenv("FIELDOFFICE_CACHE_SHARED_MAX_AGE", "0")
    monkeypatch.setenv("FIELDOFFICE_CACHE_STALE", "5")
    policy = CachePolicy.from_env()
    assert policy.header() == b"public, max-age=300, s-maxage=0, stale-while-revalidate=5"
    r = TestClient(create_app()).get("/api/v1/locate", params={"q": "Texas"})
    assert r.headers["cache-control"] == "public, max-age=300, s-maxage=0, stale-while-revalidate=5"
    monkeypatch.setenv("FIELDOFFICE_CACHE_MAX_AGE", "soon")
    with pytest.raises(CachePolicyError, match="whole number"):
        CachePolicy.from_env()
