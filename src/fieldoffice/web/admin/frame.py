"""What every editors' page shares: the frame it is drawn in (the site's, in English, with the
CSRF token and the private headers), who is signed in, and the draft's review and maps, kept
while the draft and the published version stay the same."""

from __future__ import annotations

import threading
import tomllib
from collections import OrderedDict
from typing import Any
from urllib.parse import quote

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from fieldoffice.core.errors import FieldOfficeError, Unauthorized
from fieldoffice.store import drafts, versions
from fieldoffice.store.accounts import Account
from fieldoffice.web.admin.auth import account_of, store_of
from fieldoffice.web.privacy import EDITOR_PAGE_HEADERS as PRIVATE

DRAFT_MAP_WORDS = {
    "map_title": "Map of the draft's areas of responsibility",
    "map_desc": "Each office's territory in the draft, in its own colour; striped areas are claimed by more than one office; dotted areas by none. Phrases that resolve to no county are left out.",
    "contested_label": "Claimed by more than one office: {offices}",
    "uncovered_label": "No office covers this area",
}  # fmt: skip


class AdminFrame:
    def __init__(self, pages: Any) -> None:
        self.pages = pages
        self._lock = threading.Lock()
        self._reviews: OrderedDict[tuple[int, int | None], versions.Review] = OrderedDict()
        self._maps: OrderedDict[tuple[int, str], str] = OrderedDict()
        self._in_force: OrderedDict[int, frozenset[tuple[str, str]]] = OrderedDict()
        self._new: dict[tuple[int, int | None], frozenset[tuple[str, str]]] = {}  # as _reviews

    # -- the frame -------------------------------------------------------------------------------
    def render(self, request: Request, template: str, status: int = 200, **ctx: Any) -> Response:
        token = request.scope.get("csrftoken")
        if ctx.get("unresolved"):  # words the AOR does not understand: what is close to them
            from fieldoffice.web.admin.forms import close_phrases

            state = str((ctx.get("values") or {}).get("state", ""))
            ctx.setdefault("close", {u: close_phrases(self.pages.site.ctx, u, state) for u in ctx["unresolved"]})  # fmt: skip
        if "review" in ctx:  # the findings the version in force does not have, marked "new"
            with self._lock:
                key = (ctx["review"].draft.revision, ctx["review"].published_id)
                ctx.setdefault("new_findings", self._new.get(key, frozenset()))
        response: Response = self.pages.render(request, "en", f"admin/{template}", status,
                                     other_lang_url="/es/", csrftoken=token() if token else "",
                                     account=getattr(request.state, "account", None), **ctx)  # fmt: skip
        response.headers.update(PRIVATE)
        return response

    def signed_in(self, request: Request, role: str = "editor") -> Account | Response:
        """The account, or a redirect to the login page (then back here)."""
        try:
            account = account_of(request)
        except Unauthorized:
            back = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""), safe="/?=&")  # fmt: skip
            return RedirectResponse(f"/admin/login?next={back}", status_code=303, headers=PRIVATE)
        request.state.account = account
        if not account.may(role):
            return self.render(request, "forbidden.html", 403, role=role)
        return account

    async def posted(self, request: Request, role: str) -> tuple[Account, FormData] | Response:
        """The account and the form, the account checked before the body is read."""
        who = await run_in_threadpool(self.signed_in, request, role)
        if isinstance(who, Response):
            return who
        return who, await request.form(max_files=1, max_fields=400)

    def review(self, request: Request) -> versions.Review:
        """The draft's review, kept per (draft revision, published version): it lints and
        compiles both directories, which takes a moment."""
        store = store_of(request)
        key = (drafts.current(store).revision, versions.latest_id(store))
        with self._lock:
            found = self._reviews.get(key)
        if found is None:
            found = versions.review(store)
            new = self.new_findings(store, found)
            key = (found.draft.revision, found.published_id)
            with self._lock:
                self._reviews[key] = found
                self._new[key] = new
                while len(self._reviews) > 8:
                    self._new.pop(self._reviews.popitem(last=False)[0], None)
        return found

    def new_findings(self, store: Any, review: versions.Review) -> frozenset[tuple[str, str]]:
        """The draft's lint findings (kind, message) that the version in force does not have:
        new in this draft. None without a version in force: there is nothing to compare with."""
        if review.published_id is None:
            return frozenset()
        with self._lock:
            old = self._in_force.get(review.published_id)
        if old is None:
            published = versions.current_version(store)
            if published is None or published.id != review.published_id:
                return frozenset()
            errors, warnings = versions.findings(published.toml)
            old = frozenset((f["kind"], f["message"]) for f in errors + warnings)
            with self._lock:
                self._in_force[review.published_id] = old
                while len(self._in_force) > 4:
                    self._in_force.popitem(last=False)
        return frozenset((f["kind"], f["message"]) for f in review.errors + review.warnings) - old

    def draft_map(self, draft: drafts.Draft) -> str | None:
        """The draft's national map (SVG), drawn once per draft revision and published version;
        None when the draft cannot be read as a directory even without its unresolved phrases."""
        published = self.pages.site
        key = (draft.revision, published.etag)
        with self._lock:
            if key in self._maps:
                return self._maps[key] or None
        svg = _draw_draft_map(draft.toml, published.map_data.colors)
        with self._lock:
            self._maps[key] = svg or ""
            while len(self._maps) > 4:
                self._maps.popitem(last=False)
        return svg

    def maps(self, review: versions.Review) -> dict[str, Any]:
        same = review.unchanged
        return {"published_map": self.pages.national_map("en"), "maps_same": same,
                "draft_map": None if same else self.draft_map(review.draft)}  # fmt: skip


def _draw_draft_map(toml: str, colors: dict[str, str]) -> str | None:
    """The national map of a directory's text, its clauses that resolve to no county left out
    (they would stop the loader), each office in its published colour so the two maps compare
    at a glance; ids renamed so it can stand beside the published map."""
    import tomli_w

    from fieldoffice.web.live import version_site
    from fieldoffice.web.svgmap import national_map

    raw = tomllib.loads(toml)
    for o in raw["office"]:
        o["territory"] = [c for c in o["territory"] if c.get("counties") != []]
    try:
        data = version_site(tomli_w.dumps(raw)).map_data
        data.colors = {oid: colors.get(oid, c) for oid, c in data.colors.items()}
        svg = national_map(data, DRAFT_MAP_WORDS, "")
    except FieldOfficeError:
        return None
    for name in ("map-title", "map-desc", "p-contested", "p-uncovered"):
        svg = svg.replace(f'"{name}"', f'"draft-{name}"').replace(f"#{name})", f"#draft-{name})")
    return svg.replace('href="/offices/', 'href="/admin/offices/')
