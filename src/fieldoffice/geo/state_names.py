"""Names of states beyond each one's USPS code, name and FIPS code (the gazetteer's state keys)."""

from __future__ import annotations

# Extra names for states, beyond each one's USPS code, name and FIPS code.
STATE_ALIASES = (
    ("Washington State", "WA"), ("D.C.", "DC"), ("Washington DC", "DC"),
    ("Virgin Islands", "VI"), ("Washington, D.C.", "DC"),
    # two-word abbreviations, with or without their periods (no word is written so)
    ("W Va", "WV"), ("N Dak", "ND"), ("S Dak", "SD"), ("N Mex", "NM"),
    # newspapers' abbreviations that are no word, with or without their period
    ("Calif", "CA"), ("Ariz", "AZ"), ("Colo", "CO"), ("Okla", "OK"), ("Tenn", "TN"),
    ("Penna", "PA"), ("Wisc", "WI"), ("Nebr", "NE"), ("Oreg", "OR"), ("Kans", "KS"),
    ("Minn", "MN"), ("Mich", "MI"), ("Fla", "FL"), ("Wyo", "WY"),
    ("New York State", "NY"),
)  # fmt: skip
# The abbreviations newspapers and the GPO write with a period ("W. Va.", "Calif.", "N. Dak."): a
# state only where the text has a period, as many are words too ("Wash", "Ore", "Miss").
DOTTED_STATES = {
    "ala": "AL", "ariz": "AZ", "ark": "AR", "cal": "CA", "calif": "CA", "colo": "CO",
    "conn": "CT", "del": "DE", "fla": "FL", "ill": "IL", "ind": "IN", "kan": "KS", "kans": "KS",
    "mass": "MA", "mich": "MI", "minn": "MN", "miss": "MS", "mont": "MT", "neb": "NE",
    "nebr": "NE", "nev": "NV", "n h": "NH", "n j": "NJ", "n m": "NM", "n mex": "NM", "n y": "NY",
    "n c": "NC", "n d": "ND", "n dak": "ND", "okla": "OK", "ore": "OR", "oreg": "OR",
    "penn": "PA", "penna": "PA", "r i": "RI", "s c": "SC", "s d": "SD", "s dak": "SD",
    "tenn": "TN", "tex": "TX", "wash": "WA", "w va": "WV", "wis": "WI", "wisc": "WI", "wyo": "WY",
    "ida": "ID",
}  # fmt: skip
