"""HTML pages, rendered on the server, in English and Spanish (/es/...). No script needed.

Every answer page is headed by its outcome (wording.headline, from the core's reason code), then
the offices and how to reach them, the reason and its confidence, then the map of every county of
the answer coloured by office. One resolver serves every search box: the words go to /locate.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from fieldoffice.core.answer import Answer, Reason, ReasonCode
from fieldoffice.core.errors import InvalidInput
from fieldoffice.core.models import CONFIDENCE_RANK
from fieldoffice.core.text import fold
from fieldoffice.geo.placenames import PlaceNames
from fieldoffice.lookup.offices import office_summary
from fieldoffice.lookup.wording import MAX_QUERY, headline, sentence, where_of, words
from fieldoffice.web.answer_map import answer_colours, answer_legend, answer_small_map, outline_note
from fieldoffice.web.english_words import marked_reasons
from fieldoffice.web.errors import answer_http_status
from fieldoffice.web.i18n import (
    CONFIDENCE_TEXT,
    LANGUAGES,
    PREFIX,
    STATUS_TEXT,
    Said,
    directory_words,
    sayer,
    state_namer,
    translations,
)
from fieldoffice.web.live import LiveSite
from fieldoffice.web.office_names import close_names, office_named
from fieldoffice.web.site import Site
from fieldoffice.web.svgmap import LegendRow, national_map, small_map, state_map
from fieldoffice.web.verify_page import VerifyPage, posted_contact

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"


OTHER = {"en": "es", "es": "en"}
MAX_PLACES_LISTED = 60  # places of one name an answer page lists (Springfield: 34 states)
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
        self.verify_page = VerifyPage(self)
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
            words=directory_words(d, lang), state_name=state_name(self.site, lang),
            source=source_said(self.site, lang),
            # the directory's own words are English: say so inside pages in another language
            data_lang=Markup(' lang="en"') if lang != "en" else "",
            boundaries=f"{version.get('source', '')}, {version.get('scale', '')}",
            in_force=self.in_force(), **ctx,
        )  # fmt: skip
        return HTMLResponse(html, status_code=status)

    def in_force(self) -> tuple[int | None, str]:
        """(the store's version id, or None for a file; the day it took effect) of the version
        this request is answered from: a store's version took effect when it was published,
        not on the date its text was first written."""
        site = self.site
        number = site.version
        store = self.live.store
        if number is None or store is None:
            return None, site.ctx.directory.effective_date.isoformat()

        def read() -> str:
            from fieldoffice.store.versions import get

            return get(store, number)[0].effective_date

        return number, site.ctx.memo(f"web-version-date-{number}", read)

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
            return await run_in_threadpool(self.verify_page.answer, request, lang, contact)

        async def verify_post(request: Request) -> Response:
            try:
                contact = posted_contact(
                    request.headers.get("content-type", ""), await request.body()
                )
            except InvalidInput as exc:
                return self.verify_page.problem(request, lang, "", str(exc))
            return await run_in_threadpool(self.verify_page.answer, request, lang, contact)

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
        name = state_name(self.site, lang)
        groups: dict[str, list[Any]] = defaultdict(list)
        for o in self.site.ctx.directory.offices:
            groups[name(o.state)].append(o)
        states = sorted(gaz.states, key=lambda s: fold(name(s.usps)))
        return self.render(request, lang, "index.html", map_svg=self.national_map(lang),
                           legend=self.national_legend(), states=states,
                           offices_by_state=sorted(groups.items(), key=lambda kv: fold(kv[0])))  # fmt: skip

    def national_legend(self) -> list[LegendRow]:
        return self.site.ctx.memo("web-national-legend", self.site.map_data.legend)

    def locate(self, request: Request, lang: str, q: str) -> Response:
        """The one resolver behind every search box: an office's name lands on its page, anything
        else is located (a state, county, city, ZIP, address, coordinates, a region or area)."""
        if not q.strip():
            return RedirectResponse(PREFIX[lang] + "/", status_code=303)
        office_id = office_named(self.site.ctx, q) if len(q) <= MAX_QUERY else None
        if office_id is not None:
            return RedirectResponse(f"{PREFIX[lang]}/offices/{office_id}", status_code=303)
        a = in_language(self.site, self.site.locator.locate(q[: MAX_QUERY + 1]), lang)
        _ = sayer(lang)
        colours = answer_colours(self.site, a)
        mini = answer_small_map(self.site, a, q, colours, _)
        near = close_names(self.site.ctx, q, PREFIX[lang]) if a.status == "not_found" else []
        places = every_place_named(self.site, a)
        title = headline(a, translations(lang).gettext)
        if places:  # the count is the number of places the page lists
            title = _("%(n)d place is called %(name)s: which one?",
                      "%(n)d places are called %(name)s: which one?", len(places),
                      name=a.reason_params.get("name", q))  # fmt: skip
        return self.render(
            request, lang, "locate.html", answer_http_status(a.status), a=a, lookup_q=q,
            places=places, headline=title, status_text=_(STATUS_TEXT[a.status]),
            confidence_text=_(CONFIDENCE_TEXT.get(a.confidence or "", a.confidence or "")),
            explanation=marked_reasons(self.site.ctx, a, lang, explanation(a, lang)), small_map=mini,
            county_names=[c.name + ", " + c.state for c in a.counties],
            map_legend=answer_legend(self.site, a, colours, _) if mini else [],
            outline_note=outline_note(a, _) if mini else "",
            colours=colours, close_names=near, far=a.reason_params.get("no_office_near"),
        )  # fmt: skip

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
        # the same answer /locate gives for the state
        a = in_language(self.site, self.site.locator.locate(st.name), lang)
        colours = answer_colours(self.site, a)
        t = {
            "label": self._(lang, "Map of %(state)s: its counties coloured by office", state=state_name(self.site, lang)(st.usps)),
            "office_label": self._(lang, "%(name)s: %(n)s counties", name="{name}", n="{n}"),
            "office_label_one": self._(lang, "%(name)s: one county", name="{name}"),
            "contested_label": self._(lang, "Claimed by more than one office: %(offices)s", offices="{offices}"),
            "uncovered_label": self._(lang, "No office covers this area"),
        }  # fmt: skip
        svg = state_map(self.site.map_data, st.usps, t, PREFIX[lang])
        return self.render(request, lang, "state.html", a=a, state=st, map_svg=svg,
                           headline=headline(a, translations(lang).gettext),
                           explanation=marked_reasons(self.site.ctx, a, lang, [sentence(a, translations(lang).gettext)]),
                           map_legend=answer_legend(self.site, a, colours, sayer(lang)), colours=colours,
                           states=sorted(gaz.states, key=lambda s: fold(state_name(self.site, lang)(s.usps))),
                           show_search=True)  # fmt: skip

    def search(self, request: Request, lang: str, q: str) -> Response:
        """The header's old address: the same words go to the one resolver (/locate)."""
        q = q.strip()[: MAX_QUERY + 1]
        p = PREFIX[lang]
        if not q:
            return RedirectResponse(p + "/", status_code=303)
        return RedirectResponse(f"{p}/locate?{urlencode({'q': q})}", status_code=303)

    def docs(self, request: Request, lang: str) -> Response:
        endpoints = api_endpoints(request.app.openapi())
        return self.render(request, lang, "docs.html", endpoints=endpoints, show_search=True)


def in_language(site: Site, a: Answer, lang: str) -> Answer:
    """The answer with a state's name in `lang` where it names a state (Carolina del Norte)."""
    loc = a.location
    if lang == "en" or loc is None or loc.kind != "state" or not loc.state:
        return a
    return replace(
        a,
        location=replace(
            loc,
            name=state_namer(lang, {s.usps: s.name for s in site.ctx.gazetteer.states})(loc.state),
        ),
    )


def every_place_named(site: Site, a: Answer) -> list[dict[str, Any]]:
    """Places in several states have the name typed: every one of them that can be answered
    by itself ('Springfield, NE'), the answer's alternatives first (with their offices),
    then the others of that name, largest first, each with the offices its own answer names.
    Empty for any other answer."""
    if a.reason_code is not ReasonCode.SEVERAL_PLACES:
        return []
    ctx = site.ctx
    gaz = ctx.gazetteer
    out = {x.name if ", " in x.name else f"{x.name}, {x.state}": x.office_names
           for x in a.alternatives}  # fmt: skip
    named = ctx.memo("web-placenames", lambda: PlaceNames(gaz))
    for c in named.candidates(str(a.reason_params.get("name", a.query)))[:MAX_PLACES_LISTED]:
        key = f"{c.name}, {c.state}"
        if key in out or c.state not in gaz.state_by_usps:
            continue
        b = site.locator.locate(key)
        if b.location is not None and b.location.kind == "place":
            out[key] = tuple(o.name for o in b.offices)
    return [{"name": k, "offices": v} for k, v in out.items()]


def explanation(a: Answer, lang: str) -> list[str]:
    """The answer's reason in the page's language (wording.py words every reason code), without
    the places or suggestions the page lists below it as links (each said once)."""
    gettext = translations(lang).gettext
    if a.reason_code is ReasonCode.SEVERAL_PLACES:
        brief = words(Reason(a.reason_code, a.reason_params), where_of(a), gettext, brief=True)
        return [brief[:1].upper() + brief[1:] + "."]
    if a.suggestions and {"suggestions", "alternatives"} & set(a.reason_params):
        drop = ("suggestions", "alternatives")  # the links below name them
        params = {k: v for k, v in a.reason_params.items() if k not in drop}
        return [words(Reason(a.reason_code, params), where_of(a), gettext)]
    words_ = sentence(a, gettext)
    if a.status != "invalid" or len(a.query) > MAX_QUERY:
        return [words_]
    # the parser's own message says exactly what was wrong, in English: lead with the forms
    return [gettext("That cannot be read as a place. Type a city and state (Reno, NV), a county, a state, a ZIP code (89501), an address, or coordinates as “lat, lon” (39.53, -119.81)."),
            words_]  # fmt: skip


def source_said(site: Site, lang: str) -> Said:
    """Where the directory came from, in `lang` when the catalog words it, else English."""
    text = site.ctx.directory.source
    said = translations(lang).gettext(text)
    return Said(said, lang) if said != text or lang == "en" else Said(text, "en")


def state_name(site: Site, lang: str) -> Any:
    """USPS code -> the state's name in `lang` (i18n.state_names, its source named there)."""
    gaz = site.ctx.gazetteer
    return state_namer(lang, {s.usps: s.name for s in gaz.states})


def _static_file(name: str, media_type: str) -> Any:
    def serve() -> Response:
        return FileResponse(STATIC / name, media_type=media_type)

    return serve


def api_endpoints(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The API's operations as the docs page lists them: method, path, summary, parameters (a
    POST's body fields among them) and an example address where there is one."""
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
    return endpoints
