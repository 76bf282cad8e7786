"""Reason codes into words: the long sentence of an answer and the short one of a batch row.

Both forms come from the same function per code, in English or through a gettext catalog (the web
passes Spanish). Every message is a msgid marked with _() so the catalogs can be checked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fieldoffice.core.answer import Answer, Reason, ReasonCode
from fieldoffice.core.text import shown

Gettext = Callable[[str], str]
# The languages every door can word answers in (the site serves a page in each; English is the
# directory's own language, the others come from gettext catalogs and the directory's translations).
LANGUAGES = ("en", "es")
MAX_QUERY = 300  # the longest query read, in characters (understand.py refuses longer ones)


def _(text: str) -> str:
    """Marks a msgid for extraction; the text is looked up in the caller's catalog at use."""
    return text


EXPECTED_FORMS = _(
    "a state ('Nevada', 'NV'), a county ('Washoe County, NV'), a city ('Reno, NV'), "
    "a ZIP code ('89501'), coordinates ('39.53, -119.81' or '39°31′N 119°49′W') or a street address"
)


def _english(text: str) -> str:
    return text


class _Words:
    def __init__(self, gettext: Gettext) -> None:
        self.t = gettext

    def __call__(self, msgid: str, **kw: Any) -> str:
        text = self.t(msgid)
        # what was typed or stored is echoed with its control and bidi characters made visible:
        # a right-to-left override in a query must not reorder the sentence around it
        return (
            text % {k: shown(v) if isinstance(v, str) else v for k, v in kw.items()} if kw else text
        )

    def quote(self, phrases: list[str]) -> str:
        return self(_(" and ")).join(self(_("'%(phrase)s'"), phrase=p) for p in phrases)

    def confidence(self, level: str) -> str:
        return self(_CONFIDENCE.get(level, level))

    def names(self, items: list[str]) -> str:
        return self(_(" and ")).join(items)


# reasons that name the county themselves
_NAMES_ITS_COUNTY = (
    ReasonCode.NEAR_LINE, ReasonCode.JUST_OUTSIDE, ReasonCode.OFFSHORE, ReasonCode.ZIP_MAY_CROSS,
)  # fmt: skip
_CONFIDENCE = {"high": _("high"), "medium-high": _("medium-high"), "medium": _("medium"), "low": _("low")}  # fmt: skip


def where_of(answer: Answer) -> str:
    """How an answer names its place: 'Reno, NV (Washoe County, NV)'."""
    loc = answer.location
    if loc is None:
        return answer.query
    one = len(answer.counties) == 1 and answer.reason_code not in _NAMES_ITS_COUNTY
    if one and loc.kind != "county":
        c = answer.counties[0]
        return f"{loc.name} ({c.name}, {c.state})"
    return loc.name


def sentence(answer: Answer, gettext: Gettext = _english) -> str:
    """The answer's reason as a sentence a person can act on."""
    if _too_long(answer):
        return _Words(gettext)(_("The query is longer than %(max)d characters. Type one place at a time."), max=MAX_QUERY)  # fmt: skip
    return words(Reason(answer.reason_code, answer.reason_params), where_of(answer), gettext)


def _not_recognised(w: _Words, p: Mapping[str, Any]) -> str:
    """What of the query the data did not know: the whole name, where the state alone decides
    ("Foo, NV"), or a part inside a place it names ("Montrose, Houston, TX"); "" if neither."""
    if p.get("unrecognised"):
        u = p["unrecognised"]
        return w(_("'%(query)s' is not a place the data knows; every place it may be in %(state)s has this answer."),
                 query=u["query"], state=u["state"])  # fmt: skip
    if p.get("within"):
        u = p["within"]
        return w(_("'%(part)s' is not a place the data knows in %(place)s; the answer is for %(place)s, which the query names."),
                 part=u["part"], place=u["place"])  # fmt: skip
    return ""


def _too_long(answer: Answer) -> bool:
    return answer.reason_code is ReasonCode.UNREADABLE and len(answer.query) > MAX_QUERY


def short(reason: Reason, gettext: Gettext = _english) -> str:
    """The reason for a batch row: what decided it, in a line."""
    return words(reason, None, gettext, brief=True)


def words(reason: Reason, where: str | None, gettext: Gettext = _english, *, brief: bool = False) -> str:  # fmt: skip
    w = _Words(gettext)
    p = reason.params
    county = p.get("county", {}).get("label")
    place = where or county or w(_("the place"))
    text = _WORDERS[reason.code](w, p, place, brief)
    if p.get("area") and not brief:
        text += " " + w(_("The counties of %(area)s: %(source)s."), area=p["area"]["name"],
                        source=p["area"]["source"])  # fmt: skip
    if p.get("alternatives") and not brief and reason.code is not ReasonCode.SEVERAL_PLACES:
        text += " " + w(_("Also a place of that name: %(places)s."), places=_alternatives(w, p))
    if p.get("read_as") and not brief:
        if p.get("candidates"):
            text = w(_("Read as %(place)s, a guess; it may also be %(others)s."), place=p["read_as"],
                     others="; ".join(p["candidates"])) + " " + text  # fmt: skip
        else:
            text = w(_("Read as %(place)s, a guess."), place=p["read_as"]) + " " + text
    unknown = _not_recognised(w, p)
    if unknown:
        text = (
            w(_("place not recognised; %(reason)s"), reason=text) if brief else f"{unknown} {text}"
        )
    if p.get("zip_read"):  # a batch cell repaired before it was read: 2108 for 02108
        read = p["zip_read"]
        if brief:
            text = w(_("read %(raw)s as ZIP %(zip)s; %(reason)s"), raw=read["raw"], zip=read["zip"],
                     reason=text)  # fmt: skip
        else:
            text = w(_("Read %(raw)s as ZIP %(zip)s."), raw=read["raw"], zip=read["zip"]) + " " + text  # fmt: skip
    if p.get("whole_state") and not brief:
        text = w(_("%(where)s has no county in the data, so this answers for all of %(state)s."),
                 where=place, state=p["whole_state"]) + " " + text  # fmt: skip
    return text


# -- one function per code: (words, params, where, brief) -> text ---------------------------------
def _in_territory(w: _Words, p: Mapping[str, Any], where: str, brief: bool) -> str:
    o = p["office"]
    if brief:
        text = w(_("%(where)s is in %(phrases)s (%(office)s)"), where=where,
                 phrases=w.quote(o["phrases"]), office=o["name"])  # fmt: skip
        weak = p.get("weak")
        return text + (w(_(", %(confidence)s confidence"), confidence=w.confidence(weak["confidence"])) if weak else "")  # fmt: skip
    name = o["name"]
    possessive = f"{name}'" if name.endswith("s") else f"{name}'s"
    text = w(_('%(where)s is in %(phrases)s, part of the %(office_possessive)s area ("%(aor)s").'),
             where=where, phrases=w.quote(o["phrases"]), office=name, office_possessive=possessive,
             aor=o["aor"])  # fmt: skip
    return text + _caveat(w, p)


def _caveat(w: _Words, p: Mapping[str, Any]) -> str:
    weak = p.get("weak")
    if not weak:
        return ""
    if weak["why"]:
        return " " + w(_("The agency does not list the counties in '%(phrase)s': those used here come from %(why)s (%(confidence)s confidence), so check with the office."),
                       phrase=weak["phrase"], confidence=w.confidence(weak["confidence"]), why=weak["why"])  # fmt: skip
    return " " + w(_("The agency does not list the counties in '%(phrase)s': those used here are our reading of it (%(confidence)s confidence), so check with the office."),
                   phrase=weak["phrase"], confidence=w.confidence(weak["confidence"]))  # fmt: skip


def _office_list(w: _Words, offices: list[dict[str, Any]]) -> str:
    return w.names([f"{o['name']} ({w.quote(o['phrases'])})" for o in offices])


def _claimed_by_several(w: _Words, p: Mapping[str, Any], where: str, brief: bool) -> str:
    offices = p["offices"]
    if brief:
        return w(_("%(where)s is claimed by %(n)d offices: %(offices)s"), where=where,
                 n=len(offices), offices=_office_list(w, offices))  # fmt: skip
    return w(_("%(where)s is claimed by %(n)d offices: %(offices)s. The directory does not say how they divide it, so contact either."),
             where=where, n=len(offices), offices=_office_list(w, offices))  # fmt: skip


def _split(w: _Words, p: Mapping[str, Any], where: str, brief: bool) -> str:
    offices = p["offices"]
    if p.get("offices") and len(offices) > 1:
        head = w(
            _("%(where)s spans the territories of %(n)d offices."), where=where, n=len(offices)
        )
    else:
        head = w(_("%(where)s is only partly covered."), where=where)
    parts = []
    for o in offices:
        n = o["counties"]
        msg = _("%(office)s: %(n)d county (%(phrases)s)") if n == 1 else _("%(office)s: %(n)d counties (%(phrases)s)")  # fmt: skip
        parts.append(w(msg, office=o["name"], n=n, phrases=w.quote(o["phrases"])))
    text = head + " " + "; ".join(parts) + "."
    if brief:
        return text
    if p.get("uncovered_counties"):
        text += " " + w(
            _("%(n)d of its counties are in no office's AOR."), n=p["uncovered_counties"]
        )
    if p.get("some_claimed_twice"):
        text += " " + w(_("Some of its counties are claimed by more than one office."))
    return text


def _no_office(w: _Words, p: Mapping[str, Any], where: str, brief: bool) -> str:
    text = w(_("%(where)s is in no office's AOR in this directory."), where=where)
    if brief:
        return text.rstrip(".")
    if p.get("covered_in_state"):
        text += " " + w(_("In %(state)s the directory covers only %(phrases)s."), state=p["state"],
                        phrases=w.quote(p["covered_in_state"]))  # fmt: skip
    return text + _nearest_and_line(w, p)


def _nearest_and_line(w: _Words, p: Mapping[str, Any]) -> str:
    text = ""
    far = p.get("no_office_near")
    if far:  # the nearest office is too far to help: the national line is the advice
        return " " + w(_("No office is within %(km)s km of it; call the national line, %(line)s."),
                       km=f"{far['max_km']:,.0f}", line=p.get("national_line", ""))  # fmt: skip
    n = p.get("nearest")
    if n:
        text += " " + w(_("The nearest office is the %(name)s in %(city)s, %(state)s (%(km).0f km away)."),
                        name=n["name"], city=n["city"], state=n["state"], km=n["km"])  # fmt: skip
    if p.get("national_line"):
        text += " " + w(_("The national media line is %(line)s."), line=p["national_line"])
    return text


def _nearby(w: _Words, p: Mapping[str, Any]) -> str:
    notes = []
    for n in p.get("nearby", []):
        if n.get("census") and n["office"] is None:
            notes.append(w(_("%(county)s, in no office's AOR, where the Census puts part of the ZIP code's area"),
                           county=n["county"]["label"]))  # fmt: skip
        elif n.get("census"):
            notes.append(w(_("%(office)s ('%(phrase)s', %(county)s), where the Census puts part of the ZIP code's area"),
                           office=n["office"]["name"], phrase=n["office"]["phrases"][0],
                           county=n["county"]["label"]))  # fmt: skip
        elif n["office"] is None:
            notes.append(w(_("%(county)s, in no office's AOR, is %(km).1f km away"),
                           county=n["county"]["label"], km=n["km"]))  # fmt: skip
        else:
            notes.append(w(_("%(office)s ('%(phrase)s', %(county)s) is %(km).1f km away"),
                           office=n["office"]["name"], phrase=n["office"]["phrases"][0],
                           county=n["county"]["label"], km=n["km"]))  # fmt: skip
    return "; ".join(notes)


def _across(w: _Words, p: Mapping[str, Any]) -> str:
    """The offices across the line (the nearby ones), each once, nearest first; "" if none."""
    names = [n["office"]["name"] for n in p.get("nearby", []) if n["office"] is not None]
    return w.names(list(dict.fromkeys(names)))


def _base(w: _Words, p: Mapping[str, Any], where: str) -> str:
    base = p["base"]
    return _WORDERS[ReasonCode(base["code"])](w, base["params"], where, False)


def _near_line(w: _Words, p: Mapping[str, Any], where: str, brief: bool) -> str:
    mine = w.names([o["name"] for o in p["offices"]]) or w(_("no office"))
    county = p["county"]["label"]
    if brief and _across(w, p):
        return w(_("%(county)s (%(offices)s), within %(tol)g km of the territory of %(across)s"),
                 county=county, offices=mine, tol=p["tolerance_km"], across=_across(w, p))  # fmt: skip
    if brief:
        return w(_("%(county)s (%(offices)s), within %(tol)g km of another office's territory"),
                 county=county, offices=mine, tol=p["tolerance_km"])  # fmt: skip
    nearby = _nearby(w, p) or w(_("another territory is nearby"))
    text = w(_("%(where)s is in %(county)s (%(offices)s), but %(nearby)s: closer than the boundary data's precision (%(tol)g km), so either side may be responsible."),
             where=where, county=county, offices=mine, nearby=nearby, tol=p["tolerance_km"])  # fmt: skip
    return text + " " + _base(w, p, county)


def _zip_may_cross(w: _Words, p: Mapping[str, Any], where: str, brief: bool) -> str:
    mine = w.names([o["name"] for o in p["offices"]]) or w(_("no office"))
    county = p["county"]["label"]
    if brief and _across(w, p):
        return w(_("%(county)s (%(offices)s); the ZIP code may reach the territory of %(across)s"),
                 county=county, offices=mine, across=_across(w, p))  # fmt: skip
    if brief:
        return w(_("%(county)s (%(offices)s); the ZIP code may reach another office's territory"),
                 county=county, offices=mine)  # fmt: skip
    nearby = _nearby(w, p) or w(_("another territory is nearby"))
    zip5 = p.get("zip", "")
    head = w(_("ZIP %(zip)s"), zip=zip5) if where.startswith(zip5) else w(_("%(where)s (ZIP %(zip)s)"), where=where, zip=zip5)  # fmt: skip
    office_across = any(n.get("office") for n in p.get("nearby", []))
    if p.get("census") and not office_across:  # Quantico: Stafford County is nobody's
        text = w(_("%(head)s is filed under %(county)s (%(offices)s), but its area reaches across a line: %(nearby)s (Census ZIP code areas, %(vintage)s). Part of it may be in no office's area."),
                 head=head, county=county, offices=mine, nearby=nearby, vintage=p["census"])  # fmt: skip
        return text + " " + _base(w, p, county)
    if p.get("census"):
        text = w(_("%(head)s is filed under %(county)s (%(offices)s), but its area reaches across a line: %(nearby)s (Census ZIP code areas, %(vintage)s). Either office may be responsible."),
                 head=head, county=county, offices=mine, nearby=nearby, vintage=p["census"])  # fmt: skip
        return text + " " + _base(w, p, county)
    text = w(_("%(head)s is filed under %(county)s (%(offices)s), but its area may reach across a line: %(nearby)s, within the %(reach).0f km a ZIP code here extends. The data gives a ZIP one county, so either office may be responsible."),
             head=head, county=county, offices=mine, nearby=nearby, reach=p.get("reach_km", 0.0))  # fmt: skip
    return text + " " + _base(w, p, county)


def _just_outside(w: _Words, p: Mapping[str, Any], where: str, brief: bool) -> str:
    county = p["county"]["label"]
    if brief and _across(w, p):
        return w(_("just outside %(county)s, within the boundary data's precision of %(tol)g km; also near the territory of %(across)s"),
                 county=county, tol=p["tolerance_km"], across=_across(w, p))  # fmt: skip
    if brief:
        return w(_("just outside %(county)s, within the boundary data's precision of %(tol)g km"),
                 county=county, tol=p["tolerance_km"])  # fmt: skip
    text = w(_("%(where)s lies just outside %(county)s (%(km).1f km), within the boundary data's precision of %(tol)g km."),
             where=where, county=county, km=p.get("km", 0.0), tol=p["tolerance_km"])  # fmt: skip
    nearby = _nearby(w, p)
    if nearby:
        text += " " + w(_("Also nearby: %(nearby)s."), nearby=nearby)
    return text + " " + _base(w, p, county)


def _offshore(w: _Words, p: Mapping[str, Any], where: str, brief: bool) -> str:
    county = p["county"]["label"]
    if brief:
        return w(_("just outside %(county)s, which is in no office's AOR"), county=county)
    text = w(_("%(where)s lies just outside %(county)s (%(km).1f km), which is in no office's AOR in this directory."),
             where=where, county=county, km=p.get("km", 0.0))  # fmt: skip
    return text + _nearest_and_line(w, p)


def _outside(w: _Words, p: Mapping[str, Any], where: str, brief: bool) -> str:
    if brief:
        return w(_("the point is not inside any US county or territory"))
    if p.get("swapped"):
        return w(_("%(where)s is not inside any US county. Did you mean %(swapped)s (latitude first)?"),
                 where=where, swapped=p["swapped"])  # fmt: skip
    return w(_("%(where)s is not inside any US county or territory in the boundary data"), where=where)  # fmt: skip


def _fixed(msgid: str, long_msgid: str | None = None) -> Callable[[_Words, Mapping[str, Any], str, bool], str]:  # fmt: skip
    def word(w: _Words, p: Mapping[str, Any], where: str, brief: bool) -> str:
        return w(msgid) if brief or long_msgid is None else w(long_msgid, where=where)

    return word


def _alternatives(w: _Words, p: Mapping[str, Any]) -> str:
    return "; ".join(
        f"{a['name']} ({w.names(a['offices']) or w(_('no office'))})" for a in p["alternatives"]
    )


def _several_places(w: _Words, p: Mapping[str, Any], where: str, brief: bool) -> str:
    states = {a["name"].rsplit(", ", 1)[-1] for a in p["alternatives"]}
    if len(states) == 1 and len(p["alternatives"]) > 1:  # "Westwood, CA": two in one state
        if brief:
            return w(_("several places in the state have this name; add the county"))
        return w(_("'%(name)s' is the name of several places: %(places)s. Type one as written here, as in '%(example)s'."),
                 name=p["name"], places=_alternatives(w, p), example=p["alternatives"][0]["name"])  # fmt: skip
    if brief:
        return w(_("places in several states have this name; add the state"))
    return w(_("'%(name)s' is the name of places in several states: %(places)s. Add the state, as in '%(example)s'."),
             name=p["name"], places=_alternatives(w, p), example=p["alternatives"][0]["name"])  # fmt: skip


def _nothing_matches(w: _Words, p: Mapping[str, Any], where: str, brief: bool) -> str:
    text = w(_("Nothing matches '%(query)s'. Type %(forms)s."), query=p.get("query", where),
             forms=w(EXPECTED_FORMS))  # fmt: skip
    if p.get("suggestions") and not brief:
        text += " " + w(
            _("Did you mean: %(suggestions)s?"), suggestions="; ".join(p["suggestions"])
        )
    return text


def _unreadable(w: _Words, p: Mapping[str, Any], where: str, brief: bool) -> str:
    text = str(p.get("message", ""))  # the parser's own words: says exactly what was wrong
    return text[:1].upper() + text[1:]


_WORDERS: dict[ReasonCode, Callable[[_Words, Mapping[str, Any], str, bool], str]] = {
    ReasonCode.IN_TERRITORY: _in_territory,
    ReasonCode.CLAIMED_BY_SEVERAL: _claimed_by_several,
    ReasonCode.SPANS_OFFICES: _split,
    ReasonCode.PARTLY_COVERED: _split,
    ReasonCode.NO_OFFICE: _no_office,
    ReasonCode.NEAR_LINE: _near_line,
    ReasonCode.JUST_OUTSIDE: _just_outside,
    ReasonCode.OFFSHORE: _offshore,
    ReasonCode.ZIP_MAY_CROSS: _zip_may_cross,
    ReasonCode.OUTSIDE_COUNTIES: _outside,
    ReasonCode.MILITARY_ZIP: _fixed(
        _("the ZIP code is a military (APO/FPO/DPO) address, outside every county"),
        _("ZIP %(where)s is a military (APO/FPO/DPO) address, outside every county"),
    ),
    ReasonCode.ASSOCIATED_STATE_ZIP: _fixed(
        _("the ZIP code is in a freely associated state, outside the county data"),
        _("ZIP %(where)s is in a freely associated state, outside the county data"),
    ),
    ReasonCode.NO_COUNTY: _fixed(
        _("the place has no county in the data"), _("%(where)s has no county in the data")
    ),
    ReasonCode.UNKNOWN_ZIP: _fixed(
        _("no such ZIP code"),
        _("There is no ZIP code %(where)s. Check the digits, or type a city and state instead."),
    ),
    ReasonCode.NOTHING_MATCHES: _nothing_matches,
    ReasonCode.SEVERAL_PLACES: _several_places,
    ReasonCode.UNREADABLE: _unreadable,
    ReasonCode.BAD_NUMBER: _fixed(_("latitude or longitude is not a number")),
    ReasonCode.OUT_OF_RANGE: _fixed(
        _("latitude must be within -90..90 and longitude within -180..180")
    ),
    ReasonCode.MISSING: _fixed(_("the value is empty")),
    ReasonCode.BAD_ZIP: _fixed(
        _(
            "a ZIP code has 5 digits (or ZIP+4: 12345-6789); a spreadsheet may have dropped a leading zero (2108 for 02108)"
        )
    ),
}


# -- headlines: the outcome in a few words, at the top of every answer -----------------------------
def place_of(answer: Answer) -> str:
    """How a headline names the place: as understood ('Reno, NV'), else as typed."""
    loc = answer.location
    if loc is None:
        return answer.query
    return loc.address or loc.name


def headline(answer: Answer, gettext: Gettext = _english) -> str:
    """The answer in a few words, for a page's heading: 'San Francisco Office covers Reno, NV',
    'Texas is split between 4 offices', 'No office covers Richmond, VA'. From the reason code and
    its parameters, like the sentence."""
    w = _Words(gettext)
    if _too_long(answer):
        return w(_("That is too long to be a place"))
    place = place_of(answer)
    if answer.location is not None and answer.location.kind == "zip":
        place = w(_("ZIP code %(zip)s"), zip=place)
    text = _HEADLINES[answer.reason_code](w, answer.reason_params, place, answer)
    return text[:1].upper() + text[1:]


def _h_in_territory(w: _Words, p: Mapping[str, Any], place: str, a: Answer) -> str:
    return w(_("%(office)s covers %(place)s"), office=p["office"]["name"], place=place)


def _h_claimed(w: _Words, p: Mapping[str, Any], place: str, a: Answer) -> str:
    names = [o["name"] for o in p["offices"]]
    if len(names) == 2:
        return w(_("%(place)s: %(first)s and %(second)s both claim it"), place=place,
                 first=names[0], second=names[1])  # fmt: skip
    return w(_("%(place)s: %(n)d offices claim it"), place=place, n=len(names))


def _h_split(w: _Words, p: Mapping[str, Any], place: str, a: Answer) -> str:
    return w(_("%(place)s is split between %(n)d offices"), place=place, n=len(p["offices"]))


def _h_partly(w: _Words, p: Mapping[str, Any], place: str, a: Answer) -> str:
    return w(_("%(office)s covers only part of %(place)s"), office=p["offices"][0]["name"],
             place=place)  # fmt: skip


def _h_no_office(w: _Words, p: Mapping[str, Any], place: str, a: Answer) -> str:
    if p.get("no_office_near"):
        return w(_("No office is near %(place)s: call the national line"), place=place)
    return w(_("No office covers %(place)s"), place=place)


def _h_near(w: _Words, p: Mapping[str, Any], place: str, a: Answer) -> str:
    names = [o["name"] for o in p.get("offices", [])]
    for n in p.get("nearby", []):
        if n["office"] is not None and n["office"]["name"] not in names:
            names.append(n["office"]["name"])
    if not names:
        return w(_("%(place)s is near a territory line"), place=place)
    if len(names) == 1:
        return w(_("%(place)s is near a territory line: %(office)s may be responsible"),
                 place=place, office=names[0])  # fmt: skip
    return w(_("%(place)s is near a territory line: %(offices)s may each be responsible"),
             place=place, offices=w(_(" or ")).join(names))  # fmt: skip


def _h_fixed(msgid: str) -> Callable[[_Words, Mapping[str, Any], str, Answer], str]:
    def word(w: _Words, p: Mapping[str, Any], place: str, a: Answer) -> str:
        return w(msgid, place=place, query=p.get("query", a.query), name=p.get("name", place),
                 n=len(p.get("alternatives", ())))  # fmt: skip

    return word


_HEADLINES: dict[ReasonCode, Callable[[_Words, Mapping[str, Any], str, Answer], str]] = {
    ReasonCode.IN_TERRITORY: _h_in_territory,
    ReasonCode.CLAIMED_BY_SEVERAL: _h_claimed,
    ReasonCode.SPANS_OFFICES: _h_split,
    ReasonCode.PARTLY_COVERED: _h_partly,
    ReasonCode.NO_OFFICE: _h_no_office,
    ReasonCode.OFFSHORE: _h_no_office,
    ReasonCode.NEAR_LINE: _h_near,
    ReasonCode.JUST_OUTSIDE: _h_near,
    ReasonCode.ZIP_MAY_CROSS: _h_near,
    ReasonCode.OUTSIDE_COUNTIES: _h_fixed(_("%(place)s is outside every US county")),
    ReasonCode.MILITARY_ZIP: _h_fixed(_("%(place)s is a military address")),
    ReasonCode.ASSOCIATED_STATE_ZIP: _h_fixed(_("%(place)s is in a freely associated state")),
    ReasonCode.NO_COUNTY: _h_fixed(_("%(place)s has no county in the data")),
    ReasonCode.UNKNOWN_ZIP: _h_fixed(_("There is no ZIP code %(place)s")),
    ReasonCode.NOTHING_MATCHES: _h_fixed(_("Nothing matches “%(query)s”")),
    ReasonCode.SEVERAL_PLACES: _h_fixed(_("%(n)d places are called %(name)s: which one?")),
    ReasonCode.UNREADABLE: _h_fixed(_("That cannot be read as a place")),
    ReasonCode.BAD_NUMBER: _h_fixed(_("That cannot be read as a place")),
    ReasonCode.OUT_OF_RANGE: _h_fixed(_("That cannot be read as a place")),
    ReasonCode.MISSING: _h_fixed(_("That cannot be read as a place")),
    ReasonCode.BAD_ZIP: _h_fixed(_("That cannot be read as a place")),
}
