"""The editors' pages under /admin: server-rendered, keyboard-usable forms over the same store
and rules as the admin API. Every form carries a CSRF token (web/csrf.py) and the draft's ETag
it was based on; a page without a session redirects to the login page."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from fieldoffice.core.errors import (
    Conflict,
    FieldOfficeError,
    InvalidInput,
    NotFound,
    StaleEdit,
    TooManyAttempts,
    Unauthorized,
)
from fieldoffice.store import accounts, drafts, versions
from fieldoffice.store.accounts import Account
from fieldoffice.web.admin.auth import SESSION_COOKIE, client_address, store_of
from fieldoffice.web.admin.forms import (
    MEDIA_FORM,
    change_lines,
    clause_shown,
    conflict_details,
    directory_values,
    draft_office,
    posted_notices,
    save_notices,
    save_verification,
    text_field,
)
from fieldoffice.web.admin.publishing import PublishingPages
from fieldoffice.web.lanes import PASSWORDS, UPLOADS, read_upload
from fieldoffice.web.privacy import EDITOR_PAGE_HEADERS as PRIVATE

if TYPE_CHECKING:
    from fieldoffice.editing.ingest import IngestReport

OFFICE_FORM = ("name", "city", "state", "aor", "phone", "email")
UPLOAD_LIMIT = 5 * 1024 * 1024  # a saved contact page is ~100 KB


class AdminPages(PublishingPages):
    def __init__(self, pages: Any) -> None:
        super().__init__(pages)
        self.router = APIRouter(include_in_schema=False)
        add = self.router.add_api_route
        get, post = ["GET", "HEAD"], ["POST"]
        add("/admin/login", self.login_form, methods=get)
        add("/admin/login", self.login, methods=post)
        add("/admin/logout", self.logout, methods=post)
        add("/admin", self.home, methods=get)
        add("/admin/offices/{office_id}", self.office_form, methods=get)
        add("/admin/offices/{office_id}", self.office_post, methods=post)
        add("/admin/directory", self.directory_form, methods=get)
        add("/admin/directory/{part}", self.directory_post, methods=post)
        add("/admin/upload", self.upload_form, methods=get)
        add("/admin/upload", self.upload, methods=post)
        add("/admin/publish", self.publish_page, methods=get)
        add("/admin/publish", self.publish, methods=post)
        add("/admin/versions/{version_id}/rollback", self.rollback, methods=post)
        add("/admin/audit", self.audit_page, methods=get)
        add("/admin/audit.jsonl", self.audit_jsonl, methods=get)
        add("/admin/users", self.users_page, methods=get)
        add("/admin/users", self.users_post, methods=post)

    # -- signing in -----------------------------------------------------------------------------
    def login_form(self, request: Request, next: str = "/admin") -> Response:
        return self.render(request, "login.html", next=_local(next), problem=None, name="")

    async def login(self, request: Request) -> Response:
        try:
            form = await request.form(max_files=0, max_fields=20)
        except (UnicodeDecodeError, ValueError, HTTPException) as exc:  # not a form a browser sends
            detail = getattr(exc, "detail", "") or "its body is not a readable form"
            return self.render(request, "login.html", 400, next="/admin", name="",
                               problem=f"The sign-in could not be read: {detail}.")  # fmt: skip
        name, password = str(form.get("name", ""))[:64], str(form.get("password", ""))[:1024]
        target = _local(str(form.get("next", "/admin")))
        store = store_of(request)
        try:
            account = await PASSWORDS.run(accounts.login, store, name, password, client_address(request))  # fmt: skip
        except TooManyAttempts as exc:
            r = self.render(request, "login.html", 429, next=target, problem=str(exc), name=name)
            r.headers["Retry-After"] = str(exc.retry_after)
            return r
        except Unauthorized as exc:
            return self.render(request, "login.html", 401, next=target, problem=str(exc), name=name)
        cookie = await run_in_threadpool(accounts.open_session, store, account)
        response = RedirectResponse(target, status_code=303, headers=PRIVATE)
        response.set_cookie(SESSION_COOKIE, cookie, max_age=int(accounts.SESSION_TTL.total_seconds()),
                            httponly=True, samesite="strict", path="/",
                            secure=request.url.scheme == "https")  # fmt: skip
        return response

    def logout(self, request: Request) -> Response:
        cookie = request.cookies.get(SESSION_COOKIE, "")
        if cookie:
            accounts.close_session(store_of(request), cookie, client_address(request))
        response = RedirectResponse("/admin/login", status_code=303, headers=PRIVATE)
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
        return response

    # -- what only admins read ---------------------------------------------------------------
    def audit_page(self, request: Request, before: int | None = None) -> Response:
        """The audit log holds addresses and every failed sign-in: admins only."""
        who = self.signed_in(request, "admin")
        if isinstance(who, Response):
            return who
        return super().audit_page(request, before)

    def audit_jsonl(self, request: Request) -> Response:
        who = self.signed_in(request, "admin")
        if isinstance(who, Response):
            return who
        return super().audit_jsonl(request)

    async def rollback(self, request: Request, version_id: int) -> Response:
        if not 1 <= version_id <= versions.MAX_ID:  # (a number no version has: not found, not 500)
            raise NotFound(f"there is no version {str(version_id)[:30]}", hint="the publish page lists them")  # fmt: skip
        return await super().rollback(request, version_id)

    # -- the draft ------------------------------------------------------------------------------
    def home(self, request: Request, uploaded: int | None = None) -> Response:
        who = self.signed_in(request)
        if isinstance(who, Response):
            return who
        review = self.review(request)
        draft = review.draft
        note = f"The page is read: the draft is now revision {uploaded}." if uploaded else None
        return self.render(request, "home.html", draft=draft, review=review, note=note,
                           offices=draft.raw["office"], **self.maps(review),
                           published=versions.versions(store_of(request))[:5])  # fmt: skip

    # -- an office ------------------------------------------------------------------------------
    def office_form(self, request: Request, office_id: str, saved: int | None = None) -> Response:
        who = self.signed_in(request)
        if isinstance(who, Response):
            return who
        review = self.review(request)
        office = draft_office(review.draft, office_id)
        values = {k: str(office.get(k, "")) for k in OFFICE_FORM}
        note = f"Saved: the draft is now revision {saved}." if saved else None
        return self.office_page(request, review, office_id, values, review.draft.etag,
                                office["territory"], note=note)  # fmt: skip

    def office_page(self, request: Request, review: versions.Review, office_id: str,
                    values: dict[str, str], base: str, clauses: list[dict[str, Any]], *,
                    status: int = 200, checked: bool = False, note: str | None = None,
                    problem: FieldOfficeError | None = None, was: dict[str, str] | None = None,
                    changes: list[dict[str, Any]] | None = None) -> Response:  # fmt: skip
        return self.render(request, "office.html", status, office_id=office_id, values=values,
                           was=was if was is not None else values,
                           base=base, clauses=[clause_shown(c) for c in clauses], checked=checked,
                           unresolved=[c["phrase"] for c in clauses if c.get("counties") == []],
                           note=note, problem=problem, changes=change_lines(changes or []),
                           review=review)  # fmt: skip

    async def office_post(self, request: Request, office_id: str) -> Response:
        got = await self.posted(request, "editor")
        if isinstance(got, Response):
            return got
        return await run_in_threadpool(self._office_post, request, got[0], office_id, got[1])

    def _office_post(self, request: Request, who: Account, office_id: str, form: FormData) -> Response:  # fmt: skip
        values = {k: text_field(form, k) for k in OFFICE_FORM}
        values["state"] = values["state"].upper()
        # the values the form was loaded with: only the fields the editor changed are sent, so
        # saving again after a refusal keeps what others changed meanwhile in the other fields
        was = {k: text_field(form, f"was-{k}") for k in OFFICE_FORM} if "was-name" in form else {}
        mine = {k: v for k, v in values.items() if was.get(k) != v}
        base = text_field(form, "base", 40)
        review = self.review(request)
        office = draft_office(review.draft, office_id)
        if text_field(form, "action", 10) == "check":  # the resolver's answer, nothing saved
            clauses, _ = drafts.territory_for(values["aor"], values["state"])
            return self.office_page(request, review, office_id, values, base, clauses,
                                    checked=True, was=was or None)  # fmt: skip
        try:
            draft = drafts.edit_office(store_of(request), office_id, mine, base=base or None,
                                       actor=who.name, address=client_address(request))  # fmt: skip
        except StaleEdit as exc:
            # the editor's changes stay in the form, the other fields show the draft as it is now
            review, details = self.review(request), conflict_details(exc)
            now = draft_office(review.draft, office_id)
            was = {k: (was[k] if k in mine else str(now.get(k, ""))) for k in OFFICE_FORM}
            values = {k: (values[k] if k in mine else was[k]) for k in OFFICE_FORM}
            return self.office_page(request, review, office_id, values,
                                    details.get("current_etag", review.draft.etag),
                                    now["territory"], status=412, problem=exc, was=was,
                                    changes=details.get("changes", []))  # fmt: skip
        except (InvalidInput, Conflict, FieldOfficeError) as exc:
            if exc.http_status >= 500:
                raise
            return self.office_page(request, review, office_id, values, base, office["territory"],
                                    status=exc.http_status, problem=exc)  # fmt: skip
        return RedirectResponse(f"/admin/offices/{quote(office_id, safe='')}?saved={draft.revision}",
                                status_code=303, headers=PRIVATE)  # fmt: skip

    # -- the directory's own parts --------------------------------------------------------------
    def directory_form(self, request: Request, saved: int | None = None) -> Response:
        who = self.signed_in(request)
        if isinstance(who, Response):
            return who
        review = self.review(request)
        note = f"Saved: the draft is now revision {saved}." if saved else None
        return self.directory_page(request, review, note=note)

    def directory_page(self, request: Request, review: versions.Review, *, status: int = 200,
                       note: str | None = None, problem: FieldOfficeError | None = None,
                       part: str = "", typed: dict[str, Any] | None = None,
                       changes: list[dict[str, Any]] | None = None) -> Response:  # fmt: skip
        shown = directory_values(review.draft.raw)
        if typed is not None:  # the editor's words stay in the form they sent
            shown[part] = typed
        return self.render(request, "directory.html", status, review=review, base=review.draft.etag,
                           v=shown, note=note, problem=problem, part=part,
                           changes=change_lines(changes or []))  # fmt: skip

    async def directory_post(self, request: Request, part: str) -> Response:
        got = await self.posted(request, "editor")
        if isinstance(got, Response):
            return got
        return await run_in_threadpool(self._directory_post, request, got[0], part, got[1])

    def _directory_post(self, request: Request, who: Account, part: str, form: FormData) -> Response:  # fmt: skip
        if part not in ("media", "notices", "verification", "credit"):
            raise InvalidInput(f"the directory has no form {part!r}")
        store, base, address = store_of(request), text_field(form, "base", 40) or None, client_address(request)  # fmt: skip
        typed: dict[str, Any] = {}
        try:
            if part == "media":
                typed = {k: text_field(form, k) for k in MEDIA_FORM}
                media = {k: v for k, v in typed.items() if v}
                draft = drafts.edit_directory(store, "media", media, base=base, actor=who.name, address=address)  # fmt: skip
            elif part == "credit":
                typed = {"text": text_field(form, "text")}
                credit = typed if typed["text"] else None
                draft = drafts.edit_directory(store, "credit_line", credit, base=base, actor=who.name, address=address)  # fmt: skip
            elif part == "verification":
                typed = {
                    "domains": text_field(form, "domains"),
                    "reported": text_field(form, "reported"),
                }
                draft = save_verification(store, typed, base=base, actor=who.name, address=address)
            else:
                typed = {"notices": posted_notices(form)}
                draft = save_notices(store, typed["notices"], base=base, actor=who.name, address=address)  # fmt: skip
        except StaleEdit as exc:
            return self.directory_page(request, self.review(request), status=412, problem=exc,
                                       part=part, typed=typed, changes=conflict_details(exc).get("changes", []))  # fmt: skip
        except FieldOfficeError as exc:
            if exc.http_status >= 500:
                raise
            return self.directory_page(request, self.review(request), status=exc.http_status,
                                       problem=exc, part=part, typed=typed)  # fmt: skip
        return RedirectResponse(f"/admin/directory?saved={draft.revision}#{part}", status_code=303,
                                headers=PRIVATE)  # fmt: skip

    # -- uploading a saved page -----------------------------------------------------------------
    def upload_form(self, request: Request) -> Response:
        who = self.signed_in(request)
        if isinstance(who, Response):
            return who
        review = self.review(request)
        return self.render(request, "upload.html", review=review, base=review.draft.etag, lines=[],
                           problem=None)  # fmt: skip

    async def upload(self, request: Request) -> Response:
        got = await self.posted(request, "editor")
        if isinstance(got, Response):
            return got
        who, form = got
        file = form.get("page")
        data = await file.read(UPLOAD_LIMIT + 1) if isinstance(file, UploadFile) else b""
        name = Path((file.filename if isinstance(file, UploadFile) else None) or "page.html").name
        ctx = request.app.state.live.site.ctx
        review = await run_in_threadpool(self.review, request)
        base, allow = text_field(form, "base", 40), text_field(form, "allow", 5) == "yes"
        if not data:
            problem = (400, "Choose the saved page to upload.")
        elif len(data) > UPLOAD_LIMIT:
            problem = (413, f"The file is over {UPLOAD_LIMIT // 1024 // 1024} MB: it is not a saved contact page.")  # fmt: skip
        else:
            try:  # read as `fieldoffice ingest` reads it, in a child under the CLI's limits
                report = await UPLOADS.run(read_upload, ctx, data, name, allow)
            except FieldOfficeError as exc:
                if exc.http_status >= 500 and not isinstance(exc, InvalidInput):
                    raise
                problem = (400, f"The page could not be read: {exc}")
            else:
                return await run_in_threadpool(self._upload, request, who, review, base, report)
        return await run_in_threadpool(self._upload_refused, request, review, base, *problem, [])

    def _upload_refused(self, request: Request, review: versions.Review, base: str, status: int,
                        problem: str, lines: list[str]) -> Response:  # fmt: skip
        return self.render(request, "upload.html", status, review=review, base=base, lines=lines,
                           problem=problem)  # fmt: skip

    def _upload(self, request: Request, who: Account, review: versions.Review, base: str,
                report: IngestReport) -> Response:  # fmt: skip
        def refused(status: int, problem: str, lines: list[str]) -> Response:
            return self._upload_refused(request, review, base, status, problem, lines)

        lines = [p.line() for p in report.problems]
        if report.raw is None or report.unresolved:
            return refused(400, "The page was read, but some of it could not be understood: the draft is unchanged.", lines)  # fmt: skip
        if report.refusals:
            return refused(409, "The page was read, but the draft is unchanged: " + "; ".join(report.refusals)
                           + ". Tick the box to take the page anyway.", lines)  # fmt: skip
        raw = dict(report.raw)
        kept = review.draft.raw["directory"]
        for k in ("translations", "notice_summary"):  # an ingest reads neither: keep the draft's
            if k in kept and k not in raw["directory"]:
                raw["directory"] = {**raw["directory"], k: kept[k]}
        import tomli_w

        try:
            draft = drafts.replace(store_of(request), tomli_w.dumps(raw), base=base or None,
                                   actor=who.name, address=client_address(request), action="upload")  # fmt: skip
        except FieldOfficeError as exc:
            if exc.http_status >= 500:
                raise
            return refused(exc.http_status, str(exc), lines)
        return RedirectResponse(f"/admin?uploaded={draft.revision}", status_code=303, headers=PRIVATE)  # fmt: skip


def _local(target: str) -> str:
    """Only a path on this site's editors' pages: never another host after signing in."""
    if target.startswith("/admin") and not target.startswith(("//", "/\\")) and "\\" not in target:
        return target
    return "/admin"


def admin_pages_router(pages: Any) -> APIRouter:
    return AdminPages(pages).router


__all__ = ["AdminPages", "admin_pages_router"]
