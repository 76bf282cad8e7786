"""The JSON API through the in-process client: answers, the one error shape, caching, headers."""

from __future__ import annotations

import pytest
import shapely
from fastapi.testclient import TestClient

from fieldoffice.web.app import create_app

ERROR_KEYS = {"code", "message", "details"}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def assert_error_shape(body: dict, code: str) -> None:  # type: ignore[type-arg]
    assert set(body) == {"error"}
    assert set(body["error"]) == ERROR_KEYS
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


def test_locate_text_and_point_agree(client: TestClient) -> None:
    by_text = client.get("/api/v1/locate", params={"q": "Reno, NV"}).json()
    by_point = client.get("/api/v1/locate", params={"lat": "39.5296", "lon": "-119.8138"}).json()
    assert by_text["status"] == "matched" and [o["id"] for o in by_text["offices"]] == [
        "san-francisco"
    ]
    assert [o["id"] for o in by_point["offices"]] == ["san-francisco"]
    assert by_point["counties"][0]["fips"] == "32031"


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"q": "Xyzzyville, ZZ"}, 404, "not_found"),
        ({"q": "91, 0"}, 400, "invalid_input"),
        ({"lat": "abc", "lon": "1"}, 400, "invalid_input"),
        ({"lat": "95", "lon": "1"}, 400, "invalid_input"),
        ({"lat": "nan", "lon": "1"}, 400, "invalid_input"),
        ({"lat": "39"}, 400, "invalid_input"),
        ({}, 400, "invalid_input"),
        ({"q": "Reno", "lat": "1", "lon": "2"}, 400, "invalid_input"),
        ({"q": "x" * 400}, 400, "invalid_input"),
    ],
)
def test_error_shape_is_pinned(client: TestClient, params: dict, status: int, code: str) -> None:  # type: ignore[type-arg]
    r = client.get("/api/v1/locate", params=params)
    assert r.status_code == status
    assert_error_shape(r.json(), code)


def test_not_found_details_carry_suggestions(client: TestClient) -> None:
    body = client.get("/api/v1/locate", params={"q": "Rneo, NV"}).json()
    assert "Reno, NV" in body["error"]["details"]["suggestions"]


def test_unknown_office_and_route_use_the_same_shape(client: TestClient) -> None:
    assert_error_shape(client.get("/api/v1/offices/nowhere").json(), "not_found")
    assert_error_shape(client.get("/api/v1/nothing-here").json(), "not_found")
    r = client.post("/api/v1/locate")
    assert r.status_code == 405
    assert_error_shape(r.json(), "method_not_allowed")


def test_offices_and_territories(client: TestClient) -> None:
    offices = client.get("/api/v1/offices").json()
    assert len(offices) == 22 and offices[0]["id"] == "phoenix"
    detail = client.get("/api/v1/offices/san-diego").json()
    assert {c["name"] for c in detail["counties"]} == {"San Diego County", "Imperial County"}
    feature = client.get("/api/v1/offices/phoenix/territory.geojson")
    assert feature.headers["content-type"].startswith("application/geo+json")
    assert shapely.geometry.shape(feature.json()["geometry"]).covers(shapely.Point(-112.07, 33.45))
    fc = client.get("/api/v1/territories.geojson").json()
    assert len(fc["features"]) == 22


def test_coverage(client: TestClient) -> None:
    cov = client.get("/api/v1/coverage").json()
    assert cov["overlapping"] == 67 and cov["uncovered"] == 213
    assert {f["kind"] for f in cov["findings"]} >= {"overlap", "uncovered"}


def test_etag_and_conditional_get(client: TestClient) -> None:
    r = client.get("/api/v1/offices")
    tag = r.headers["etag"]
    again = client.get("/api/v1/offices", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    other = client.get("/api/v1/offices", headers={"If-None-Match": 'W/"stale"'})
    assert other.status_code == 200
    assert client.get("/").headers["etag"] == tag  # one data version, one tag


def test_security_headers_and_cors(client: TestClient) -> None:
    r = client.get("/api/v1/offices", headers={"Origin": "https://newsroom.example"})
    assert r.headers["access-control-allow-origin"] == "*"
    page = client.get("/")
    csp = page.headers["content-security-policy"]
    assert (
        "script-src 'self'" in csp
        and "frame-ancestors 'none'" in csp
        and "unsafe-inline" not in csp
    )
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"]
    assert "<script" not in page.text  # nothing inline for the CSP to forbid


def test_limits(client: TestClient) -> None:
    r = client.get("/api/v1/locate?q=" + "a" * 9000)
    assert r.status_code == 414
    assert_error_shape(r.json(), "uri_too_long")
    r = client.post("/api/v1/locate", content=b"x" * 20000)
    assert r.status_code == 413
    assert_error_shape(r.json(), "too_large")


def test_openapi_lists_every_endpoint(client: TestClient) -> None:
    paths = set(client.get("/openapi.json").json()["paths"])
    assert paths == {
        "/api/v1/locate",
        "/api/v1/offices",
        "/api/v1/offices/{office_id}",
        "/api/v1/offices/{office_id}/territory.geojson",
        "/api/v1/territories.geojson",
        "/api/v1/coverage",
        "/api/v1/verify",
    }


@pytest.mark.parametrize(
    ("lat", "lon"), [("39.53", "-119.81"), ("25.77", "-80.19"), ("0", "0"), ("95", "1"), ("x", "1")]
)
def test_fast_path_answers_exactly_like_the_routed_one(
    client: TestClient, lat: str, lon: str
) -> None:
    fast = client.get(f"/api/v1/locate?lat={lat}&lon={lon}")
    routed = client.get(
        f"/api/v1/locate?lat={lat}&lon={lon}&via=router"
    )  # an extra key skips the fast path
    assert fast.status_code == routed.status_code
    assert fast.json() == routed.json()
    if fast.status_code == 200:
        assert fast.headers["etag"] == routed.headers["etag"]
    assert fast.headers["content-security-policy"] == routed.headers["content-security-policy"]


@pytest.mark.parametrize("path", ["/", "/api/v1/offices", "/api/v1/territories.geojson"])
def test_gzip_on_real_responses_over_1_kb(client: TestClient, path: str) -> None:
    import gzip

    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "content-encoding" not in plain.headers
    assert len(plain.content) > 1024
    with client.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as r:
        raw = b"".join(r.iter_raw())  # the bytes on the wire, before the client decodes them
        assert r.status_code == 200
        assert r.headers["content-encoding"] == "gzip"
        assert "accept-encoding" in r.headers["vary"].lower()
    assert raw[:2] == b"\x1f\x8b" and len(raw) < len(plain.content)
    assert gzip.decompress(raw) == plain.content


@pytest.mark.parametrize(
    "q",
    ["Reno, NV", "Texas", "zzqx blorp", "89501", "Springfield", "1600 Pennsylvania Ave NW, "
     "Washington, DC 20500", "", "   ", "Miami, FL", "Guam", "91.5, 10", "é" * 300],
)  # fmt: skip
def test_fast_path_answers_text_exactly_like_the_routed_one(client: TestClient, q: str) -> None:
    for encoding in ("identity", "gzip"):
        headers = {"Accept-Encoding": encoding, "Origin": "https://example.org"}
        fast = client.get("/api/v1/locate", params={"q": q}, headers=headers)
        routed = client.get("/api/v1/locate", params={"q": q, "via": "router"}, headers=headers)
        assert fast.status_code == routed.status_code, q
        assert fast.json() == routed.json()
        for name in ("content-type", "content-encoding", "access-control-allow-origin", "etag"):
            assert fast.headers.get(name) == routed.headers.get(name), name


def test_a_q_over_the_limit_is_worded_by_the_router(client: TestClient) -> None:
    r = client.get("/api/v1/locate", params={"q": "a" * 301})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_input"
