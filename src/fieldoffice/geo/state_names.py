"""Names of states beyond each one's USPS code, name and FIPS code (the gazetteer's state keys)."""

from __future__ import annotations

# Extra names for states, always read as the state.
STATE_ALIASES = (
    ("Washington State", "WA"), ("D.C.", "DC"), ("Washington DC", "DC"),
    ("Virgin Islands", "VI"), ("Washington, D.C.", "DC"), ("New York State", "NY"),
    # abbreviations that are no word and no place's name, with or without their periods
    ("W Va", "WV"), ("West Va", "WV"), ("W Virginia", "WV"), ("N Dak", "ND"), ("S Dak", "SD"),
    ("N Mex", "NM"), ("Calif", "CA"), ("Ariz", "AZ"), ("Okla", "OK"), ("Tenn", "TN"),
    ("Penna", "PA"), ("Wisc", "WI"), ("Nebr", "NE"), ("Oreg", "OR"), ("Kans", "KS"),
    ("Mich", "MI"), ("Fla", "FL"), ("Wyo", "WY"),
)  # fmt: skip
# The abbreviations newspapers and the GPO write that are also words or places' names ("Wash",
# "Ore", "Miss"; Colo, Iowa): a state only where the text has a period ("Seattle, Wash.") or where
# nothing but a state can stand (after a comma: "Waco, Tex"; see Gazetteer.state).
DOTTED_STATES = {
    "ala": "AL", "ark": "AR", "cal": "CA", "colo": "CO", "conn": "CT", "del": "DE", "ida": "ID",
    "ill": "IL", "ind": "IN", "kan": "KS", "mass": "MA", "minn": "MN", "miss": "MS", "mont": "MT",
    "neb": "NE", "nev": "NV", "n h": "NH", "n j": "NJ", "n m": "NM", "n y": "NY", "n c": "NC",
    "n d": "ND", "ore": "OR", "penn": "PA", "r i": "RI", "s c": "SC", "s d": "SD", "tex": "TX",
    "wash": "WA", "wis": "WI",
}  # fmt: skip
