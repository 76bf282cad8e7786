"""Every route, fuzzed past what the schema says (test_schemathesis.py covers the schema itself).

For each route `create_app()` has (both languages, the API, /openapi.json, /static), hypothesis
builds addresses from what breaks parsers: brackets, valid and broken %-encodings (`%zz`,
`%C0%AF`, invalid UTF-8), IDNs and punycode, Cyrillic and Greek look-alikes, RTL and zero-width
characters, NUL bytes, digits that are not ASCII (`①`, `²`, `٣`), nesting thousands deep, inputs
up to (and just over) the server's URL cap, repeated parameters, and emails, phones and URLs with
userinfo and IPv6 literals. It checks:

- never a 5xx, and never an exception out of the app;
- every 4xx in the product's error shape: the JSON envelope under /api/ (and /openapi.json), an
  HTML page elsewhere;
- every href/src/action in an HTML answer, and every redirect's Location, stays on the site (a
  single "/" then neither "/" nor "\\", read as a browser reads it), or is mailto:, tel:, #..., or
  an https link that is in the directory's own data.

The requests go straight to the ASGI app with the scope uvicorn's httptools protocol builds from
the bytes on the wire (raw_path as sent, path = unquote(raw_path), the query string untouched).
Starlette's TestClient goes through httpx, which re-encodes the address (`%zz` becomes `%25zz`)
and unquotes the path twice, so the broken encodings would never reach the app as they reach it
in production; a test below checks that both drivers agree on well-formed addresses.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import anyio
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from fieldoffice.web.api import ErrorEnvelope
from fieldoffice.web.app import create_app
from fieldoffice.web.edge import MAX_BODY, MAX_URL

# -- what hostile input is made of (test_fuzz_cli.py uses these too) ---------------------------------
HOSTILE_CHARS = (
    "[](){}<>\"'`\\/?#&=;+,@:.%*$!|^~ \t\n\r\x00\x01\x08\x0b\x0c\x1b\x7f\x85"
    "\u00a0\u00ad\u034f\u061c\u115f\u180e\u200b\u200c\u200d\u2060\ufeff\u2028\u2029"  # invisible
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"  # bidi controls
    "аеорсхуіјѕԁАВЕКМНОРСТХ"  # Cyrillic look-alikes of Latin letters
    "αεικνορτυχΑΒΕΗΙΚΜΝΟΡΤΥΧΖ"  # Greek look-alikes
    "שלוםمرحبا"  # right-to-left scripts
    "①②²³٣۴０９𝟗Ⅻ"  # digits and numbers that are not ASCII digits (some pass str.isdigit)
    "＠．／［］（）"  # fullwidth punctuation
    "ßİıﬁﬀǅΐ"  # letters whose case mapping or NFKC changes the length
    "\u0301\u0336\u20dd"  # combining marks
    "é中🙂\U000e0041\ufffd\uffff\U0010ffff"
)
HOSTILE_WORDS = (
    "Reno, NV", "89501", "00000", "39.53, -119.81", "Texas", "Washoe County, NV", "Louisville, KY",
    "1600 Pennsylvania Ave NW, Washington, DC 20500", "san-francisco", "new-york",
    "alice.smith@gmail.com", "alice.smith+tag@gmail.com", "a@[IPv6:::1]", "user@[127.0.0.1]",
    "\"a b\"@example.com", "ICEMedia@ice.dhs.gov", "icemedia@ice.dhs.gov.evil.com",
    "http://[alice.smith@gmail.com]/", "ab.cd[", "http://[::1]:80/", "https://[2001:db8::1]/x",
    "http://user:pass@[::ffff:127.0.0.1]:8080/p?q=1#f", "https://ice.gov@evil.com/",
    "https://evil.com#@ice.gov", "http://[", "http://]", "https://xn--80ak6aa92e.com/",
    "xn--", "xn--zz", "xn--ice-gov-9ya.com", "іce.gov", "ice.gоv", "ｉｃｅ．ｇｏｖ", "ice.gov.",
    "www.ice.gov:99999", "mailto:ICEMedia@ice.dhs.gov", "tel:+1-202-732-4646", "(202) 732-4646",
    "+1 (202) 732\u20114646", "1-866-DHS-2-ICE", "202.732.4646 ext. 123", "①②③-④⑤⑥-⑦⑧⑨⓪",
    "²⁰²⁷³²⁴⁶⁴⁶", "٢٠٢٧٣٢٤٦٤٦", "javascript:alert(1)", "//evil.com", "/\\evil.com", "\\\\evil.com",
    "/\t/evil.com", "../../etc/passwd", "..%2F..%2F", "NaN", "-inf", "1e309", "-0", "0x1p-2",
    "1_000", "9" * 40, "%s%n%x", "{0!r}", "${jndi:ldap://x/a}", "<script>alert(1)</script>",
    "' OR 1=1 --", "null", "[]", "{}", "\u202eVN ,oneR", "Re\u200bno, NV", "Reno,\u00a0NV",
)  # fmt: skip
# already in wire form: what a client can put in an address that no encoder makes
WIRE_TOKENS = (
    "%", "%%", "%2", "%zz", "%g0", "%C0%AF", "%C0%80", "%E0%80%AF", "%ED%A0%80", "%F4%90%80%80",
    "%FF%FE", "%EF%BB%BF", "%00", "%0A%0D", "%E9", "%u202e", "%25", "%252F", "%2F", "%5C", "%2e%2e",
    "%5B", "%5D", "[", "]", "[]", "][", "+", "&", "=", ";", "&&", "==", "?", "/", "//", "\\",
)  # fmt: skip


def nested(n: int, kind: int) -> str:
    opens, closes = ["[", "(", "{", "([{<", "[(", "(["][kind], ["]", ")", "}", ">}])", ")]", "])"][kind]  # fmt: skip
    return opens * n + closes * n if kind < 4 else opens * n


nestings = st.builds(nested, st.integers(1, 3000), st.integers(0, 5))
char_text = st.text(
    st.one_of(st.sampled_from(HOSTILE_CHARS), st.characters(exclude_categories=["Cs"])),
    max_size=40,
)
words = st.sampled_from(HOSTILE_WORDS)
# a long input is a short piece repeated: hypothesis cannot draw thousands of characters one by one
huge = st.builds(lambda piece, n: (piece * n)[:n], st.one_of(words, char_text.filter(bool)),
                 st.integers(100, 3000))  # fmt: skip
numbers = st.one_of(
    st.floats().map(str),
    st.integers().map(str),
    st.builds("{:.5f}, {:.5f}".format, st.floats(-91, 91), st.floats(-181, 181)),
    st.builds(lambda n, pad: pad + n + pad, st.floats(-200, 200).map(str),
              st.sampled_from(["", " ", "\u200b", "\u00a0", "+", "--", "\x00", "٣", "①"])),
)  # fmt: skip
hostile_text = st.one_of(
    words,
    char_text,
    nestings,
    numbers,
    st.lists(
        st.one_of(words, char_text, numbers, st.sampled_from(HOSTILE_CHARS)), min_size=2, max_size=6
    ).map("".join),
    huge,
)


# -- addresses, in wire form ---------------------------------------------------------------------
def _encode(text: str, how: int) -> str:
    """One piece of an address as a client may send it: UTF-8 %-encoded, %-encoded from other
    encodings (never valid UTF-8), or visible ASCII kept as typed and the rest UTF-8 encoded."""
    if how == 0:
        return quote(text.encode("utf-8", "surrogatepass"), safe="")
    if how == 1:
        return quote(text.encode("latin-1", "replace"), safe="")
    if how == 2:
        return quote(text.encode("utf-16-le", "surrogatepass"), safe="")
    if how == 3:  # as browsers send a query: space as +
        return quote(text.encode("utf-8", "surrogatepass"), safe="").replace("%20", "+")
    return "".join(c if "!" <= c <= "~" and c not in "#&=?" else quote(c.encode("utf-8", "surrogatepass"), safe="")
                   for c in text)  # fmt: skip


def encoded(text: st.SearchStrategy[str] = hostile_text) -> st.SearchStrategy[str]:
    piece = st.builds(_encode, text, st.integers(0, 4))
    return st.one_of(
        piece, piece, st.lists(st.one_of(piece, st.sampled_from(WIRE_TOKENS)), max_size=5).map("".join)
    )  # fmt: skip


PARAM_NAMES = ("q", "lat", "lon", "contact", "lang", "office_id", "x", "q[]", "q[0]", "", "Q", "q ")


@st.composite
def query_strings(draw: st.DrawFn, names: tuple[str, ...] = ()) -> str:
    """Mostly the route's own parameters, each with a hostile value; else anything: other names,
    repeated names, a name with no '=', odd separators."""
    if names and draw(st.integers(0, 9)) < 7:
        chosen = draw(
            st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True)
        )
        parts = [f"{name}={draw(encoded())}" for name in chosen]
        if draw(st.integers(0, 4)) == 0:  # and the same once more, or something else
            parts.append(f"{draw(st.sampled_from(names + PARAM_NAMES))}={draw(encoded())}")
        return "&".join(parts)
    name = st.one_of(st.sampled_from(names + PARAM_NAMES), encoded(char_text))
    pairs = draw(st.lists(st.tuples(name, encoded(), st.booleans()), max_size=6))
    parts = [f"{k}={v}" if eq else k for k, v, eq in pairs]
    sep = draw(st.sampled_from(["&", "&", "&", ";", "&&", "&amp;"]))
    return sep.join(parts)


def url_length(target: str) -> int:
    """What the server's guard measures: the raw path and query string, in bytes."""
    return len(target.encode()) - (1 if "?" in target else 0)


@st.composite
def at_the_cap(draw: st.DrawFn, target: str) -> str:
    """The address padded to just under, at or just over MAX_URL with a hostile piece."""
    goal = MAX_URL + draw(st.integers(-3, 3))
    piece = draw(st.sampled_from(["%5B", "[", "%E2%80%AE", "%zz", "(", "xn--", "%C0%AF"]))
    target += "" if "?" in target else "?q="
    room = goal - url_length(target)
    if room <= 0:
        return target
    target += piece * (room // len(piece))
    return target + "a" * (goal - url_length(target))


@dataclass(frozen=True)
class RouteInfo:
    path: str  # the route's path template: /offices/{office_id}
    methods: frozenset[str]
    params: tuple[str, ...]  # query parameters it reads

    @property
    def id(self) -> str:
        return f"{'|'.join(sorted(self.methods))} {self.path}"


def routes_of(app: FastAPI) -> list[RouteInfo]:
    """Every route the app answers, from `app.routes` (FastAPI >= 0.120 wraps included routers:
    their routes are read through `effective_route_contexts`), and the static files mount."""
    found: list[RouteInfo] = []

    def add(path: str, methods: Any, dependant: Any = None) -> None:
        params = tuple(p.name for p in getattr(dependant, "query_params", []) or [])
        found.append(RouteInfo(path, frozenset(methods or ("GET", "HEAD")), params))

    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            for c in contexts():
                add(c.path, c.methods, getattr(c, "dependant", None))
        elif hasattr(route, "routes") and not hasattr(route, "app"):
            raise AssertionError(f"a router this test cannot read: {route!r}")
        elif type(route).__name__ == "Mount":
            add(route.path + "/{path}", ("GET", "HEAD"))
        else:
            add(route.path, getattr(route, "methods", None), getattr(route, "dependant", None))
    return found


# -- the app, driven as uvicorn drives it ----------------------------------------------------------
@dataclass
class Reply:
    method: str
    target: str
    path: str  # as the app saw it
    status: int
    headers: dict[str, str]
    body: bytes

    def __str__(self) -> str:
        return f"{self.method} {self.target[:300]!r} -> {self.status} {self.body[:300]!r}"


async def _call(app: FastAPI, method: str, target: str, headers: list[tuple[bytes, bytes]],
                body: bytes) -> Reply:  # fmt: skip
    raw = target.encode("ascii")  # a request line is bytes; non-ASCII was %-encoded
    raw_path, _, query = raw.partition(b"?")
    path = raw_path.decode("ascii")
    if "%" in path:  # exactly what uvicorn's httptools protocol does
        path = unquote(path)
    scope = {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.4"}, "http_version": "1.1",
        "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 50123), "scheme": "http",
        "method": method, "root_path": "", "path": path, "raw_path": raw_path,
        "query_string": query, "headers": [(b"host", b"127.0.0.1:8000"), *headers],
    }  # fmt: skip
    sent = False
    status, out_headers, chunks = 0, {}, []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await anyio.sleep_forever()  # the client stays connected; the app never reads past it
        raise AssertionError

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            for k, v in message.get("headers", []):
                name = k.decode("latin-1").lower()
                out_headers[name] = (out_headers[name] + ", " if name in out_headers else "") + v.decode("latin-1")  # fmt: skip
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    data = b"".join(chunks)
    if out_headers.get("content-encoding") == "gzip" and data:
        data = gzip.decompress(data)
    return Reply(method, target, path, status, out_headers, data)


class Driver:
    def __init__(self, app: FastAPI, portal: BlockingPortal) -> None:
        self.app, self.portal = app, portal

    def __call__(self, method: str, target: str, headers: list[tuple[bytes, bytes]] | None = None,
                 body: bytes = b"") -> Reply:  # fmt: skip
        headers = list(headers or [])
        if body:
            headers.append((b"content-length", str(len(body)).encode()))
        return self.portal.call(_call, self.app, method, target, headers, body)


_APP: list[FastAPI] = []


def the_app() -> FastAPI:
    """One app for the module, made when this module's tests are collected (its routes are the
    parameters), not when test_fuzz_cli.py imports the strategies above."""
    if not _APP:
        _APP.append(create_app())
    return _APP[0]


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return the_app()


@pytest.fixture(scope="module")
def drive(app: FastAPI) -> Iterator[Driver]:
    with start_blocking_portal() as portal:
        yield Driver(app, portal)


# -- what every answer must be ---------------------------------------------------------------------
def wants_json(path: str) -> bool:
    return path.startswith("/api/") or path == "/openapi.json"


def on_site(url: str) -> bool:
    """A link a browser resolves on this site: '/' alone, or '/' then neither '/' nor '\\' once
    the browser has stripped what it strips (leading/trailing C0 and space, any tab or newline)."""
    url = re.sub(r"[\t\n\r]", "", url).strip("".join(map(chr, range(0x21))))
    return url == "/" or (url.startswith("/") and url[1:2] not in ("/", "\\", ""))


class Links(HTMLParser):
    ATTRS = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "srcset",
                       "data", "background", "cite", "ping"})  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in self.ATTRS and value is not None:
                self.found.append((tag, name, value))
            if tag == "meta" and name == "content" and value and "url=" in value.lower():
                self.found.append((tag, "refresh", value.lower().split("url=", 1)[1]))

    handle_startendtag = handle_starttag


def allowed_link(url: str, external: frozenset[str]) -> bool:
    bare = url.strip()
    return (on_site(bare) or bare.startswith(("#", "mailto:", "tel:"))
            or (bare.startswith("https://") and bare in external))  # fmt: skip


def check(reply: Reply, external: frozenset[str]) -> None:
    assert reply.status < 500, str(reply)
    assert reply.status >= 200, str(reply)
    ctype = reply.headers.get("content-type", "")
    if 300 <= reply.status < 400 and reply.status != 304:
        location = reply.headers.get("location", "")
        assert on_site(location), f"redirect off the site: {location!r}; {reply}"
    if 400 <= reply.status < 500:
        if wants_json(reply.path):
            assert ctype == "application/json", f"{ctype}; {reply}"
            if reply.method != "HEAD":
                ErrorEnvelope.model_validate(json.loads(reply.body))
        else:
            assert ctype.startswith("text/html"), f"{ctype}; {reply}"
            if reply.method != "HEAD":
                assert reply.body.lstrip().lower().startswith(b"<!doctype html>"), str(reply)
    if reply.status == 200 and reply.method == "GET" and "json" in ctype:
        json.loads(reply.body)
    if ctype.startswith("text/html") and reply.body:
        parser = Links()
        parser.feed(reply.body.decode("utf-8"))
        for tag, attr, url in parser.found:
            assert allowed_link(url, external), f"<{tag} {attr}={url!r}> leaves the site; {reply}"


@pytest.fixture(scope="module")
def external(app: FastAPI) -> frozenset[str]:
    """https links the directory itself gives (an office's web page): the only ones allowed."""
    site = app.state.live.site
    text = repr(site.ctx.directory) + repr(site.ctx.regions)
    return frozenset(re.findall(r"https://[^\s'\"\\<>]+", text))


# -- the tests -----------------------------------------------------------------------------------
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "route" in metafunc.fixturenames:
        routes = routes_of(the_app())
        metafunc.parametrize("route", routes, ids=[r.id for r in routes])


# FUZZ_SCALE=10 for a longer hunt; the suite's default keeps the file well under a minute
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))
FUZZ = settings(
    max_examples=int(50 * SCALE), deadline=None, suppress_health_check=list(HealthCheck)
)
CONTENT_TYPES = (
    "", "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=latin-1",
    "application/json", "application/json; charset=utf-16", "application/vnd.api+json",
    "text/plain", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded\x00json",
)  # fmt: skip
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), hostile_text),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["contact", "lang", "q", ""]), inner, max_size=3)
    ),
    max_leaves=8,
)


def _form(contact: str, lang: str, how: int) -> bytes:
    return f"contact={_encode(contact, how)}&lang={_encode(lang, how)}".encode()


bodies = st.one_of(
    st.builds(_form, hostile_text, st.sampled_from(["en", "es", "", "EN", "xx", "[]"]), st.integers(0, 4)),
    json_values.map(lambda v: json.dumps(v, allow_nan=True).encode()),
    st.builds(lambda c: json.dumps({"contact": c}).encode(), hostile_text),
    st.builds(lambda n, kind: nested(n, kind).encode(), st.integers(1, MAX_BODY), st.integers(0, 1)),
    st.binary(max_size=200),
    st.builds(lambda n: b"contact=" + b"1" * n, st.integers(MAX_BODY - 20, MAX_BODY + 20)),
)  # fmt: skip


@st.composite
def extra_headers(draw: st.DrawFn, etag: bytes) -> list[tuple[bytes, bytes]]:
    headers = []
    if draw(st.booleans()):
        headers.append((b"accept-encoding", b"gzip, deflate"))
    if draw(st.integers(0, 3)) == 0:
        headers.append((b"origin", b"https://evil.example"))
    if draw(st.integers(0, 3)) == 0:
        headers.append((b"if-none-match", etag))
    return headers


def fill(template: str, segment: str) -> str:
    return re.sub(r"\{\w+(?::\w+)?\}", lambda _: segment, template)


@given(data=st.data())
@FUZZ
def test_every_route_takes_hostile_addresses(drive: Driver, app: FastAPI, external: frozenset[str],
                                             route: RouteInfo, data: st.DataObject) -> None:  # fmt: skip
    own = sorted(route.methods)
    method = data.draw(st.sampled_from([*own, *own, *own, "GET", "HEAD", "POST"]), "method")
    path = fill(route.path, data.draw(encoded(), "segment"))
    query = data.draw(st.one_of(st.just(""), query_strings(route.params)), "query")
    target = path + ("?" + query if query else "")
    if data.draw(st.integers(0, 7), "near the cap?") == 0:
        target = data.draw(at_the_cap(target), "at the cap")
    body = data.draw(bodies, "body") if method == "POST" else b""
    headers = data.draw(extra_headers(app.state.live.site.etag.encode()), "headers")
    if method == "POST":
        headers.append((b"content-type", data.draw(st.sampled_from(CONTENT_TYPES)).encode()))
    reply = drive(method, target, headers, body)
    event(f"{method} {reply.status}")  # shown by --hypothesis-show-statistics
    check(reply, external)
    assert (reply.status == 414) == (url_length(target) > MAX_URL), (url_length(target), str(reply))
    if reply.status == 304:  # only where the answer would be a 200
        again = drive(method, target, [h for h in headers if h[0] != b"if-none-match"], body)
        assert again.status == 200, f"304, but without If-None-Match: {again}"


PREFIXES = ("", "/es", "/api/v1", "/api", "/static", "/es/api/v1", "/api/v1/offices", "/es/offices")
SEGMENTS = ("", ".", "..", "evil.com", "/evil.com", "\\evil.com", "%2F%2Fevil.com", "%5Cevil.com",
            "%09/evil.com", "locate", "verify", "docs", "search", "es", "offices", "new-york",
            "territory.geojson", "style.css", "openapi.json")  # fmt: skip


@given(prefix=st.sampled_from(PREFIXES),
       segments=st.lists(st.one_of(st.sampled_from(SEGMENTS), encoded()), max_size=4),
       joiner=st.sampled_from(["/", "/", "//", "/./", "/../"]),
       trail=st.sampled_from(["", "/", "//", "?q=Reno%2C+NV", "?q=%5B"]),
       method=st.sampled_from(["GET", "GET", "HEAD", "POST"]))  # fmt: skip
@settings(max_examples=int(200 * SCALE), deadline=None, suppress_health_check=list(HealthCheck))
def test_any_path_on_the_site(drive: Driver, external: frozenset[str], prefix: str,
                              segments: list[str], joiner: str, trail: str, method: str) -> None:  # fmt: skip
    path = prefix + "/" + joiner.join(segments) + trail
    check(drive(method, path), external)


KNOWN = (
    "/es//evil.com/", "/es/%2F%2Fevil.com/", "//evil.com/", "/\\evil.com/", "/es/\\evil.com",
    "/verify?contact=http%3A%2F%2F%5Balice.smith%40gmail.com%5D%2F", "/verify?contact=ab.cd%5B",
    "/api/v1/verify?contact=http://[alice.smith@gmail.com]/", "/api/v1/verify?contact=ab.cd[",
    "/es/verify?contact=%5B%5B%5B%5B&contact=%00", "/locate?q=%zz", "/locate?q=%C0%AF",
    "/api/v1/locate?q=%C0%AF", "/api/v1/locate?q=%ED%A0%80", "/api/v1/locate?lat=%00&lon=1",
    "/api/v1/locate?lat=1e309&lon=nan", "/api/v1/locate?q=" + "[" * 300,
    "/locate?q=" + "(" * 2000 + ")" * 2000, "/search?q=" + "%5B" * 1000,
    "/offices/%2e%2e", "/api/v1/offices/%00/territory.geojson", "/static/%2e%2e/%2e%2e/etc/passwd",
    "/static/%00", "/es/locate?q=xn--80ak6aa92e.com&q=%E2%80%AE", "/docs?%zz=%zz",
    "/api/v1/verify?contact=%E2%91%A0%E2%91%A1%E2%91%A2%E2%91%A3%E2%91%A4%E2%91%A5%E2%91%A6%E2%91%A7%E2%91%A8%E2%93%AA",
    "/api/v1/locate?q=%E2%91%A0%E2%91%A1%E2%91%A2%E2%91%A3%E2%91%A4",
    "/api/v1/locate?q=%C2%B2%C2%B3%C2%B9%C2%B2%C2%B3", "/api/v1/locate?q=%D9%A3%D9%A3%D9%A3%D9%A3%D9%A3",
)  # fmt: skip


@pytest.mark.parametrize("target", KNOWN)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_known_hostile_addresses(drive: Driver, external: frozenset[str], target: str, method: str) -> None:  # fmt: skip
    check(drive(method, target), external)


@pytest.mark.parametrize(
    ("method", "target", "body"),
    [
        ("GET", "/locate?q=" + "a" * MAX_URL, b""),
        ("POST", "/verify", b"contact=" + b"1" * MAX_BODY),
    ],
    ids=["414", "413"],
)
def test_guard_refusals_on_pages_are_html_pages(drive: Driver, method: str, target: str, body: bytes) -> None:  # fmt: skip
    reply = drive(method, target, [(b"content-type", b"application/x-www-form-urlencoded")], body)
    assert reply.status in (413, 414)
    assert reply.headers["content-type"].startswith("text/html"), str(reply)


def test_every_route_is_fuzzed(app: FastAPI) -> None:
    ids = {r.id for r in routes_of(app)}
    for expected in ("GET /api/v1/locate", "POST /api/v1/verify", "GET|HEAD /es/locate",
                     "GET|HEAD /offices/{office_id}", "POST /es/verify", "GET|HEAD /static/{path}",
                     "GET|HEAD /openapi.json", "GET /api/v1/offices/{office_id}/territory.geojson"):  # fmt: skip
        assert expected in ids, sorted(ids)
    assert len(ids) >= 24


@pytest.mark.parametrize(
    "target",
    ["/", "/es/", "/locate?q=Reno%2C+NV", "/es/locate?q=zzqx", "/api/v1/locate?q=Reno%2C%20NV",
     "/api/v1/offices/new-york", "/offices/nope", "/api/v1/verify?contact=%28202%29+732-4646",
     "/verify?contact=ab.cd%5B", "/search?q=reno", "/api/v1/locate?lat=39.5&lon=-119.8"],
)  # fmt: skip
def test_the_driver_answers_as_the_test_client_does(app: FastAPI, drive: Driver, target: str) -> None:  # fmt: skip
    ours = drive("GET", target)
    theirs = TestClient(app).get(target, follow_redirects=False, headers={"accept-encoding": "identity"})  # fmt: skip
    assert (ours.status, ours.body) == (theirs.status_code, theirs.content)
    assert urlsplit(target).path == ours.path
