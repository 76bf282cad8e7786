"""HTML pages, rendered on the server, in English and Spanish (/es/...). No script needed."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, quote, urlencode

from fastapi import APIRouter, Request
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from rapidfuzz import fuzz, process
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, RedirectResponse, Response

from fieldoffice.answer import Answer
from fieldoffice.errors import InvalidInput
from fieldoffice.models import CONFIDENCE_RANK
from fieldoffice.offices import office_summary
from fieldoffice.query import MAX_QUERY
from fieldoffice.text import fold
from fieldoffice.web.i18n import CONFIDENCE_TEXT, LANGUAGES, PREFIX, STATUS_TEXT, translations
from fieldoffice.web.site import Site
from fieldoffice.web.svgmap import national_map, small_map
from fieldoffice.wording import sentence

TEMPLATES = Path(__file__).parent / "templates"


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
    def __init__(self, site: Site) -> None:
        self.site = site
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

    def error_page(self, request: Request, status: int, message: str) -> HTMLResponse:
        """The 404, 400 and 500 page. Its language link goes to the other language's home page,
        whatever was asked: an error page reflects nothing of the request in a link."""
        lang = "es" if request.url.path.startswith("/es/") or request.url.path == "/es" else "en"
        heading = {404: "Page not found", 400: "That request cannot be answered"}.get(
            status, "Something went wrong"
        )
        return self.render(
            request, lang, "error.html", status, other_lang_url=PREFIX[OTHER[lang]] + "/",
            heading=self._(lang, heading), message=message,
        )  # fmt: skip

    def national_map(self, lang: str) -> str:
        if lang not in self._maps:
            t = {
                "map_title": self._(lang, "Map of the offices' areas of responsibility"),
                "map_desc": self._(lang, "Each office's territory in its own colour; striped areas are claimed by more than one office; dotted areas by none. The list of offices below gives the same information as text."),
                "contested_label": self._(lang, "Claimed by more than one office: %(offices)s", offices="{offices}"),
                "uncovered_label": self._(lang, "No office covers this area"),
            }  # fmt: skip
            self._maps[lang] = national_map(self.site.map_data, t, PREFIX[lang])
        return self._maps[lang]

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
        return self.render(request, lang, "index.html", map_svg=self.national_map(lang),
                           offices_by_state=sorted(groups.items()))  # fmt: skip

    def locate(self, request: Request, lang: str, q: str) -> Response:
        if not q.strip():
            return RedirectResponse(PREFIX[lang] + "/", status_code=303)
        a = self.site.locator.locate(q[: MAX_QUERY + 1])
        status = {"invalid": 400, "not_found": 404}.get(a.status, 200)
        highlight = [c.fips for c in a.counties][:60]
        names = ", ".join(c.name + ", " + c.state for c in a.counties[:8])
        if len(a.counties) > 8:
            names += self._(lang, " and %(n)d more", n=len(a.counties) - 8)
        label = self._(
            lang, "Map highlighting %(place)s", place=a.location.name if a.location else q
        )
        mini = small_map(self.site.ctx, highlight, {}, label) if highlight else ""
        return self.render(
            request, lang, "locate.html", status, a=a, lookup_q=q,
            status_text=self._(lang, STATUS_TEXT[a.status]),
            confidence_text=self._(lang, CONFIDENCE_TEXT.get(a.confidence or "", a.confidence or "")),
            explanation=self.explanation(a, lang), small_map=mini, county_names=names,
        )  # fmt: skip

    def explanation(self, a: Answer, lang: str) -> list[str]:
        """The answer's reason in the page's language (wording.py words every reason code)."""
        words = sentence(a, translations(lang).gettext)
        if a.status != "invalid":
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
        mini = small_map(ctx, list(claims), {}, label)
        return self.render(request, lang, "office.html", office=card, groups=groups,
                           county_count=len(claims), small_map=mini)  # fmt: skip

    def search(self, request: Request, lang: str, q: str) -> Response:
        q = q.strip()[:MAX_QUERY]
        p = PREFIX[lang]
        if not q:
            return RedirectResponse(p + "/", status_code=303)
        ctx = self.site.ctx
        key = fold(q)
        for o in ctx.directory.offices:  # an office by id, name or city lands on its page
            if key in (
                fold(o.id),
                fold(o.name),
                fold(o.city),
                fold(o.name.removesuffix(" Office")),
            ):
                return RedirectResponse(f"{p}/offices/{o.id}", status_code=303)
        for r in ctx.regions.values():
            if key in (fold(r.name), fold(r.id)):
                return RedirectResponse(
                    f"{p}/locate?{urlencode({'q': r.name + ', ' + r.state})}", status_code=303
                )
        locator = self.site.locator
        understood = locator.understander.understand_or_none(q) or locator.areas.match(q)
        if understood is not None or locator.placenames.candidates(q):
            return RedirectResponse(f"{p}/locate?{urlencode({'q': q})}", status_code=303)
        results = []
        choices = {o.name: f"{p}/offices/{o.id}" for o in ctx.directory.offices}
        choices.update({r.name: f"{p}/locate?q={quote(r.name)}" for r in ctx.regions.values()})
        for hit, _score, _i in process.extract(
            q, list(choices), scorer=fuzz.WRatio, processor=fold, limit=5, score_cutoff=70
        ):
            results.append(
                {"label": hit, "url": choices[hit], "kind": self._(lang, "office or region")}
            )
        for s in self.site.locator.suggestions(q):
            results.append(
                {
                    "label": s,
                    "url": f"{p}/locate?{urlencode({'q': s})}",
                    "kind": self._(lang, "place"),
                }
            )
        return self.render(request, lang, "search.html", results=results, search_q=q)

    VERDICT_TEXT: ClassVar[dict[str, str]] = {
        "listed": "Listed: this is a contact the directory gives",
        "reported": "Reported: this contact has been reported as fraudulent",
        "look_alike": "Look-alike: this imitates a listed contact",
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
        if v.status == "listed":
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
                           heading=self._(lang, self.VERDICT_TEXT[v.status]), explanation=text)  # fmt: skip
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
        return self.render(request, lang, "docs.html", endpoints=endpoints)


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
