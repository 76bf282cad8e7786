"""The site, round 2 (issue 14), through the in-process client and the core: answer-first
headings worded from the reason code in both languages, the distant-office rule in every door,
maps that colour every county by office, Spanish all the way (the directory's translations, lint),
one resolver for every search box, HEAD wherever GET answers, validation in the product's words,
favicon and manifest, no repository path on any page."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount, Route

from fieldoffice.batch.rows import assign_points, result_columns
from fieldoffice.core.answer import ReasonCode
from fieldoffice.core.errors import DataError
from fieldoffice.directory.context import Context
from fieldoffice.directory.file import load_directory
from fieldoffice.editing.lint import lint_file
from fieldoffice.lookup.decide import NEAREST_OFFICE_MAX_KM
from fieldoffice.lookup.locate import Locator
from fieldoffice.lookup.wording import _HEADLINES, headline, sentence
from fieldoffice.web.app import create_app
from fieldoffice.web.i18n import translations
from tests.cli.test_commands import run
from tests.directories import office, write

ES = translations("es").gettext


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def h1(page: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    assert found is not None
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip()


def headings(page: str) -> list[str]:
    return re.findall(r"<h([1-6])[\s>]", page)


# -- answer first -----------------------------------------------------------------------------
HEADLINES = {
    "Reno, NV": "San Francisco Office covers Reno, NV",
    "Texas": "Texas is split between 4 offices",
    "Florida": "Florida: Miami Office and Tampa Office both claim it",
    "Richmond, VA": "No office covers Richmond, VA",
    "Guam": "No office is near Guam: call the national line",
    "89501": "San Francisco Office covers ZIP code 89501",
    "Virginia": "Washington, DC Headquarters covers only part of Virginia",
    "Xyzzy": "Nothing matches “Xyzzy”",
    "99999": "There is no ZIP code 99999",
}


def test_every_reason_code_has_a_headline() -> None:
    assert set(_HEADLINES) == set(ReasonCode)


@pytest.mark.parametrize(("q", "words"), list(HEADLINES.items()))
def test_the_outcome_is_the_first_heading(client: TestClient, q: str, words: str) -> None:
    page = client.get("/locate", params={"q": q}).text
    assert headings(page)[0] == "1" and h1(page) == words
    assert f"<title>{html.escape(words, quote=False)} · fieldoffice</title>" in page


def test_the_office_and_how_to_reach_it_follow_the_heading(client: TestClient) -> None:
    page = client.get("/locate", params={"q": "Reno, NV"}).text
    after = page[page.index("</h1>") :]
    card = after[: after.index('class="reason"')]
    assert 'href="/offices/san-francisco"' in card and "San Francisco, CA" in card
    assert 'href="tel:2027324646"' in card
    # then the reason, its confidence, then the map
    assert after.index('class="reason"') < after.index("Confidence") < after.index("<svg xmlns")


def test_headlines_are_spanish_on_spanish_pages(client: TestClient, locator: Locator) -> None:
    for q in HEADLINES:
        a = locator.locate(q)
        spanish, english = headline(a, ES), headline(a)
        assert spanish != english, q
        assert h1(client.get("/es/locate", params={"q": q}).text) == spanish
    assert headline(locator.locate("Reno, NV"), ES) == "San Francisco Office cubre Reno, NV"


def test_a_query_too_long_is_worded_by_the_product_in_each_language(client: TestClient) -> None:
    q = "x" * 400
    en = client.get("/locate", params={"q": q})
    es = client.get("/es/locate", params={"q": q})
    assert en.status_code == es.status_code == 400
    assert h1(en.text) == "That is too long to be a place"
    assert "The query is longer than 300 characters. Type one place at a time." in en.text
    assert h1(es.text) == "Eso es demasiado largo para ser un lugar"
    assert "La búsqueda tiene más de 300 caracteres" in html.unescape(es.text)
    assert "String should have" not in en.text + es.text


def test_the_verify_verdict_leads_the_page_in_the_core_words(client: TestClient) -> None:
    page = client.get("/verify", params={"contact": "202-732-4647"}).text
    assert headings(page)[0] == "1" and h1(page).startswith("Look-alike")
    assert 'class="verdict verdict-look_alike"' in page
    assert "1 digit away from (202) 732-4646" in page  # what the command line says
    es = client.get("/es/verify", params={"contact": "202-732-4647"}).text
    assert h1(es).startswith("Imitación") and "1 digit away" in es  # detail, marked English


# -- the distant-office rule: decided once, worded by every door -----------------------------------
def test_past_the_limit_no_nearest_office_only_the_national_line(
    locator: Locator, ctx: Context
) -> None:
    guam = locator.locate("Guam")
    assert guam.status == "uncovered" and guam.nearest_office is None
    far = guam.reason_params["no_office_near"]
    assert far["max_km"] == NEAREST_OFFICE_MAX_KM == 1000 and far["nearest_km"] > 9000
    assert guam.reason_params["national_line"] == "(202) 732-4646"
    assert "Seattle" not in sentence(guam) and "call the national line" in sentence(guam)
    assert "línea nacional" in sentence(guam, ES)
    near = locator.locate("Richmond, VA")  # 157 km: the nearest office is named
    assert near.nearest_office is not None and "no_office_near" not in near.reason_params
    point = locator.locate_point(lat=13.44, lon=144.79)  # a point in Guam, as any door asks
    assert point.nearest_office is None and "no_office_near" in point.reason_params


def test_every_door_says_no_office_is_near(client: TestClient, ctx: Context) -> None:
    r = run("locate", "Guam", "--json")
    body = json.loads(r.stdout.splitlines()[0])
    assert body["nearest_office"] is None and "No office is within 1,000 km" in body["reason"]
    text = run("locate", "Guam").stdout
    assert "no office within 1,000 km: call the national line, (202) 732-4646" in text
    assert "Seattle" not in text
    api = client.get("/api/v1/locate", params={"q": "Guam"}).json()
    assert api["nearest_office"] is None and api["reason_params"]["no_office_near"]
    page = client.get("/locate", params={"q": "Guam"}).text
    assert "Call the national line" in page and "Seattle" not in page
    a = assign_points(ctx, lat=[13.44], lon=[144.79])  # batch names no nearest office at all
    cols = {k: v.to_pylist() for k, v in result_columns(ctx, a).items()}
    assert cols["status"] == ["uncovered"] and "Seattle" not in cols["reason"][0]


# -- maps ---------------------------------------------------------------------------------------
def test_the_texas_map_colours_all_254_counties_by_4_offices(client: TestClient) -> None:
    page = client.get("/locate", params={"q": "Texas"}).text
    start = page.index('<svg xmlns="http://www.w3.org/2000/svg"')
    svg = page[start : page.index("</svg>", start) + 6]
    groups = re.findall(r'<g fill="(#[0-9A-F]{6})" class="answer-counties">(.*?)</g>', svg)
    counts = sorted(len(re.findall(r"<path ", body)) for _, body in groups)
    assert counts == [18, 54, 54, 128] and len({fill for fill, _ in groups}) == 4
    legend = re.findall(r'<li><svg class="swatch".*?fill="(#[0-9A-F]{6})".*?</svg><span><a href="/offices/([a-z-]+)">', page)  # fmt: skip
    assert sorted(o for _, o in legend) == ["dallas", "el-paso", "houston", "san-antonio"]
    assert {f for f, _ in legend} == {fill for fill, _ in groups}
    assert "128 counties" in page and "18 counties" in page


def test_puerto_rico_shows_every_county(client: TestClient) -> None:
    page = client.get("/locate", params={"q": "Puerto Rico"}).text
    assert page.count("<title>") - 1 >= 78  # every municipio named (plus neighbours)
    assert 'fill="url(#sm-uncovered)"' in page and "78 counties" in page


def test_a_place_has_a_marker_and_an_outline(client: TestClient) -> None:
    reno = client.get("/locate", params={"q": "Reno, NV"}).text
    assert 'class="place-outline"' in reno and ">Reno</text>" in reno
    point = client.get("/locate", params={"q": "39.53, -119.81"}).text
    assert 'class="place-dot"' in point and 'class="place-outline"' not in point


def test_the_national_map_numbers_each_office_with_a_legend(client: TestClient) -> None:
    page = client.get("/").text
    labels = re.findall(r'<g class="map-label">.*?<text[^>]*>([\d/]+)</text>', page)
    numbers = [int(n) for label in labels for n in label.split("/")]
    assert sorted(numbers) == list(range(1, 23))  # each office once; Miami/Tampa on Florida
    assert '<g class="map-labels" aria-hidden="true">' in page  # the links name the offices
    legend = re.findall(r'<li value="(\d+)"><svg class="swatch"[^>]*><rect [^>]*fill="([^"]+)"/></svg><a href="/offices/([a-z-]+)">', page)  # fmt: skip
    assert len(legend) == 22
    for _number, fill, oid in legend:  # the colour of the territory the row names
        if fill == "url(#p-contested)":  # all its counties are shared
            assert oid in ("miami", "tampa")
            continue
        where = rf'<a href="/offices/{oid}" aria-label="[^"]+"><path d="[^"]+" fill="{fill}" class="territory">'
        assert re.search(where, page) is not None, oid
    assert "Stripes: claimed by Miami Office and Tampa Office: Florida" in page


def test_state_pages_in_both_languages(client: TestClient) -> None:
    home = client.get("/").text
    assert home.count('href="/states/') == 56
    tx = client.get("/states/TX")
    assert tx.status_code == 200 and h1(tx.text) == "Texas is split between 4 offices"
    assert tx.text.count('<a href="/offices/') >= 4 and 'class="state-map"' in tx.text
    es = client.get("/es/states/TX").text
    assert 'href="/es/offices/dallas"' in es and h1(es) == "Texas está repartido entre 4 oficinas"
    assert client.get("/states/tx", follow_redirects=False).headers["location"] == "/states/TX"
    assert client.get("/states/ZZ").status_code == 404
    assert client.head("/es/states/AK").status_code == 200


# -- Spanish all the way --------------------------------------------------------------------
def test_the_spanish_home_page_shows_the_warning_in_spanish(client: TestClient) -> None:
    page = client.get("/es/").text
    assert h1(page) == "Oficinas locales de la Oficina de Asuntos Públicos"
    assert "Esa oficina nunca llama para pedir información personal ni dinero" in page
    assert "NOTA: El Servicio de Inmigración y Control de Aduanas" in page
    assert "Para consultas de los medios de comunicación" in page
    assert "Traducción al español del texto oficial en inglés" in page
    # the English original, one click away and marked English
    assert (
        '<summary>Leer el texto oficial en inglés</summary><p lang="en">NOTE: It has come' in page
    )
    short = page.index("Esa oficina nunca llama")
    assert short < page.index('id="lookup-q"') < page.index("NOTA: El Servicio")


def test_the_directory_carries_its_translations(ctx: Context) -> None:
    d = load_directory()
    es = d.translations["es"]
    assert set(es.notices) == set(es.summaries) == {n.id for n in d.notices}
    assert es.media_text and es.media_about and es.credit_line and es.statement
    assert d.notices[0].summary and "never calls" in d.notices[0].summary


def test_lint_warns_of_notices_without_a_translation(ctx: Context, tmp_path: Path) -> None:
    notice = (
        '\n[[directory.notice]]\nid = "scam"\nkind = "scam"\ntext = "We never call for money."\n'
    )
    bare = write(tmp_path, office("a", '{ phrase = "Rhode Island", state = "RI" }'),
                 media='phone = "(555) 010-0000"' + notice, name="bare.toml")  # fmt: skip
    found = [f for f in lint_file(bare, ctx.gazetteer, ctx.regions).findings if f.kind == "untranslated"]  # fmt: skip
    assert len(found) == 1 and found[0].severity == "warning"
    assert found[0].details == {"language": "es", "missing": ["notice 'scam'"]}
    translated = write(tmp_path, office("a", '{ phrase = "Rhode Island", state = "RI" }'),
                       media='phone = "(555) 010-0000"' + notice
                       + '[directory.translations.es]\nstatement = "Traducción."\n'
                       + '[directory.translations.es.notice.scam]\ntext = "Nunca llamamos."\n',
                       name="translated.toml")  # fmt: skip
    kinds = {f.kind for f in lint_file(translated, ctx.gazetteer, ctx.regions).findings}
    assert "untranslated" not in kinds
    shipped = {f.kind for f in lint_file(None, ctx.gazetteer, ctx.regions).findings}
    assert "untranslated" not in shipped


def test_a_translation_must_say_what_it_is(tmp_path: Path) -> None:
    path = write(tmp_path, office("a", '{ phrase = "Rhode Island", state = "RI" }'),
                 media='phone = "1"\n[directory.translations.es]\ntitle = "Oficinas"\n')  # fmt: skip
    with pytest.raises(DataError, match="statement"):
        load_directory(path)


# -- one search box ---------------------------------------------------------------------------
@pytest.mark.parametrize("q", ["Reno, NV", "Tampa", "Houston", "Tampa Office", "Sant Fe", "NoVA"])
def test_the_header_search_and_the_lookup_give_the_same_page(client: TestClient, q: str) -> None:
    by_lookup = client.get("/locate", params={"q": q})
    by_header = client.get("/search", params={"q": q})  # old links to the header's address
    assert by_lookup.status_code == by_header.status_code
    assert by_lookup.url == by_header.url and by_lookup.text == by_header.text
    # every page has exactly one place search, and all of them go to /locate
    for path in ("/", "/offices/phoenix", "/states/NV", "/docs", "/locate?q=Texas"):
        forms = re.findall(r'<form action="([^"]+)" method="get"', client.get(path).text)
        assert forms == ["/locate"], path


# -- small faults ------------------------------------------------------------------------------
def _routes(routes: Any) -> Iterator[Any]:
    """Every route, inside included routers too (FastAPI keeps those as included-router nodes)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _routes(inner.routes)
        else:
            yield route


def test_head_answers_wherever_get_does(client: TestClient) -> None:
    samples = {"office_id": "phoenix", "usps": "NV"}
    seen = 0
    for route in _routes(client.app.routes):  # type: ignore[attr-defined]
        if isinstance(route, Mount) or not isinstance(route, (APIRoute, Route)):
            continue
        if "GET" not in (route.methods or ()):
            continue
        path = route.path_format.format(**samples)
        query = {"/api/v1/locate": "?q=Reno", "/api/v1/verify": "?contact=ice.gov"}.get(path, "")
        get, head = client.get(path + query), client.head(path + query)
        assert head.status_code == get.status_code < 400, path
        assert head.content == b"" and head.headers["content-type"] == get.headers["content-type"]
        seen += 1
    assert seen >= 20
    for path in ("/static/style.css", "/favicon.ico", "/static/manifest.json"):
        assert client.head(path).status_code == 200, path


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/api/v1/locate?lat=" + "1" * 41 + "&lon=2", "The latitude (lat) is longer than 40 characters"),
        ("/api/v1/verify", "The contact to check (contact) is missing"),
        ("/api/v1/locate?q=" + "x" * 301, "The query is longer than 300 characters"),
    ],
)  # fmt: skip
def test_validation_is_worded_by_the_product(client: TestClient, path: str, words: str) -> None:
    r = client.get(path)
    error = r.json()["error"]
    assert r.status_code == 400 and error["code"] == "invalid_input"
    assert error["message"].startswith(words)
    assert "String should" not in r.text and "Field required" not in r.text
    assert "query." not in error["message"]


def test_error_pages_speak_the_page_language(client: TestClient) -> None:
    assert "No page has this address" in client.get("/nope").text
    es = client.get("/es/nope")
    assert es.status_code == 404 and "Ninguna página tiene esta dirección" in es.text


def test_favicon_and_manifest(client: TestClient) -> None:
    page = client.get("/").text
    assert '<link rel="icon" href="/static/favicon.svg"' in page
    assert '<link rel="manifest" href="/static/manifest.json">' in page
    ico = client.get("/favicon.ico")
    assert ico.status_code == 200 and ico.content[:4] == b"\x00\x00\x01\x00"
    manifest = client.get("/static/manifest.json").json()
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200
    csp = client.get("/").headers["content-security-policy"]
    assert "default-src 'self'" in csp  # manifest and icons come from this site


@pytest.mark.parametrize(
    "path",
    ["/", "/es/", "/locate?q=Texas", "/es/locate?q=Guam", "/offices/seattle", "/states/CA",
     "/verify?contact=202-732-4647", "/docs", "/nope", "/es/verify"],
)  # fmt: skip
def test_no_repository_path_on_any_page(client: TestClient, path: str) -> None:
    page = client.get(path).text
    assert not re.search(r"shared/|seed/|\.txt\b|/work/|src/fieldoffice", page), path


def test_an_ambiguous_name_lists_as_many_places_as_it_counts() -> None:
    """Issue 23: /locate?q=Springfield counts the places it lists, and lists every Springfield
    that is answered by itself; a not-found page offers its suggestions once."""
    import re

    from fastapi.testclient import TestClient

    from fieldoffice.web.app import create_app

    client = TestClient(create_app())
    html = client.get("/locate", params={"q": "Springfield"}).text
    listed = re.findall(r'<li><a href="/locate\?q=Springfield%2C%20(\w\w)">', html)
    n = int(re.search(r"(\d+) places are called Springfield", html)[1])  # type: ignore[index]
    assert n == len(listed) == len(set(listed))
    assert {"PA", "NJ", "TN", "VT", "NE", "MO", "IL", "MA"} <= set(listed)
    miss = client.get("/locate", params={"q": "Sant Fe"}).text
    assert miss.count("Santa Fe, NM") == 1
