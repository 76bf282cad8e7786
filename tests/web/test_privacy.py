"""privacy.py is the one home of which paths are private: each of them is sent no-store, never
with the public ETag, never kept by the response cache, and kept out of the access log."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fieldoffice.web import privacy
from fieldoffice.web.app import create_app
from fieldoffice.web.cache import ResponseCache

PUBLIC = ["/", "/es/", "/locate?q=Reno%2C%20NV", "/api/v1/locate?q=Reno%2C%20NV", "/api/v1/offices"]
VERIFY_ASKED = ["/verify?contact=202-732-4646", "/es/verify?contact=202-732-4646",
                "/api/v1/verify?contact=202-732-4646"]  # fmt: skip


@pytest.fixture(scope="module")
def client() -> TestClient:
    c = TestClient(create_app())
    c.get("/")  # builds the middleware stack
    return c


def _cache(app: Any) -> ResponseCache:
    layer = app.middleware_stack
    while not isinstance(layer, ResponseCache):
        layer = layer.app
    return layer


def test_every_private_path_is_named_once() -> None:
    assert set(privacy.NEVER_CACHED) == {*privacy.VERIFY, *privacy.EDITORS}
    for path in privacy.VERIFY:
        assert privacy.is_verify(path) and privacy.is_verify(path + "/")
        assert privacy.never_cached(path) and not privacy.is_editors(path)
    for path in privacy.EDITORS:
        assert privacy.is_editors(path) and privacy.is_editors(path + "/offices/x")
        assert privacy.never_cached(path + "/draft")
    assert privacy.is_editor_page("/admin/login") and not privacy.is_editor_page("/api/v1/admin")
    for path in ("/", "/locate", "/es/locate", "/api/v1/locate", "/offices/x", "/static/site.css"):
        assert not privacy.never_cached(path) and not privacy.is_editors(path)
        assert not privacy.is_verify(path)


@pytest.mark.parametrize("url", [*VERIFY_ASKED, "/verify", "/api/v1/verify?contact=%00"])
def test_a_verify_answer_is_no_store_and_no_referrer(client: TestClient, url: str) -> None:
    # (it carries the site's one ETag, the same for every answer, as it always has: it tells
    # nothing of what was asked, and no-store keeps the answer itself out of every cache)
    r = client.get(url)
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("url", VERIFY_ASKED)
def test_a_verify_answer_is_never_kept(client: TestClient, url: str) -> None:
    cache = _cache(client.app)
    before = len(cache.kept)
    client.get(url)
    client.get(url)
    assert len(cache.kept) == before
    assert not any(privacy.is_verify(k[1].decode("latin-1")) for k in cache.kept)


@pytest.mark.parametrize("url", PUBLIC)
def test_a_public_answer_has_the_etag_and_no_private_headers(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 200
    assert r.headers["etag"] == client.app.state.live.site.etag
    assert "no-store" not in r.headers.get("cache-control", "")


@pytest.mark.parametrize("path", ["/admin", "/admin/login", "/api/v1/admin/me"])
def test_editors_paths_never_get_the_public_etag(client: TestClient, path: str) -> None:
    # (served from a directory file there are no editors' routes: a 404, still never tagged)
    r = client.get(path)
    assert "etag" not in r.headers


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("/verify?contact=202-732-4646", "/verify"),
        ("/es/verify/?contact=x", "/es/verify/"),
        ("/api/v1/verify?contact=someone@example.org", "/api/v1/verify"),
        ("/locate?q=Reno", "/locate?q=Reno"),
    ],
)
def test_the_access_log_never_shows_what_was_verified(line: str, shown: str) -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d',
                               ("203.0.113.9:5000", "GET", line, "1.1", 200), None)  # fmt: skip
    assert privacy.redact_verify_request(record) is True
    client_shown, path_shown = record.args[0], record.args[2]  # type: ignore[index]
    assert path_shown == shown
    assert (client_shown == "-") == privacy.is_verify(line.split("?")[0])
