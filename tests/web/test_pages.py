"""The HTML pages through the in-process client, in both languages."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from fieldoffice.web.app import create_app
from fieldoffice.web.i18n import translations
from tests.i18n_messages import extracted_messages
from tests.paths import ROOT


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def test_home_has_the_contact_page_and_more(client: TestClient) -> None:
    html = client.get("/").text
    assert '<html lang="en">' in html
    assert "(202) 732-4646" in html and "ICEMedia@ice.dhs.gov" in html
    assert "compromised" in html  # the scam notice
    assert "Photo Courtesy of ICE" in html
    assert html.count('href="/offices/') >= 22
    assert (
        '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'aria-describedby="map-desc"' in html
    )
    assert 'href="/es/"' in html and "En Español" in html
    assert 'class="skip-link" href="#main"' in html
    assert "2020-03-01" in html


def test_home_is_small_with_gzip(client: TestClient) -> None:
    r = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert len(gzip.compress(r.content)) < 150_000


def test_spanish_pages(client: TestClient) -> None:
    html = client.get("/es/").text
    assert '<html lang="es">' in html and "Consultas de los medios" in html
    assert 'href="/es/offices/phoenix"' in html and 'href="/"' in html
    page = client.get("/es/locate", params={"q": "Reno, NV"}).text
    assert "Una oficina es la responsable" in page and "Oficina de" not in page


def test_locate_page_for_each_status(client: TestClient) -> None:
    assert "San Francisco Office" in client.get("/locate", params={"q": "Reno, NV"}).text
    texas = client.get("/locate", params={"q": "Texas"}).text
    assert all(
        n in texas
        for n in ("Dallas Office", "El Paso Office", "Houston Office", "San Antonio Office")
    )
    miss = client.get("/locate", params={"q": "Rneo, NV"})
    assert miss.status_code == 404 and "Reno, NV" in miss.text
    bad = client.get("/locate", params={"q": "91, 0"})
    assert bad.status_code == 400
    far = client.get("/locate", params={"q": "Richmond, VA"}).text
    assert "Nearest office" in far and "Washington, DC Headquarters" in far
    washoe = client.get("/locate", params={"q": "Washoe County, NV"}).text
    assert 'class="answer-counties"' in washoe and "<title>Washoe County, NV</title>" in washoe


def test_office_page(client: TestClient) -> None:
    html = client.get("/offices/laguna-niguel").text
    assert "Los Angeles California, Hawaii, Southern Nevada" in html
    assert "Nye County, NV" in html and "low" in html
    assert client.get("/offices/atlantis").status_code == 404


@pytest.mark.parametrize(
    ("q", "lands"),
    [
        ("Tampa Office", "/offices/tampa"),  # an office by its name or id lands on its page
        ("san-diego", "/offices/san-diego"),
        ("Reno, NV", "/locate?q=Reno%2C+NV"),
        ("Northern Nevada", "/locate?q=Northern+Nevada"),
        ("89501", "/locate?q=89501"),
        ("Texas", "/locate?q=Texas"),
        ("NoVA", "/locate?q=NoVA"),
        ("Houston", "/locate?q=Houston"),  # a city is a place: its answer names the office
        ("Springfield", "/locate?q=Springfield"),
        ("RGV", "/locate?q=RGV"),
    ],
)
def test_search_lands_on_the_right_page(client: TestClient, q: str, lands: str) -> None:
    """The header's old /search address hands the same words to the one resolver, /locate."""
    r = client.get("/search", params={"q": q}, follow_redirects=False)
    assert r.status_code == 303
    final = client.get(r.headers["location"], follow_redirects=False)
    if lands.startswith("/offices/"):
        assert final.status_code == 303 and final.headers["location"] == lands
    else:
        assert r.headers["location"] == lands and final.status_code == 200


def test_search_lists_candidates_when_unsure(client: TestClient) -> None:
    r = client.get("/search", params={"q": "Sant Fe"})
    assert r.status_code == 404 and "Did you mean" in r.text


def test_every_page_is_translated() -> None:
    es = translations("es")
    missing = [
        m for m in sorted(extracted_messages()) if es.gettext(m) == m and m not in ("Error",)
    ]
    assert missing == []
    assert es.ngettext("%(num)d county", "%(num)d counties", 5) == "%(num)d condados"


def test_map_colours_differ_between_neighbours() -> None:
    from fieldoffice.directory.context import load_context
    from fieldoffice.web.svgmap import MapData

    data = MapData(load_context())
    adjacency = data.office_adjacency()
    assert adjacency["dallas"] >= {"el-paso", "houston", "san-antonio"}
    for office, neighbours in adjacency.items():
        for n in neighbours:
            assert data.colors[office] != data.colors[n], (office, n)


def _deuteranopia(hex_color: str) -> tuple[float, float, float]:
    # Machado et al. (2009) deuteranopia matrix on linear RGB
    rgb = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    m = [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ]
    return tuple(sum(m[i][j] * lin[j] for j in range(3)) for i in range(3))  # type: ignore[return-value]


def test_palette_stays_distinguishable_with_red_green_colour_blindness() -> None:
    from fieldoffice.web.svgmap import PALETTE

    sims = [_deuteranopia(c) for c in PALETTE]
    for i in range(len(sims)):
        for j in range(i + 1, len(sims)):
            dist = sum((a - b) ** 2 for a, b in zip(sims[i], sims[j], strict=True)) ** 0.5
            assert dist > 0.05, (PALETTE[i], PALETTE[j])


def test_html_has_no_inline_script_or_style_attributes(client: TestClient) -> None:
    for url in ("/", "/es/", "/locate?q=Texas", "/offices/seattle", "/docs"):
        html = client.get(url).text
        assert "<script" not in html and not re.search(r"\sstyle=", html), url


def test_english_data_inside_spanish_pages_is_marked_english(client: TestClient) -> None:
    html = client.get("/es/").text
    # the notice is shown in its Spanish translation, the English original marked as English
    assert '<p lang="en">NOTE: It has come to the attention' in html
    assert '<span lang="en">Los Angeles California, Hawaii, Southern Nevada</span>' in html
    assert 'lang="en">NOTE' not in client.get("/").text


def test_the_footer_names_the_version_in_force_and_its_real_date(tmp_path: Path) -> None:
    """A store's version took effect when it was published: the footer says which version and
    that day, not the date the directory's text was first written (issue 23)."""
    from fieldoffice.directory.file import default_path
    from fieldoffice.store.versions import import_version

    app = create_app(database=f"sqlite:///{tmp_path / 'store.db'}")
    client = TestClient(app)
    assert "Version 1, in force since 2020-03-01." in client.get("/").text
    newer = tmp_path / "newer.toml"
    text = default_path().read_text()
    newer.write_text(text.replace('effective_date = "2020-03-01"', 'effective_date = "2024-05-01"'))
    import_version(app.state.store, newer, actor="test", address="local", action="publish")
    assert app.state.live.refresh()
    assert "Version 2, in force since 2024-05-01." in client.get("/").text
    spanish = client.get("/es/").text
    assert "Versión 2, vigente desde el 2024-05-01." in spanish
    assert "2020-03-01" not in spanish


def test_spanish_pages_name_states_in_spanish(client: TestClient) -> None:
    """Issue 23: state and territory names from the USAGov en Español table; the agency's own
    English (office names, AOR text) marked lang="en"; the footer's source worded in Spanish."""
    import json

    from fieldoffice.web.i18n import state_names

    es = state_names("es")
    assert es["NC"] == "Carolina del Norte" and es["VI"] == "Islas Vírgenes de los EE. UU."
    states = json.loads((ROOT / "src/fieldoffice/data/states.json").read_text())
    assert set(es) == {s["usps"] for s in states["states"]}
    english = {s["name"] for s in states["states"]} - set(es.values())
    for url in ("/es/", "/es/locate?q=Miami", "/es/offices/atlanta", "/es/states/NC"):
        html = client.get(url).text
        text = re.sub(r'<(\w+)[^>]*lang="en"[^>]*>.*?</\1>', " ", html, flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text)
        text = re.sub(r"«[^»]*»", " ", text)  # the AOR's own phrases, quoted in a reason
        assert [n for n in english if re.search(rf"\b{re.escape(n)}\b", text)] == [], url
    home = client.get("/es/").text
    assert "Carolina del Norte" in home and "saved copy" not in home


@pytest.mark.parametrize("prefix,words", [("", "nearby: the ZIP code's area reaches it"),
                                          ("/es", "cerca: el área del código postal llega")])  # fmt: skip
def test_an_office_a_zips_area_reaches_has_no_distance_shown(
    client: TestClient, prefix: str, words: str
) -> None:
    """ZIP 42223 (Fort Campbell) reaches Tennessee by the Census: no distance to show, and never
    'None km'."""
    html = client.get(f"{prefix}/locate", params={"q": "42223"}).text
    assert "None" not in html
    assert words in html
