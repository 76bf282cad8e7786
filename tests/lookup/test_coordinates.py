"""Coordinates as people write them: hemisphere letters, degrees-minutes-seconds, decimal minutes,
typographic primes; malformed ones are refused with what was wrong and the forms expected."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldoffice.core.errors import InvalidCoordinates
from fieldoffice.lookup.coordinates import parse_coordinates
from fieldoffice.lookup.locate import Locator
from fieldoffice.lookup.wording import sentence

NYC = (40.7128, -74.0060)
NYC_DMS = (40 + 42 / 60 + 46 / 3600, -(74 + 0 / 60 + 22 / 3600))

# -- parse_coordinates: what is read, as written --------------------------------------------------
READ = [
    # decimal degrees, latitude first (as before)
    ("40.7128, -74.0060", NYC),
    ("40.7128 -74.0060", NYC),
    ("(40.7128, -74.0060)", NYC),
    # hemisphere letters after, before, with or without the degree sign and the comma, any case
    ("40.7128° N, 74.0060° W", NYC),
    ("40.7128°N 74.0060°W", NYC),
    ("40.7128N 74.0060W", NYC),
    ("40.7128 N 74.0060 W", NYC),
    ("N 40.7128, W 74.0060", NYC),
    ("N40.7128 W74.0060", NYC),
    ("40.7128 n, 74.0060 w", NYC),
    ("40.7128 north, 74.0060 west", NYC),
    ("+40.7128 N, +74.0060 W", NYC),
    # the letters give the order: N/S is latitude even when written second
    ("74.0060° W, 40.7128° N", NYC),
    ("W 74.0060 N 40.7128", NYC),
    # degrees, minutes, seconds: ASCII marks, typographic primes, curly quotes, by position
    ("40°42'46\" N 74°0'22\" W", NYC_DMS),
    ("40°42'46\"N, 74°0'22\"W", NYC_DMS),
    ("40°42′46″ N, 74°0′22″ W", NYC_DMS),
    ("40°42’46” N 74°0’22” W", NYC_DMS),
    ("40º42'46'' N, 74º0'22'' W", NYC_DMS),
    ("40 42 46 N, 74 0 22 W", NYC_DMS),
    ("40 42 46 N 74 0 22 W", NYC_DMS),
    ("N 40 42 46, W 74 0 22", NYC_DMS),
    ("40°42'46\", -74°0'22\"", NYC_DMS),
    # degrees and decimal minutes
    ("40°42.767' N 74°0.367' W", (40 + 42.767 / 60, -(74 + 0.367 / 60))),
    ("40 42.767 N, 74 0.367 W", (40 + 42.767 / 60, -(74 + 0.367 / 60))),
    ("39°31′N 119°49′W", (39 + 31 / 60, -(119 + 49 / 60))),
    # the southern and eastern hemispheres
    ("33°52′S 151°12′E", (-(33 + 52 / 60), 151 + 12 / 60)),
    ("0.5 S, 0.5 E", (-0.5, 0.5)),
]


@pytest.mark.parametrize(("text", "expected"), READ, ids=[t for t, _ in READ])
def test_read(text: str, expected: tuple[float, float]) -> None:
    got = parse_coordinates(text)
    assert got is not None
    assert got == pytest.approx(expected, abs=1e-9)


NOT_COORDINATES = [
    "12345 6789",  # a ZIP+4
    "89501-1234",
    "1234",
    "Reno, NV",
    "NE",  # Nebraska
    "W Virginia",
    "1600 Pennsylvania Ave NW, Washington, DC 20500",
    "123 N Main St, Reno, NV",
    "'89501'",
    "O'Brien County, IA",
]


@pytest.mark.parametrize("text", NOT_COORDINATES)
def test_not_coordinates_is_none(text: str) -> None:
    assert parse_coordinates(text) is None


MALFORMED = [
    # (text, words the message must contain)
    ("-40.7128 S, 74.0060 W", ["minus sign", "letter S"]),
    ("40.7128 N, -74.0060 W", ["minus sign", "letter W"]),
    ("40°61' N, 74° W", ["61 minutes", "less than 60"]),
    ("40°42'60\" N, 74°0'22\" W", ["60 seconds", "less than 60"]),
    ("40 42 46 N 74 0 75 W", ["75 seconds"]),
    ("40.5°30' N, 74° W", ["decimal part", "only the last"]),
    ("40 N, 74 N", ["both", "latitude"]),
    ("40 E 74 W", ["both", "longitude"]),
    ("40.7 N, -74.0", ["only one", "hemisphere letter"]),
    ("95 N, 10 W", ["latitude 95° N", "beyond 90"]),
    ("10 N, 190 E", ["longitude 190° E", "beyond 180"]),
    ("40.7128° N", ["not two coordinates"]),
    ("5 N", ["not two coordinates"]),
    ("40° N, 74° W, 3° E", ["3 parts"]),
    ("40' N, 74 W", ["degrees are missing"]),
    ('40° 46" N, 74 W', ["minutes are missing"]),
    ("40° X, 74° W", ["'X' is not a hemisphere letter"]),
    ("91°, 0°", ["latitude 91.0 is outside -90..90"]),
]


@pytest.mark.parametrize(("text", "needles"), MALFORMED, ids=[t for t, _ in MALFORMED])
def test_malformed_says_what_and_how(text: str, needles: list[str]) -> None:
    with pytest.raises(InvalidCoordinates) as info:
        parse_coordinates(text)
    for needle in needles:
        assert needle in info.value.message, info.value.message
    hint = info.value.hint or ""
    assert "latitude first" in hint and "119°48′36″ W" in hint


def test_without_letters_no_swap_is_guessed(locator: Locator) -> None:
    # -119.81 cannot be a latitude: refused, never read as (39.53, -119.81)
    with pytest.raises(InvalidCoordinates, match="swap"):
        parse_coordinates("-119.81°, 39.53°")
    # in range both ways: read as written, latitude first
    assert parse_coordinates("-77.03, 38.89") == (-77.03, 38.89)
    assert locator.locate("-77.03, 38.89").status == "not_found"


# -- real places, through the locator --------------------------------------------------------------
NY = ("new-york", "36061", "near_boundary")  # New York County; Hudson County, NJ is 2 km away
PLACES = [
    # (query, office the point is in, county FIPS, status)
    ("40.7128° N, 74.0060° W", *NY),
    ("40.7128N 74.0060W", *NY),
    ("N 40.7128, W 74.0060", *NY),
    ("40°42'46\" N 74°0'22\" W", *NY),
    ("40 42 46 N, 74 0 22 W", *NY),
    ("74°0′22″ W, 40°42′46″ N", *NY),
    ("39°31′N 119°49′W", "san-francisco", "32031", "matched"),  # Reno, Washoe County
    ("39 31.8 n 119 48.6 w", "san-francisco", "32031", "matched"),
    ("33°26′54″N 112°4′26″W", "phoenix", "04013", "matched"),  # Phoenix, Maricopa
    ("31°45.714' N 106°29.1' W", "el-paso", "48141", "matched"),  # El Paso
    ("47.6062 N, 122.3321 W", "seattle", "53033", "matched"),  # Seattle, King
    ("21°18′25″N 157°51′30″W", "laguna-niguel", "15003", "matched"),  # Honolulu
    ("41.8781 -87.6298", "chicago", "17031", "matched"),  # Chicago, no comma
]


@pytest.mark.parametrize(("query", "office", "fips", "status"), PLACES, ids=[p[0] for p in PLACES])
def test_real_places(locator: Locator, query: str, office: str, fips: str, status: str) -> None:
    a = locator.locate(query)
    assert a.status == status, sentence(a)
    assert [o.id for o in a.offices if o.side != "nearby"] == [office], sentence(a)
    assert [c.fips for c in a.counties] == [fips]
    assert a.location is not None and a.location.kind == "point"


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ("-40.7128 S, 74.0060 W", "minus sign"),
        ("40°61' N, 74° W", "61 minutes"),
        ("40 N, 74 N", "latitude"),
    ],
)
def test_malformed_is_an_invalid_answer(locator: Locator, query: str, needle: str) -> None:
    a = locator.locate(query)
    assert a.status == "invalid" and a.offices == ()
    assert needle in sentence(a)
    assert "latitude first" in sentence(a)


# -- round trip: every notation, random points ---------------------------------------------------
def _hemi(value: float, pos: str, neg: str) -> tuple[float, str]:
    return abs(value), (neg if value < 0 else pos)


def _dms(value: float, places: int) -> tuple[int, int, str]:
    """Whole degrees, whole minutes and seconds printed to `places` decimals, carried exactly."""
    scale = 10**places
    total = round(value * 3600 * scale)
    deg, rest = divmod(total, 3600 * scale)
    minutes, sec = divmod(rest, 60 * scale)
    return deg, minutes, f"{sec / scale:.{places}f}"


def _dm(value: float, places: int) -> tuple[int, str]:
    scale = 10**places
    total = round(value * 60 * scale)
    deg, rest = divmod(total, 60 * scale)
    return deg, f"{rest / scale:.{places}f}"


Fmt = Callable[[float, float, st.DataObject], str]

PRIMES = [("°", "'", '"'), ("°", "′", "″"), ("°", "’", "”"), ("º", "'", "''"), (" ", " ", " ")]


def fmt_decimal(lat: float, lon: float, data: st.DataObject) -> str:
    sep = data.draw(st.sampled_from([", ", ",", " "]))
    return f"{lat:.7f}{sep}{lon:.7f}"


def fmt_letters(lat: float, lon: float, data: st.DataObject) -> str:
    (a, h1), (b, h2) = _hemi(lat, "N", "S"), _hemi(lon, "E", "W")
    deg = data.draw(st.sampled_from(["°", "", "º"]))
    sp = data.draw(st.sampled_from(["", " "]))
    sep = data.draw(st.sampled_from([", ", " ", ",", "; "]))
    if data.draw(st.booleans()):
        h1, h2 = h1.lower(), h2.lower()
    one, two = f"{a:.7f}{deg}{sp}{h1}", f"{b:.7f}{deg}{sp}{h2}"
    if data.draw(st.booleans()):  # letters first
        one, two = f"{h1}{sp}{a:.7f}{deg}", f"{h2}{sp}{b:.7f}{deg}"
    if data.draw(st.booleans()):  # longitude first: the letters say which is which
        one, two = two, one
    return f"{one}{sep}{two}"


def fmt_dms(lat: float, lon: float, data: st.DataObject) -> str:
    d, m, s = data.draw(st.sampled_from(PRIMES))
    sep = data.draw(st.sampled_from([", ", " "])) if d != " " else ", "
    parts = []
    for value, pos, neg in ((lat, "N", "S"), (lon, "E", "W")):
        v, h = _hemi(value, pos, neg)
        deg, minutes, sec = _dms(v, 3)
        parts.append(f"{deg}{d}{minutes}{m}{sec}{s} {h}".replace("  ", " "))
    return sep.join(parts)


def fmt_dm(lat: float, lon: float, data: st.DataObject) -> str:
    parts = []
    for value, pos, neg in ((lat, "N", "S"), (lon, "E", "W")):
        v, h = _hemi(value, pos, neg)
        deg, minutes = _dm(v, 6)
        parts.append(f"{deg}°{minutes}' {h}")
    return ", ".join(parts)


# (format, tolerance in degrees): seconds printed to 3 decimals are within 0.0005" of the value
FORMATS: list[tuple[Fmt, float]] = [
    (fmt_decimal, 1e-6),
    (fmt_letters, 1e-6),
    (fmt_dm, 1e-6),
    (fmt_dms, 0.0005 / 3600 + 1e-12),
]


@settings(max_examples=300, deadline=None)
@given(
    lat=st.floats(-90, 90, allow_nan=False),
    lon=st.floats(-180, 180, allow_nan=False),
    which=st.sampled_from(range(len(FORMATS))),
    data=st.data(),
)
def test_round_trip(lat: float, lon: float, which: int, data: st.DataObject) -> None:
    fmt, tol = FORMATS[which]
    text = fmt(lat, lon, data)
    got = parse_coordinates(text)
    assert got is not None, text
    assert abs(got[0] - lat) <= tol and abs(got[1] - lon) <= tol, (text, got)
