"""The editors' pages for what follows the draft: publishing it (and rolling back), the audit
log, and the accounts (admins only)."""

from __future__ import annotations

import json

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response, StreamingResponse

from fieldoffice.core.errors import Conflict, FieldOfficeError
from fieldoffice.store import accounts, audit, versions
from fieldoffice.store.accounts import Account
from fieldoffice.web.admin.auth import client_address, store_of
from fieldoffice.web.admin.forms import short_value, text_field
from fieldoffice.web.admin.frame import AdminFrame
from fieldoffice.web.lanes import PUBLISHES
from fieldoffice.web.privacy import EDITOR_PAGE_HEADERS as PRIVATE

AUDIT_PAGE = 50


class PublishingPages(AdminFrame):
    # -- publishing -----------------------------------------------------------------------------
    def publish_page(self, request: Request, done: int | None = None) -> Response:
        who = self.signed_in(request)
        if isinstance(who, Response):
            return who
        note = f"Published: version {done} is in force, and the public site answers from it." if done else None  # fmt: skip
        return self.publish_view(request, who, note=note)

    def publish_view(self, request: Request, who: Account, *, status: int = 200,
                     note: str | None = None, problem: str | None = None) -> Response:  # fmt: skip
        review = self.review(request)
        return self.render(request, "publish.html", status, review=review, base=review.draft.etag,
                           may_publish=who.may("publisher"), note=note, problem=problem,
                           versions=versions.versions(store_of(request)), **self.maps(review))  # fmt: skip

    async def publish(self, request: Request) -> Response:
        got = await self.posted(request, "publisher")
        if isinstance(got, Response):
            return got
        return await PUBLISHES.run(self._publish, request, *got)

    def _publish(self, request: Request, who: Account, form: FormData) -> Response:
        try:
            v = versions.publish(store_of(request), actor=who.name, address=client_address(request),
                                 acknowledge_warnings=text_field(form, "acknowledge", 5) == "yes",
                                 base=text_field(form, "base", 40) or None)  # fmt: skip
        except Conflict as exc:
            return self.publish_view(request, who, status=exc.http_status, problem=str(exc))
        request.app.state.live.refresh()  # the public site answers from it before this returns
        return RedirectResponse(f"/admin/publish?done={v.id}", status_code=303, headers=PRIVATE)

    async def rollback(self, request: Request, version_id: int) -> Response:
        got = await self.posted(request, "publisher")
        if isinstance(got, Response):
            return got
        return await PUBLISHES.run(self._rollback, request, got[0], version_id)

    def _rollback(self, request: Request, who: Account, version_id: int) -> Response:
        try:
            v = versions.rollback(store_of(request), version_id, actor=who.name,
                                  address=client_address(request))  # fmt: skip
        except Conflict as exc:
            return self.publish_view(request, who, status=exc.http_status, problem=str(exc))
        request.app.state.live.refresh()
        return RedirectResponse(f"/admin/publish?done={v.id}", status_code=303, headers=PRIVATE)

    # -- the audit log --------------------------------------------------------------------------
    def audit_page(self, request: Request, before: int | None = None) -> Response:
        who = self.signed_in(request)
        if isinstance(who, Response):
            return who
        found = audit.entries(store_of(request), limit=AUDIT_PAGE, before=before)
        rows = [(e, short_value(json.dumps(e.detail, ensure_ascii=False, sort_keys=True), 240) if e.detail else "")
                for e in found]  # fmt: skip
        older = found[-1].id if len(found) == AUDIT_PAGE else None
        return self.render(request, "audit.html", rows=rows, older=older, before=before)

    def audit_jsonl(self, request: Request) -> Response:
        who = self.signed_in(request)
        if isinstance(who, Response):
            return who
        return StreamingResponse(audit.json_lines(store_of(request)), media_type="application/jsonl",
                                 headers={**PRIVATE, "Content-Disposition": 'attachment; filename="audit.jsonl"'})  # fmt: skip

    # -- users (admins) -------------------------------------------------------------------------
    def users_page(self, request: Request) -> Response:
        who = self.signed_in(request, "admin")
        if isinstance(who, Response):
            return who
        return self.users_view(request)

    def users_view(self, request: Request, *, status: int = 200, note: str | None = None,
                   problem: str | None = None, token: tuple[str, str] | None = None,
                   typed: dict[str, str] | None = None) -> Response:  # fmt: skip
        return self.render(request, "users.html", status, users=accounts.users(store_of(request)),
                           roles=accounts.ROLES, note=note, problem=problem, token=token,
                           typed=typed or {"name": "", "role": "editor"})  # fmt: skip

    async def users_post(self, request: Request) -> Response:
        got = await self.posted(request, "admin")
        if isinstance(got, Response):
            return got
        return await run_in_threadpool(self._users_post, request, *got)

    def _users_post(self, request: Request, who: Account, form: FormData) -> Response:
        store, by, address = store_of(request), who.name, client_address(request)
        action, name = text_field(form, "action", 20), text_field(form, "name", 64)
        typed = None
        try:
            if action == "add":
                typed = {"name": name, "role": text_field(form, "role", 20)}
                accounts.add_user(store, name, typed["role"], str(form.get("password", ""))[:1025],
                                  actor=by, address=address)  # fmt: skip
                return self.users_view(request, status=201, note=f"Added {name} as {typed['role']}.")  # fmt: skip
            if action == "role":
                a = accounts.set_role(store, name, text_field(form, "role", 20), actor=by, address=address)  # fmt: skip
                return self.users_view(request, note=f"{a.name} is now a {a.role}.")
            if action == "token":
                token = accounts.new_token(store, name, actor=by, address=address)
                return self.users_view(request, status=201, token=(name, token))
            if action == "revoke":
                n = accounts.revoke(store, name, actor=by, address=address)
                return self.users_view(request, note=f"Revoked {n} token(s) of {name}.")
        except FieldOfficeError as exc:
            if exc.http_status >= 500:
                raise
            return self.users_view(request, status=exc.http_status, problem=str(exc), typed=typed)
        return self.users_view(request, status=400, problem=f"unknown action {action!r}")
