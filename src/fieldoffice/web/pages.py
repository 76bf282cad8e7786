"""HTML pages, rendered on the server, in English and Spanish (/es/...). No script needed.

Every answer page is headed by its outcome (wording.headline, from the core's reason code), then
the offices and how to reach them, the reason and its confidence, then the map of every county of
the answer coloured by office. One resolver serves every search box: the words go to /locate.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, quote, urlencode

from fastapi import APIRouter, Request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from rapidfuzz import fuzz, process
from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from fieldoffice.core.answer import Answer, Location
from fieldoffice.core.errors import InvalidInput
from fieldoffice.core.models import CONFIDENCE_RANK
from fieldoffice.core.text import fold
from fieldoffice.lookup.offices import office_summary
from fieldoffice.lookup.understand import MAX_QUERY
from fieldoffice.lookup.wording import headline, sentence
from fieldoffice.web.i18n import (
    CONFIDENCE_TEXT,
    LANGUAGES,
    PREFIX,
    STATUS_TEXT,
    directory_words,
    translations,
)
from fieldoffice.web.live import LiveSite
from fieldoffice.web.site import Site
from fieldoffice.web.svgmap import (
    LegendRow,
    Marker,
    distinct_colours,
    national_map,
    owner_fill,
    small_map,
    state_map,
)

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


OTHER = {"en": "es", "es": "en"}
# what a verify page says to browsers and caches: keep the answer (and the contact) out of both
PRIVATE = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


def _tel(phone: str | None) -> str:
    return re.sub(r"[^0-9+]", "", phone or "")


def is_site_path(url: str) -> bool:
    """A link that stays on this site: '/' then a character that is neither '/' nor '\\'
    (browsers read both '//x' and '/\\x' as another host), or '/' alone."""
    return url == "/" or (url.startswith("/") and url[1:2] not in ("/", "\\", ""))


class Pages:
    def __init__(self, live: LiveSite) -> None:
        self.live = live
        self.envs: dict[str, Environment] = {}
        for lang in LANGUAGES:
            env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                              extensions=["jinja2.ext.i18n"])  # fmt: skip
            env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
            env.filters["tel"] = _tel
            self.envs[lang] = env
        self._maps: dict[str, str] = {}
        # each page route's path template -> (its path without the language prefix, the query
        # parameters its address keeps in the other language)
        self._page_routes: dict[str, tuple[str, tuple[str, ...]]] = {}
        self.router = APIRouter(include_in_schema=False)
        for lang in LANGUAGES:
            self._routes(lang)
        for name, kind in (("favicon.ico", "image/x-icon"),):
            self.router.add_api_route(f"/{name}", _static_file(name, kind), methods=["GET", "HEAD"])

    @property
    def site(self) -> Site:
        return self.live.site

    # -- plumbing -------------------------------------------------------------------------------
    def _(self, lang: str, text: str, **kw: Any) -> str:
        out = translations(lang).gettext(text)
        return out % kw if kw else out

    def render(
        self,
        request: Request,
        lang: str,
        template: str,
        status: int = 200,
        *,
        other_lang_url: str | None = None,
        **ctx: Any,
    ) -> HTMLResponse:
        if other_lang_url is None:
            other_lang_url = self.route_url(request, OTHER[lang])
        d = self.site.ctx.directory
        version = self.site.ctx.gazetteer.counties_version
        html = self.envs[lang].get_template(template).render(
            lang=lang, prefix=PREFIX[lang], other_lang_url=other_lang_url, directory=d,
            words=directory_words(d, lang),
            # the directory's own words are English: say so inside pages in another language
            data_lang=Markup(' lang="en"') if lang != "en" else "",
            boundaries=f"{version.get('source', '')}, {version.get('scale', '')}", **ctx,
        )  # fmt: skip
        return HTMLResponse(html, status_code=status)

    def route_url(self, request: Request, lang: str) -> str:
        """This page in `lang`, built from the route that matched (its path template and path
        parameters, each quoted whole) and the few query parameters that page reads, never from
        the path as requested: `/es//evil.com/` must not give a link to `//evil.com/`. Without a
        page route (an unknown path), `lang`'s home page."""
        home = PREFIX[lang] + "/"
        route = request.scope.get("route")
        known = self._page_routes.get(getattr(route, "path", None) or "")
        if known is None:
            return home
        bare, keep = known
        params = request.scope.get("path_params") or {}
        try:
            path = _PARAM.sub(lambda m: quote(str(params[m[1]]), safe=""), bare)
        except KeyError:
            return home
        url = (PREFIX[lang] + path) if path != "/" else home
        query = [(k, v) for k, v in request.query_params.multi_items() if k in keep]
        if query:
            url += "?" + urlencode(query)
        return url if is_site_path(url) else home

    # what the app's error handlers pass, worded for people in each language
    ERROR_WORDS: ClassVar[dict[str, str]] = {
        "no such page": "No page has this address. Check it, or look up a place below.",
        "something went wrong on our side": "Something went wrong on our side. Try again in a moment.",
        "Method Not Allowed": "This address does not answer that kind of request.",
    }

    def error_page(self, request: Request, status: int, message: str) -> HTMLResponse:
        """The 404, 400 and 500 page. Its language link goes to the other language's home page,
        whatever was asked: an error page reflects nothing of the request in a link."""
        lang = "es" if request.url.path.startswith("/es/") or request.url.path == "/es" else "en"
        heading = {404: "Page not found", 400: "That request cannot be answered"}.get(
            status, "Something went wrong"
        )
        if message in self.ERROR_WORDS:
            message = self._(lang, self.ERROR_WORDS[message])
        return self.render(
            request, lang, "error.html", status, other_lang_url=PREFIX[OTHER[lang]] + "/",
            heading=self._(lang, heading), message=message, show_search=True,
        )  # fmt: skip

    def national_map(self, lang: str) -> str:
        key = f"{self.site.etag} {lang}"  # drawn once per version and language
        if key not in self._maps:
            t = {
                "map_title": self._(lang, "Map of the offices' areas of responsibility"),
                "map_desc": self._(lang, "Each office's territory in its own colour, numbered as in the list below the map; striped areas are claimed by more than one office; dotted areas by none. The list of offices further down gives the same information as text."),
                "contested_label": self._(lang, "Claimed by more than one office: %(offices)s", offices="{offices}"),
                "uncovered_label": self._(lang, "No office covers this area"),
            }  # fmt: skip
            if len(self._maps) >= 4 * len(LANGUAGES):  # (versions published since start)
                self._maps.clear()
            self._maps[key] = national_map(self.site.map_data, t, PREFIX[lang])
        return self._maps[key]

    # -- routes ---------------------------------------------------------------------------------
    def _routes(self, lang: str) -> None:
        p = PREFIX[lang]

        # plain functions: FastAPI runs them in its thread pool, never on the event loop
        def index(request: Request) -> Response:
            return self.index(request, lang)

        def locate(request: Request, q: str = "") -> Response:
            return self.locate(request, lang, q)

        def office(request: Request, office_id: str) -> Response:
            return self.office(request, lang, office_id)

        def state(request: Request, usps: str) -> Response:
            return self.state(request, lang, usps)

        def search(request: Request, q: str = "") -> Response:
            return self.search(request, lang, q)

        def docs(request: Request) -> Response:
            return self.docs(request, lang)

        async def verify(request: Request, contact: str = "") -> Response:
            # old links and bookmarks (?contact=...) still answer; the site's own form posts
            return await run_in_threadpool(self.verify, request, lang, contact)

        async def verify_post(request: Request) -> Response:
            try:
                contact = posted_contact(
                    request.headers.get("content-type", ""), await request.body()
                )
            except InvalidInput as exc:
                return self.verify_problem(request, lang, "", str(exc))
            return await run_in_threadpool(self.verify, request, lang, contact)

        routes: list[tuple[str, Any, list[str], tuple[str, ...]]] = [
            ("/", index, ["GET", "HEAD"], ()),
            ("/locate", locate, ["GET", "HEAD"], ("q",)),
            ("/offices/{office_id}", office, ["GET", "HEAD"], ()),
            ("/states/{usps}", state, ["GET", "HEAD"], ()),
            ("/search", search, ["GET", "HEAD"], ("q",)),
            ("/docs", docs, ["GET", "HEAD"], ()),
            ("/verify", verify, ["GET", "HEAD"], ()),  # never the contact, in any link
            ("/verify", verify_post, ["POST"], ()),
        ]
        if p:
            routes.append(("", index, ["GET", "HEAD"], ()))
        for bare, endpoint, methods, keep in routes:
            self.router.add_api_route(p + bare, endpoint, methods=methods)
            self._page_routes[p + bare] = (bare or "/", keep)

    # -- pages ----------------------------------------------------------------------------------
    def index(self, request: Request, lang: str) -> Response:
        gaz = self.site.ctx.gazetteer
        groups: dict[str, list[Any]] = defaultdict(list)
        for o in self.site.ctx.directory.offices:
            groups[gaz.state_by_usps[o.state].name].append(o)
        states = sorted(gaz.states, key=lambda s: s.name)
        return self.render(request, lang, "index.html", map_svg=self.national_map(lang),
                           legend=self.national_legend(), states=states,
                           offices_by_state=sorted(groups.items()))  # fmt: skip

    def national_legend(self) -> list[LegendRow]:
        return self.site.ctx.memo("web-national-legend", self.site.map_data.legend)

    def resolve_office(self, q: str) -> str | None:
        """An office named exactly: its whole name ('Tampa Office') or its id as written
        ('san-diego'). A city's name alone ('Tampa', 'Houston') is a place, answered as one."""
        key, raw = fold(q), q.strip().lower()
        for o in self.site.ctx.directory.offices:
            if key == fold(o.name) or (raw == o.id and "-" in o.id):
                return o.id
        return None

    def locate(self, request: Request, lang: str, q: str) -> Response:
        """The one resolver behind every search box: an office's name lands on its page, anything
        else is located (a state, county, city, ZIP, address, coordinates, a region or area)."""
        if not q.strip():
            return RedirectResponse(PREFIX[lang] + "/", status_code=303)
        office_id = self.resolve_office(q) if len(q) <= MAX_QUERY else None
        if office_id is not None:
            return RedirectResponse(f"{PREFIX[lang]}/offices/{office_id}", status_code=303)
        a = self.site.locator.locate(q[: MAX_QUERY + 1])
        status = {"invalid": 400, "not_found": 404}.get(a.status, 200)
        gettext = translations(lang).gettext
        colours = self.answer_colours(a)
        names = [c.name + ", " + c.state for c in a.counties]
        mini = ""
        if a.counties:
            label = self._(lang, "Map of %(place)s: %(n)d counties, coloured by office",
                           place=a.location.name if a.location else q, n=len(a.counties))  # fmt: skip
            fills = {c.fips: owner_fill(c.offices, colours) for c in a.counties}
            mini = small_map(self.site.ctx, [c.fips for c in a.counties], {}, label,
                             fills=fills, marker=self.marker(a, lang))  # fmt: skip
        return self.render(
            request, lang, "locate.html", status, a=a, lookup_q=q,
            headline=headline(a, gettext), status_text=self._(lang, STATUS_TEXT[a.status]),
            confidence_text=self._(lang, CONFIDENCE_TEXT.get(a.confidence or "", a.confidence or "")),
            explanation=self.explanation(a, lang), small_map=mini, county_names=names,
            map_legend=self.answer_legend(a, colours, lang) if mini else [],
            outline_note=self.outline_note(a, lang) if mini else "",
            colours=colours, close_names=self.close_names(q, lang) if a.status == "not_found" else [],
            far=a.reason_params.get("no_office_near"),
        )  # fmt: skip

    def answer_colours(self, a: Answer) -> dict[str, str]:
        """The national colour of each office in the answer, told apart on this one map."""
        ids = list(dict.fromkeys([o.id for o in a.offices] + [o for c in a.counties for o in c.offices]))  # fmt: skip
        return distinct_colours(ids, self.site.map_data.colors)

    def answer_legend(self, a: Answer, colours: dict[str, str], lang: str) -> list[dict[str, Any]]:
        """What each colour on the answer's map stands for, with its number of counties."""
        names = {o.id: o.name for o in self.site.ctx.directory.offices}
        counts = Counter(c.offices for c in a.counties)
        rows = []
        for owners, n in sorted(counts.items(), key=lambda kv: (len(kv[0]) != 1, -kv[1], kv[0])):
            if len(owners) == 1:
                label = names[owners[0]]
            elif owners:
                label = self._(lang, "Claimed by %(offices)s", offices=self._(lang, " and ").join(names[o] for o in owners))  # fmt: skip
            else:
                label = self._(lang, "No office")
            rows.append({"fill": owner_fill(owners, colours), "label": label, "count": n,
                         "office": owners[0] if len(owners) == 1 else None})  # fmt: skip
        return rows

    def marker(self, a: Answer, lang: str) -> Marker | None:
        """The point an answer is about, with an outline for a city or a ZIP code (estimated:
        the data has only their centres)."""
        loc = a.location
        if (
            loc is None
            or loc.lat is None
            or loc.lon is None
            or loc.kind in ("state", "county", "area")
        ):
            return None  # fmt: skip
        gaz = self.site.ctx.gazetteer
        if loc.kind == "zip" and loc.zip:
            return Marker(loc.lat, loc.lon, _capital(self._(lang, "ZIP code %(zip)s", zip=loc.zip)),
                          _circle(loc.lat, loc.lon, self._zip_reach(loc.zip)))  # fmt: skip
        if loc.kind == "place":
            pts = [(z.lon, z.lat) for z in (gaz.zips.get(x) for x in loc.zips or ())
                   if z is not None and z.lat is not None and z.lon is not None]  # fmt: skip
            return Marker(loc.lat, loc.lon, loc.name.rsplit(", ", 1)[0], _outline(pts, loc))
        if loc.kind == "address" and loc.address:
            return Marker(loc.lat, loc.lon, loc.address.split(",")[0][:40])
        return Marker(loc.lat, loc.lon, f"{loc.lat:.3f}, {loc.lon:.3f}")

    def _zip_reach(self, zip5: str) -> float:
        from fieldoffice.lookup.decide import decider

        try:
            km = float(decider(self.site.ctx).zip_spread["reach_km"][int(zip5)])
        except (ValueError, IndexError):
            km = 0.0
        return min(max(km, 1.5), 25.0)

    def outline_note(self, a: Answer, lang: str) -> str:
        loc = a.location
        if loc is None or loc.kind not in ("zip", "place"):
            return ""
        if loc.kind == "zip":
            return self._(lang, "The dot marks ZIP %(zip)s; a dashed line, where the map is big enough to show it, its approximate area (estimated from the spacing of ZIP codes there).", zip=loc.zip or "")  # fmt: skip
        return self._(lang, "Dashed: the approximate extent of %(place)s, drawn around its ZIP codes' centres.", place=loc.name)  # fmt: skip

    def close_names(self, q: str, lang: str) -> list[dict[str, str]]:
        """Offices and regions whose name is close to words that located nothing."""
        p = PREFIX[lang]
        ctx = self.site.ctx
        choices = {o.name: f"{p}/offices/{o.id}" for o in ctx.directory.offices}
        choices.update({r.name: f"{p}/locate?{urlencode({'q': r.name + ', ' + r.state})}"
                        for r in ctx.regions.values()})  # fmt: skip
        hits = process.extract(q[:MAX_QUERY], list(choices), scorer=fuzz.WRatio, processor=fold,
                               limit=5, score_cutoff=70)  # fmt: skip
        return [{"label": hit, "url": choices[hit]} for hit, _score, _i in hits]

    def explanation(self, a: Answer, lang: str) -> list[str]:
        """The answer's reason in the page's language (wording.py words every reason code)."""
        words = sentence(a, translations(lang).gettext)
        if a.status != "invalid" or len(a.query) > MAX_QUERY:
            return [words]
        # the parser's own message says exactly what was wrong, in English: lead with the forms
        return [self._(lang, "That cannot be read as a place. Type a city and state (Reno, NV), a county, a state, a ZIP code (89501), an address, or coordinates as “lat, lon” (39.53, -119.81)."),
                words]  # fmt: skip

    def office(self, request: Request, lang: str, office_id: str) -> Response:
        ctx = self.site.ctx
        office = ctx.directory.office(office_id)
        if office is None:
            return self.error_page(
                request, 404, self._(lang, "No office has the id “%(id)s”.", id=office_id[:80])
            )
        card = office_summary(ctx, office.id)
        claims = ctx.territories.by_office[office.id]
        by_phrase: dict[str, list[str]] = defaultdict(list)
        for fips, claim in claims.items():
            by_phrase[claim.phrase].append(fips)
        groups = []
        for phrase, fipses in by_phrase.items():
            conf: dict[tuple[str, str], int] = defaultdict(int)
            for f in fipses:
                conf[(claims[f].confidence, claims[f].note or "")] += 1
            region = ctx.regions.get(claims[fipses[0]].region_id or "")
            groups.append({
                "phrase": phrase,
                "counties": sorted(ctx.gazetteer.county_by_fips[f].label for f in fipses),
                "confidences": [{"label": self._(lang, CONFIDENCE_TEXT[c]), "note": n, "count": k}
                                for (c, n), k in sorted(conf.items(), key=lambda x: -CONFIDENCE_RANK[x[0][0]])],
                "source": region.source if region else "",
            })  # fmt: skip
        label = self._(lang, "Territory of %(name)s", name=office.name)
        colour = self.site.map_data.colors.get(office.id, "#0072B2")
        mini = small_map(ctx, list(claims), {}, label, fills=dict.fromkeys(claims, colour))
        states = sorted({ctx.gazetteer.county_by_fips[f].state for f in claims})
        return self.render(request, lang, "office.html", office=card, groups=groups,
                           county_count=len(claims), small_map=mini, colour=colour,
                           states=[ctx.gazetteer.state_by_usps[s] for s in states],
                           show_search=True)  # fmt: skip

    def state(self, request: Request, lang: str, usps: str) -> Response:
        """One state or territory, every county coloured by its office, each office's part a
        link: the national map's detail, big enough for a finger."""
        gaz = self.site.ctx.gazetteer
        st = gaz.state_by_usps.get(usps.upper())
        if st is None:
            return self.error_page(
                request, 404, self._(lang, "No state or territory has the code “%(code)s”.", code=usps[:8])
            )  # fmt: skip
        if st.usps != usps:
            return RedirectResponse(f"{PREFIX[lang]}/states/{st.usps}", status_code=308)
        a = self.site.locator.locate(st.name)  # the same answer /locate gives for the state
        colours = self.answer_colours(a)
        t = {
            "label": self._(lang, "Map of %(state)s: its counties coloured by office", state=st.name),
            "office_label": self._(lang, "%(name)s: %(n)s counties", name="{name}", n="{n}"),
            "contested_label": self._(lang, "Claimed by more than one office: %(offices)s", offices="{offices}"),
            "uncovered_label": self._(lang, "No office covers this area"),
        }  # fmt: skip
        svg = state_map(self.site.map_data, st.usps, t, PREFIX[lang])
        return self.render(request, lang, "state.html", a=a, state=st, map_svg=svg,
                           headline=headline(a, translations(lang).gettext),
                           explanation=[sentence(a, translations(lang).gettext)],
                           map_legend=self.answer_legend(a, colours, lang), colours=colours,
                           states=sorted(gaz.states, key=lambda s: s.name), show_search=True)  # fmt: skip

    def search(self, request: Request, lang: str, q: str) -> Response:
        """The header's old address: the same words go to the one resolver (/locate)."""
        q = q.strip()[: MAX_QUERY + 1]
        p = PREFIX[lang]
        if not q:
            return RedirectResponse(p + "/", status_code=303)
        return RedirectResponse(f"{p}/locate?{urlencode({'q': q})}", status_code=303)

    VERDICT_TEXT: ClassVar[dict[str, str]] = {
        "listed": "Listed: this is a contact the directory gives",
        "reported": "Reported as a scam: do not trust this contact",
        "look_alike": "Look-alike: this imitates a listed contact and is not one",
        "official_domain": "Official domain: this address is at one of the organization's own domains",
        "not_listed": "Not listed: this is not a contact the directory gives",
    }

    def verify(self, request: Request, lang: str, contact: str) -> Response:
        """The verify page, empty or with its answer. Sent with no-store and no-referrer, whatever
        the answer: the contact is in the page, and old links carry it in their address."""
        from fieldoffice.verify import show

        d = self.site.ctx.directory
        guidance = d.guidance.get(lang) or d.guidance.get("en", [])
        if not contact.strip():
            return self._private(
                self.render(request, lang, "verify.html", guidance=guidance, contact="")
            )
        try:
            v = self.site.verifier.verify(contact[:201], language=lang)
        except InvalidInput as exc:
            return self.verify_problem(request, lang, contact[:200], str(exc))
        if lang == "en":
            text = v.reason  # the core's own words, as the command line gives them
        elif v.status == "listed":
            m = v.matches[0]
            text = self._(lang, "%(value)s is the listed %(channel)s of the %(name)s.",
                          value=show(v.normalized), channel=self._(lang, m["channel"]), name=m["name"])  # fmt: skip
        elif v.status == "reported":
            text = self._(lang, "%(value)s was reported as fraudulent on %(date)s.", value=show(v.normalized),
                          date=(v.reported or {}).get("date", ""))  # fmt: skip
        elif v.status == "look_alike":
            text = self._(lang, "%(value)s looks like a listed contact but is not one. Scammers use look-alikes.",
                          value=show(v.normalized))  # fmt: skip
        else:
            text = self._(
                lang, "%(value)s is not a contact this directory lists.", value=show(v.normalized)
            )
        page = self.render(request, lang, "verify.html", guidance=v.guidance, contact=contact[:200], verdict=v,
                           heading=self._(lang, self.VERDICT_TEXT[v.status]), explanation=text,
                           detail=v.reason if lang != "en" else "")  # fmt: skip
        return self._private(page)

    def verify_problem(self, request: Request, lang: str, contact: str, error: str) -> Response:
        """400: what cannot be checked, with the guidance that holds whatever the answer."""
        d = self.site.ctx.directory
        guidance = d.guidance.get(lang) or d.guidance.get("en", [])
        page = self.render(request, lang, "verify.html", 400, guidance=guidance, contact=contact,
                           heading=self._(lang, "That cannot be checked"), error=error)  # fmt: skip
        return self._private(page)

    @staticmethod
    def _private(response: Response) -> Response:
        response.headers.update(PRIVATE)
        return response

    def docs(self, request: Request, lang: str) -> Response:
        spec = request.app.openapi()
        endpoints = []
        for path, method, op in (
            (path, method, ops[method])
            for path, ops in spec["paths"].items()
            for method in ("get", "post")
            if method in ops
        ):
            params = [{"name": x["name"], "where": x["in"], "required": x.get("required", False),
                       "description": x.get("description", "")} for x in op.get("parameters", [])]  # fmt: skip
            example = {"/api/v1/locate": "/api/v1/locate?q=Reno%2C%20NV", "/api/v1/offices": "/api/v1/offices",
                       "/api/v1/coverage": "/api/v1/coverage"}.get(path)  # fmt: skip
            if method != "get":  # the fields of its body (every content type has the same)
                example = None
                content = list(op.get("requestBody", {}).get("content", {}).values())
                body = content[0].get("schema", {}) if content else {}
                params += [{"name": name, "where": "body", "required": name in body.get("required", ()),
                            "description": prop.get("description", "")}
                           for name, prop in body.get("properties", {}).items()]  # fmt: skip
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "params": params,
                    "example": example,
                }
            )
        return self.render(request, lang, "docs.html", endpoints=endpoints, show_search=True)


def _static_file(name: str, media_type: str) -> Any:
    def serve() -> Response:
        return FileResponse(STATIC / name, media_type=media_type)

    return serve


def _circle(lat: float, lon: float, km: float, n: int = 32) -> tuple[tuple[float, float], ...]:
    """A ring of (lon, lat) `km` around a point."""
    dlat = km / 111.2
    dlon = dlat / max(math.cos(math.radians(lat)), 0.05)
    return tuple(
        (lon + dlon * math.cos(2 * math.pi * i / n), lat + dlat * math.sin(2 * math.pi * i / n))
        for i in range(n)
    )


def _outline(points: list[tuple[float, float]], loc: Location) -> tuple[tuple[float, float], ...]:
    """Around a city: the hull of its ZIP codes' centres, a little wider; a circle for one."""
    import shapely
    from shapely import affinity

    assert loc.lat is not None and loc.lon is not None
    distinct = set(points)
    if len(distinct) < 3:
        return _circle(loc.lat, loc.lon, 3.0)
    hull = shapely.convex_hull(shapely.multipoints(list(distinct)))
    k = max(math.cos(math.radians(loc.lat)), 0.05)
    # widen by ~2 km in both directions (degrees of longitude are shorter)
    scaled = affinity.scale(hull, xfact=k, yfact=1.0, origin=(loc.lon, loc.lat))
    grown = affinity.scale(scaled.buffer(0.02, quad_segs=4), xfact=1 / k, yfact=1.0,
                                   origin=(loc.lon, loc.lat))  # fmt: skip
    ring = shapely.simplify(grown, 0.005).exterior.coords
    return tuple((float(x), float(y)) for x, y in list(ring)[:-1])


def posted_contact(content_type: str, body: bytes) -> str:
    """The `contact` field of the verify form as browsers post it (form-urlencoded, UTF-8)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind not in ("", "application/x-www-form-urlencoded"):
        raise InvalidInput(
            "the form was not sent as this page sends it", hint="use the form on this page"
        )
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("the form could not be read", hint="use the form on this page") from None
    return fields.get("contact", [""])[0]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
