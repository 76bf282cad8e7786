"""Privacy and trust on the verify doors and in every link the site emits (issue 12, parts 6 and 7).

- What is checked goes in a POST body, never in an address the site makes; old GET links still
  answer. Every verify answer says `Referrer-Policy: no-referrer` and `Cache-Control: no-store`.
- Odd contacts (brackets, IP literals, a name before '@' on no real host, percent-encodings, IDNs,
  mixed scripts, huge or nested input, control characters) are InvalidInput: 400 on the web, exit
  2 in the CLI, never a 500 or a traceback, and the message never repeats what was typed.
- Every href, src and action is built from the route: no request path, however odd, makes a link
  that leaves the site.
"""

from __future__ import annotations

import asyncio
import logging
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldoffice.core.errors import InvalidInput
from fieldoffice.directory.context import Context
from fieldoffice.verify import Verifier
from fieldoffice.web.app import create_app
from fieldoffice.web.pages import is_site_path
from tests.cli.test_commands import run

SECRET = "alice.smith7"
ODD = [
    f"http://[{SECRET}@gmail.com]/",
    f"{SECRET}.cd[",
    f"{SECRET}.cd]",
    "http://[::1]/",
    "https://[2001:db8::1]:8443/a",
    "http://127.0.0.1/",
    f"http://{SECRET}@host/",
    f"http://%5B{SECRET}%5D/",
    f"http://{SECRET}%2Ecom/",
    f"http://{SECRET}.c\uff0fom/",  # a character that changes under NFKC
    f"http://[{SECRET}",
    f"[{SECRET}@gmail.com]",
    f"{SECRET}@[127.0.0.1]",
    f"mailto:{SECRET}@",
    f"<<<{SECRET}@gmail.com",
    f"{SECRET}.com\x00",
    f"+1%5D{SECRET}.gov%5D+1\uff11%5D",
    f"{SECRET}.co[m\u00e9",
    "x" * 5000 + SECRET,
]
PRIVATE = {"referrer-policy": "no-referrer", "cache-control": "no-store"}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


@pytest.fixture(scope="module")
def verifier(ctx: Context) -> Verifier:
    return Verifier(ctx.directory)


def _private(headers: Any) -> bool:
    return all(headers.get(k) == v for k, v in PRIVATE.items())


# -- the parser --------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ODD)
def test_odd_contacts_are_invalid_input_that_never_repeats_them(
    verifier: Verifier, text: str
) -> None:
    with pytest.raises(InvalidInput) as err:
        verifier.verify(text)
    assert SECRET not in str(err.value) and SECRET not in repr(err.value.args)
    assert err.value.http_status == 400 and "\n" not in str(err.value)


def test_a_name_before_at_is_judged_by_the_host_it_opens(verifier: Verifier) -> None:
    v = verifier.verify("https://ice.gov@evil.com/")
    assert (v.status, v.normalized) == ("not_listed", "evil.com")
    assert "before '@'" in v.reason and "opens evil.com" in v.reason
    assert verifier.verify("https://www.ice.gov./contact").status == "listed"
    assert verifier.verify("http://\u0456\u0441\u0435.gov/").status == "look_alike"  # Cyrillic


PIECES = st.sampled_from(
    ["http://", "https://", "mailto:", "tel:", "//", "/", "\\", "[", "]", "@", ".", "..", ":",
     "%5B", "%5D", "%2F", "%40", "%00", "%", "?", "#", "<", ">", " ", "\t", "\n", "\x00", "\x7f",
     "::1", "127.0.0.1", "ice.gov", "ice.dhs.gov", "gmail.com", "www.", "xn--", "xn--ls8h",
     "xn--80ak6aa92e", "xn--zz", "\u0456\u0441\u0435", "\u043e", "\ufb00", "\u00df", "\u200d",
     "\u0301", "\uff21\uff22", "\uff0f", "\u0661\u0662\u0663", "\U0001d7d0\U0001d7ce", "\u00e9",
     "\u2014", "\u202e", "\ud800", "\udcff", "202", "732-4646", "+1", "ext. 3", "x", "-", "_",
     "a" * 64, "1-866-DHS-2-ICE", SECRET]
)  # fmt: skip


def _wrapped(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from("[<(\"'"), inner, st.sampled_from("]>)\"'")).map("".join)


CONTACTS = st.one_of(
    st.text(max_size=220),
    st.text(st.characters(codec=None, exclude_categories=()), max_size=60),  # surrogates too
    st.lists(PIECES, max_size=30).map("".join),
    st.lists(st.one_of(PIECES, st.text(max_size=4)), max_size=40).map("".join),
    st.recursive(PIECES, _wrapped, max_leaves=20),  # nested brackets, quotes, angles
    st.integers(1, 40).flatmap(lambda n: st.just("[" * n + SECRET + "@gmail.com" + "]" * n)),
    st.integers(190, 5000).map(lambda n: ("a." * n)[:n]),
)


@given(CONTACTS)
@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
def test_verify_raises_nothing_but_invalid_input(verifier: Verifier, text: str) -> None:
    for language in ("en", "es"):
        try:
            verifier.verify(text, language=language)
        except InvalidInput as exc:
            assert str(exc) and "\n" not in str(exc)
            if SECRET in text:
                assert SECRET not in str(exc)


@pytest.mark.parametrize("text", ["http://[alice.smith@gmail.com]/", "ab.cd[", "http://[::1]/"])
def test_cli_says_one_line_and_exits_2(text: str) -> None:
    r = run("verify", text)
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.splitlines()) == 1 and "Traceback" not in r.stderr
    assert "alice.smith" not in r.stderr


# -- the verify doors ---------------------------------------------------------------------------
@pytest.mark.parametrize("prefix", ["", "/es"])
def test_the_form_posts_and_every_answer_is_private(client: TestClient, prefix: str) -> None:
    empty = client.get(prefix + "/verify")
    assert empty.status_code == 200 and _private(empty.headers)
    assert f'<form action="{prefix}/verify" method="post"' in empty.text
    posted = client.post(prefix + "/verify", data={"contact": "(202) 732-4646"})
    assert posted.status_code == 200 and _private(posted.headers)
    assert "Office of Public Affairs" in posted.text and 'value="(202) 732-4646"' in posted.text
    old_link = client.get(prefix + "/verify", params={"contact": "(202) 732-4646"})
    assert old_link.status_code == 200 and _private(old_link.headers)
    assert "Office of Public Affairs" in old_link.text
    bad = client.post(prefix + "/verify", data={"contact": "http://[alice.smith@gmail.com]/"})
    assert bad.status_code == 400 and _private(bad.headers)
    assert "brackets" in bad.text and ("hang up" in bad.text or "cuelgue" in bad.text)
    # the one place the contact appears is the box it was typed in
    assert (
        bad.text.count("alice.smith") == 1 and 'value="http://[alice.smith@gmail.com]/"' in bad.text
    )
    assert client.post(prefix + "/verify", data={}).status_code == 200
    undecodable = client.post(
        prefix + "/verify",
        content=b"contact=\xff\xfe",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert undecodable.status_code == 400 and _private(undecodable.headers)
    other = client.post(
        prefix + "/verify", content=b"{}", headers={"content-type": "application/json"}
    )
    assert other.status_code == 400 and _private(other.headers)


def test_no_link_the_site_makes_carries_a_contact(client: TestClient) -> None:
    for r in (
        client.get("/verify", params={"contact": "(202) 732-4646"}),
        client.get("/es/verify", params={"contact": "(202) 732-4646"}),
        client.post("/verify", data={"contact": "(202) 732-4646"}),
    ):
        links = _links(r.text)
        assert not [u for u in links if "contact" in u or "732" in u], links
        assert "/es/verify" in links or "/verify" in links  # the language link, clean


@pytest.mark.parametrize("contact", ODD)
def test_odd_contacts_are_400_on_every_door(client: TestClient, contact: str) -> None:
    short = contact[:200]
    for r in (
        client.get("/api/v1/verify", params={"contact": contact}),
        client.post("/api/v1/verify", json={"contact": contact}),
        client.post("/api/v1/verify", data={"contact": contact, "lang": "es"}),
    ):
        assert r.status_code == 400 and _private(r.headers), r.text
        error = r.json()["error"]
        assert error["code"] == "invalid_input" and error["details"]["guidance"]
        assert SECRET not in error["message"]
    for path in ("/verify", "/es/verify"):
        for r in (
            client.get(path, params={"contact": contact}),
            client.post(path, data={"contact": short}),
        ):
            assert r.status_code == 400 and _private(r.headers)
            assert "That cannot be checked" in r.text or "Eso no se puede comprobar" in r.text


def test_the_api_takes_a_json_or_form_body(client: TestClient) -> None:
    by_get = client.get("/api/v1/verify", params={"contact": "ice.gov", "lang": "es"}).json()
    by_json = client.post("/api/v1/verify", json={"contact": "ice.gov", "lang": "es"})
    by_form = client.post("/api/v1/verify", data={"contact": "ice.gov", "lang": "es"})
    assert by_json.json() == by_get == by_form.json() and by_get["status"] == "listed"
    assert _private(by_json.headers) and _private(by_form.headers)

    def refused(r: Any, status: int = 400, code: str = "invalid_input") -> bool:
        return bool(
            r.status_code == status and r.json()["error"]["code"] == code and _private(r.headers)
        )

    post = client.post
    assert refused(
        post("/api/v1/verify", content=b"{", headers={"content-type": "application/json"})
    )
    assert refused(post("/api/v1/verify", json=["ice.gov"]))
    assert refused(post("/api/v1/verify", json={"contact": 5}))
    assert refused(post("/api/v1/verify", json={"lang": "es"}))
    assert refused(post("/api/v1/verify", json={"contact": "ice.gov", "lang": "fr"}))
    assert refused(post("/api/v1/verify", data={"contact": ["a", "b"]}))
    assert refused(post("/api/v1/verify", json={"contact": "x" * 201}))
    assert refused(post("/api/v1/verify", content=b"ice.gov", headers={"content-type": "text/plain"}),
                   415, "unsupported_media_type")  # fmt: skip
    assert refused(client.get("/api/v1/verify", params={"contact": "x" * 201}))
    assert refused(client.get("/api/v1/verify", params={"contact": "ice.gov", "lang": "fr"}))
    spec = client.get("/openapi.json").json()["paths"]["/api/v1/verify"]
    assert set(spec) == {"get", "post"}
    assert set(spec["post"]["requestBody"]["content"]) == {
        "application/json",
        "application/x-www-form-urlencoded",
    }
    assert "POST /api/v1/verify" in client.get("/docs").text


def test_nothing_of_an_odd_contact_is_logged(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for contact in ODD[:8]:
        client.get("/api/v1/verify", params={"contact": contact})
        client.post("/api/v1/verify", json={"contact": contact})
        client.post("/verify", data={"contact": contact})
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    assert SECRET not in logged


# -- links built from the route -----------------------------------------------------------------
class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action", "formaction", "xlink:href", "poster", "srcset"):
                self.urls.append(value or "")


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.urls


def _external(ctx: Context) -> set[str]:
    """The absolute links the directory itself gives: its phone numbers and email addresses."""
    d = ctx.directory
    phones = [d.media.phone, *(o.phone for o in d.offices)]
    emails = [d.media.email, *(o.email for o in d.offices)]
    out = {"tel:" + re.sub(r"[^0-9+]", "", p) for p in phones if p}
    return out | {"mailto:" + e for e in emails if e}


def _offsite(html: str, ctx: Context) -> list[str]:
    allowed = _external(ctx)
    return [u for u in _links(html) if not (is_site_path(u) or u.startswith("#") or u in allowed)]


ODD_PATHS = [
    "/es//evil.com/", "//evil.com/", "//evil.com", "/es/%2F%2Fevil.com", "/es/%2f%2fevil.com/",
    "/es/\\evil.com", "/es/%5Cevil.com", "/es/%5C%5Cevil.com", "/\\/evil.com", "/es//\\evil.com",
    "/es///evil.com", "/es/offices/%2F%2Fevil.com", "/es/offices//evil.com", "/offices/%5C%5Cx",
    "/es/locate//evil.com", "/es/verify//evil.com", "/es/%09/evil.com", "/es/http://evil.com",
    "/es/..%2F..%2Fevil.com", "/es", "/es/", "/es/locate?q=%2F%2Fevil.com",
    "/locate?q=//evil.com", "/es/search?q=\\\\evil.com", "/es/offices/no-such//evil.com",
    "/es/verify?contact=//evil.com", "/es/docs/", "/docs//evil.com",
]  # fmt: skip


def _raw_get(app: Any, target: bytes) -> tuple[int, str]:
    """GET exactly these bytes as the request target (no client library normalizes them)."""
    raw_path, _, query = target.partition(b"?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": unquote(raw_path.decode("latin-1")), "raw_path": raw_path,
        "query_string": query, "root_path": "", "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
    }  # fmt: skip
    status, chunks = 0, []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        else:
            chunks.append(message.get("body", b""))

    asyncio.run(app(scope, receive, send))
    assert status >= 200, target
    return status, b"".join(chunks).decode()


@pytest.mark.parametrize("path", ODD_PATHS)
def test_no_odd_path_makes_a_link_offsite(client: TestClient, ctx: Context, path: str) -> None:
    r = client.get("http://testserver" + path)
    assert r.status_code < 500
    assert _offsite(r.text, ctx) == [], (path, _links(r.text))
    status, html = _raw_get(client.app, path.encode())
    assert status < 500 and _offsite(html, ctx) == [], (path, _links(html))


SEGMENTS = st.sampled_from(
    ["/", "//", "\\", "%2F", "%5C", "%2f", "%5c", "%09", "es", "evil.com", "offices", "verify",
     "locate", "search", "docs", "..", "%2E", "@", ":", "http:", "?q=", "?q=//evil.com", "#"]
)  # fmt: skip


@given(
    st.sampled_from(["/", "/es/", "/es", "/offices/", "/es/offices/"]),
    st.lists(SEGMENTS, max_size=8),
)
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
def test_any_path_of_slashes_and_hosts_links_only_here(
    client: TestClient, ctx: Context, start: str, parts: list[str]
) -> None:
    target = (start + "".join(parts)).split("#")[0]
    status, html = _raw_get(client.app, target.encode())
    assert status < 500 and _offsite(html, ctx) == [], (target, _links(html))


@pytest.mark.parametrize(
    ("path", "other"),
    [
        ("/", "/es/"),
        ("/es", "/"),
        ("/es/", "/"),
        ("/offices/san-francisco", "/es/offices/san-francisco"),
        ("/es/offices/phoenix", "/offices/phoenix"),
        ("/locate?q=Reno%2C+NV&x=%2F%2Fevil.com", "/es/locate?q=Reno%2C+NV"),
        ("/es/search?q=Sant+Fe", "/locate?q=Sant+Fe"),  # search hands its words to /locate
        ("/docs", "/es/docs"),
        ("/verify?contact=202-732-4646", "/es/verify"),
        ("/es//evil.com/", "/"),  # an unknown path: the other language's home page
        ("//evil.com/", "/es/"),
        ("/es/offices/nope", "/"),  # an error page: home too
        ("/nope", "/es/"),
    ],
)
def test_the_language_link_is_built_from_the_route(
    client: TestClient, path: str, other: str
) -> None:
    html = client.get("http://testserver" + path).text
    found = re.search(r'<nav aria-label="[^"]*" class="lang">\s*<a href="([^"]*)"', html)
    assert found is not None and found.group(1).replace("&amp;", "&") == other
