"""Which columns of an input say where each row is: coordinates, a ZIP code, a place or a whole
address, or an address in parts (street, city, state, ZIP code), found by their headers or named
by flags; never a guess. Coordinates come first beside address columns, unless prefer="address".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from fieldoffice.core.errors import InvalidInput

# The header names looked for without flags, as header_key() writes them: a header is compared
# without case, punctuation, a unit in brackets ("Latitude (deg)") or a qualifier such as _DD,
# _deg or decimal ("LAT_DD", "decimalLatitude"). Only names that cannot mean anything else.
KNOWN_HEADERS = {
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "long", "longitude"),
    "zip": ("zip", "zipcode", "zip5", "zip4", "zipplus4", "postalcode", "postcode"),
    "address": ("address", "streetaddress", "fulladdress"),
    "place": ("place", "citystate", "location"),
    # the parts of an address in columns of their own, as clerks keep them ("Address" beside
    # City, State and Zip Code is the street)
    "street": ("street", "street1", "address1", "addressline1", "streetline1", "streetname"),
    "city": ("city", "town", "cityname", "citytown", "municipality"),
    "state": ("state", "statecode", "stateabbr", "stateabbreviation", "stateusps", "statename"),
}
# words that say how a number is written, not what it is: dropped from either end of a header
QUALIFIERS = frozenset({"dd", "deg", "degs", "degree", "degrees", "decimal", "dec", "wgs84"})
ROLE_NAMES = {"lat": "latitude", "lon": "longitude", "zip": "ZIP code", "address": "address",
              "place": "place", "street": "street address", "city": "city", "state": "state"}  # fmt: skip
ROLE_FLAGS = {"lat": "--lat COLUMN --lon COLUMN", "lon": "--lat COLUMN --lon COLUMN",
              "zip": "--zip COLUMN", "address": "--address COLUMN", "place": "--place COLUMN",
              "street": "--street COLUMN", "city": "--city COLUMN", "state": "--state COLUMN"}  # fmt: skip
PREFER = ("coordinates", "address")
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Roles:
    """The columns a row's location is read from: coordinates, a ZIP code, one text (a place or
    a full address), or the parts of an address (street, city, state and ZIP code, any of them:
    a row answers from its ZIP code, else its city and state, else its state)."""

    lat: str | None = None
    lon: str | None = None
    zip: str | None = None
    place: str | None = None  # a place name or a full address: both go to the locator
    street: str | None = None
    city: str | None = None
    state: str | None = None

    def fallback(self) -> Roles | None:
        """What a row without coordinates is read by (the address columns), if any."""
        rest = Roles(zip=self.zip, place=self.place, street=self.street, city=self.city,
                     state=self.state)  # fmt: skip
        return rest if self.lat and rest != Roles() else None

    @property
    def parts(self) -> bool:
        """Read as the parts of an address (the ZIP column, if any, is one of them)."""
        return bool(self.street or self.city or self.state)

    def describe(self) -> str:
        if self.lat and self.lon:
            rest = self.fallback()
            coords = f"--lat {_shown(self.lat)} --lon {_shown(self.lon)}"
            return coords + (f", else {rest.describe()}" if rest else "")
        if self.parts:
            given = (("street", self.street), ("city", self.city), ("state", self.state),
                     ("zip", self.zip))  # fmt: skip
            return " ".join(f"--{flag} {_shown(col)}" for flag, col in given if col)
        if self.zip:
            return f"--zip {_shown(self.zip)}"
        return f"--place {_shown(self.place or '')}"


def _shown(name: str) -> str:
    import shlex

    return shlex.quote(name)


def header_key(name: str) -> str:
    """A header as it is compared: 'Latitude (deg)', 'LAT_DD', 'lat_deg' and 'Lat' are all 'lat'
    or 'latitude'; 'Zip Code', 'ZIP_CODE' and 'zipcode' are 'zipcode'."""
    text = _CAMEL.sub(" ", _BRACKETED.sub(" ", name))
    words = [w for w in _NOT_WORD.split(text.casefold()) if w]
    while len(words) > 1 and words[-1] in QUALIFIERS:
        words.pop()
    while len(words) > 1 and words[0] in QUALIFIERS:
        words.pop(0)
    return "".join(words)


def _listed(names: list[str]) -> str:
    return ", ".join(repr(n) for n in names)


def choose_columns(names: list[str], *, lat: str | None, lon: str | None, zip: str | None,
                   address: str | None, place: str | None, street: str | None = None,
                   city: str | None = None, state: str | None = None,
                   prefer: str | None = None) -> tuple[Roles, str | None]:  # fmt: skip
    """The columns to read, from the flags or else from the known header names; never a guess.

    Returns the roles and, when they were found rather than given, a line saying which. A file
    with coordinates and address columns is read by its coordinates, unless prefer="address".
    """
    given = {"lat": lat, "lon": lon, "zip": zip, "address": address, "place": place,
             "street": street, "city": city, "state": state}  # fmt: skip
    for col in (c for c in given.values() if c):
        if col not in names:
            raise InvalidInput(
                f"there is no column {col!r}", hint=f"the columns are: {', '.join(names)}"
            )
    if prefer is not None and prefer not in PREFER:
        raise InvalidInput(
            f"--prefer {prefer!r}?", hint="use --prefer coordinates or --prefer address"
        )
    if (lat is None) != (lon is None):
        raise InvalidInput("--lat and --lon go together", hint="name both columns")
    if address and street:
        raise InvalidInput("--address and --street name the same part", hint="give one of them")
    found = _found_headers([n for n in names if n not in given.values()])
    if any(given.values()):
        return _from_flags(given, found), None
    roles = _from_headers(found, prefer)
    note = f"fieldoffice: using {roles.describe()}"
    if roles.lat and any(found[k] for k in ("zip", "address", "street", "city", "state")):
        note += " (coordinates first, the address where they are empty; --prefer address reads the address)"
    return roles, note


def _found_headers(names: list[str]) -> dict[str, list[str]]:
    """The columns whose headers name a role, by role (an error when two name the same role)."""
    found: dict[str, list[str]] = {role: [] for role in KNOWN_HEADERS}
    for name in names:
        key = header_key(name)
        for role, headers in KNOWN_HEADERS.items():
            if key in headers:
                found[role].append(name)
    for role, cols in found.items():
        if len(cols) > 1:
            raise InvalidInput(f"several columns could be the {ROLE_NAMES[role]}: {_listed(cols)}",
                               hint=f"say which with {ROLE_FLAGS[role]}")  # fmt: skip
    if found["street"] and found["address"]:
        cols = [found["address"][0], found["street"][0]]
        raise InvalidInput(f"several columns could be the street address: {_listed(cols)}",
                           hint="say which with --street COLUMN")  # fmt: skip
    return found


def _one(found: dict[str, list[str]], role: str) -> str | None:
    return found[role][0] if found[role] else None


def _from_flags(given: dict[str, str | None], found: dict[str, list[str]]) -> Roles:
    """Roles from the flags: coordinates, a place, or the parts of an address (parts not named by
    a flag are still found by their headers: `--street 'Addr Line'` beside City, State, Zip)."""
    coords = bool(given["lat"] and given["lon"])
    addressy = any(given[k] for k in ("street", "city", "state", "zip", "address"))
    if sum((coords, addressy, bool(given["place"]))) > 1:
        raise InvalidInput("name one kind of location",
                           hint="--lat/--lon, or the address (--street/--city/--state/--zip, or "
                           "--address), or --place")  # fmt: skip
    if coords:
        return Roles(lat=given["lat"], lon=given["lon"])
    if given["place"]:
        return Roles(place=given["place"])
    named_street = given["street"] or given["address"]
    street = named_street or _one(found, "street") or _one(found, "address")
    city = given["city"] or _one(found, "city")
    state = given["state"] or _one(found, "state")
    zip_col = given["zip"] or _one(found, "zip")
    if not (city or state):
        if named_street and zip_col:
            return Roles(street=named_street, zip=zip_col)
        if named_street:
            return Roles(place=named_street)  # a full address in one column
        return Roles(zip=zip_col)
    return Roles(zip=zip_col, street=street, city=city, state=state)


def _from_headers(found: dict[str, list[str]], prefer: str | None) -> Roles:
    if bool(found["lat"]) != bool(found["lon"]):
        raise InvalidInput(f"found {'a latitude' if found['lat'] else 'a longitude'} column but not the other",
                           hint="name both with --lat and --lon")  # fmt: skip
    coords = Roles(lat=_one(found, "lat"), lon=_one(found, "lon")) if found["lat"] else None
    street = _one(found, "street") or _one(found, "address")
    city, state, zip_col = _one(found, "city"), _one(found, "state"), _one(found, "zip")
    address: Roles | None = None
    if city or state or (zip_col and street):
        if found["place"]:
            cols = [found["place"][0], *(c for c in (street, city, state, zip_col) if c)]
            raise InvalidInput(f"the columns {_listed(cols)} could mean more than one kind of location (place, address)",
                               hint="say which with --place, or --street/--city/--state/--zip")  # fmt: skip
        address = Roles(zip=zip_col, street=street, city=city, state=state)
    elif zip_col and found["place"]:
        cols = [zip_col, found["place"][0]]
        raise InvalidInput(f"the columns {_listed(cols)} could mean more than one kind of location (zip, place)",
                           hint="say which with --zip or --place")  # fmt: skip
    elif zip_col:
        address = Roles(zip=zip_col)
    elif street or found["place"]:
        address = Roles(place=street or _one(found, "place"))
    if prefer == "address" and address is None:
        raise InvalidInput("--prefer address, but no column holds an address",
                           hint="name them with --street/--city/--state/--zip or --address")  # fmt: skip
    if coords is not None and (address is None or prefer != "address"):
        return coords if address is None else replace(address, lat=coords.lat, lon=coords.lon)
    if address is not None:
        return address
    raise InvalidInput(
        "no column says where each row is",
        hint="name one with --lat/--lon, --zip, --address, --street/--city/--state or --place "
        "(known headers: "
        + ", ".join(h for hs in KNOWN_HEADERS.values() for h in hs)
        + ", in any case, with any punctuation, a unit in brackets or a suffix such as _DD)",
    )
