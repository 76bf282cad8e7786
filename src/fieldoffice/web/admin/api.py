"""The editors' JSON API under /api/v1/admin, for automation: the same store and the same rules
as the /admin pages. `Authorization: Bearer <token>`; 401 without a valid token, 403 for the
wrong role (the audit log is for admins), 428 without If-Match on an edit, 412 for a stale one,
409 with the findings when lint blocks a publish."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, Path, Query, Request
from starlette.responses import Response, StreamingResponse

from fieldoffice.core.errors import InvalidInput
from fieldoffice.store import accounts, audit, drafts, versions
from fieldoffice.store.accounts import Account
from fieldoffice.web.admin.auth import admin, client_address, editor, publisher, store_of
from fieldoffice.web.api import ApiRoute, head_wherever_get, json_response
from fieldoffice.web.lanes import PUBLISHES
from fieldoffice.web.live import LiveSite
from fieldoffice.web.privacy import EDITOR_API_HEADERS as PRIVATE

router = APIRouter(prefix="/api/v1/admin", tags=["admin"], route_class=ApiRoute)


def _json(request: Request, data: Any, status: int = 200, etag: str | None = None) -> Response:
    response = json_response(data, status)
    response.headers.update(PRIVATE)
    if etag:
        response.headers["ETag"] = etag
    return response


def _body(raw: bytes) -> Any:
    try:
        return orjson.loads(raw or b"null")
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(f"the body is not JSON: {exc}", hint="send a JSON object") from exc


def _object(raw: bytes) -> dict[str, Any]:
    data = _body(raw)
    if not isinstance(data, dict):
        raise InvalidInput("the body must be a JSON object", hint='for example {"name": "Denver Office"}')  # fmt: skip
    return data


def _draft_json(d: drafts.Draft) -> dict[str, Any]:
    return {"etag": d.etag, "revision": d.revision, "updated_at": d.updated_at,
            "updated_by": d.updated_by, "directory": d.raw}  # fmt: skip


def _live(request: Request) -> LiveSite:
    live: LiveSite = request.app.state.live
    return live


@router.get("/me", summary="Who the token or session belongs to")
def me(request: Request, account: Account = editor) -> Response:
    return _json(request, {"name": account.name, "role": account.role})


@router.get("/draft", summary="The draft, with its ETag (send it back as If-Match to edit)")
def get_draft(request: Request, account: Account = editor) -> Response:
    d = drafts.current(store_of(request))
    return _json(request, _draft_json(d), etag=d.etag)


@router.get(
    "/draft/review", summary="Lint findings on the draft and what publishing it would change"
)
def review(request: Request, account: Account = editor) -> Response:
    r = versions.review(store_of(request))
    return _json(request, r.to_dict(), etag=r.draft.etag)


@router.patch("/draft/offices/{office_id}", summary="Change an office's fields (If-Match required)")
async def patch_office(request: Request, office_id: Annotated[str, Path(max_length=100)],
                       account: Account = editor) -> Response:  # fmt: skip
    fields = _object(await request.body())
    from starlette.concurrency import run_in_threadpool

    d = await run_in_threadpool(
        drafts.edit_office, store_of(request), office_id, fields,
        base=request.headers.get("if-match"), actor=account.name, address=client_address(request),
    )  # fmt: skip
    office = next((o for o in d.raw["office"] if o["id"] == office_id), None)
    return _json(request, {"etag": d.etag, "revision": d.revision, "office": office}, etag=d.etag)


@router.put(
    "/draft/directory/{section}", summary="Set one part of the directory (If-Match required)"
)
async def put_section(request: Request, section: Annotated[str, Path(max_length=40)],
                      account: Account = editor) -> Response:  # fmt: skip
    value = _body(await request.body())
    from starlette.concurrency import run_in_threadpool

    d = await run_in_threadpool(
        drafts.edit_directory, store_of(request), section, value,
        base=request.headers.get("if-match"), actor=account.name, address=client_address(request),
    )  # fmt: skip
    return _json(request, {"etag": d.etag, "revision": d.revision,
                           "value": d.raw["directory"].get(section)}, etag=d.etag)  # fmt: skip


@router.post(
    "/draft/publish", summary='Publish the draft (publishers); body {"acknowledge_warnings": true}'
)
async def publish(request: Request, account: Account = publisher) -> Response:
    raw = await request.body()
    body = _object(raw) if raw.strip() else {}
    ack = body.get("acknowledge_warnings", False)
    if not isinstance(ack, bool):
        raise InvalidInput("acknowledge_warnings must be true or false")

    def publish_and_swap() -> versions.VersionInfo:
        v = versions.publish(store_of(request), actor=account.name, address=client_address(request),
                             acknowledge_warnings=ack, base=request.headers.get("if-match"))  # fmt: skip
        _live(request).refresh()  # this process answers from the new version before this returns
        return v

    v = await PUBLISHES.run(publish_and_swap)
    return _json(request, {"version": v.to_dict()}, status=201)


@router.post(
    "/versions/{version_id}/rollback", summary="Publish an earlier version again (publishers)"
)
async def rollback(request: Request, version_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
                   account: Account = publisher) -> Response:  # fmt: skip
    def roll_back_and_swap() -> versions.VersionInfo:
        v = versions.rollback(store_of(request), version_id, actor=account.name,
                              address=client_address(request))  # fmt: skip
        _live(request).refresh()
        return v

    v = await PUBLISHES.run(roll_back_and_swap)
    return _json(request, {"version": v.to_dict()}, status=201)


@router.get(
    "/audit", summary="The audit log, newest first (?format=jsonl: all of it, oldest first; admins)"
)
def get_audit(request: Request, limit: Annotated[int, Query(ge=1, le=1000)] = 200,
              before: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None, format: Annotated[str, Query(pattern="^(json|jsonl)$")] = "json",
              account: Account = admin) -> Response:  # fmt: skip
    store = store_of(request)  # (admins only: it holds addresses and every failed sign-in)
    if format == "jsonl":
        return StreamingResponse(audit.json_lines(store), media_type="application/jsonl", headers=PRIVATE)  # fmt: skip
    found = audit.entries(store, limit=limit, before=before)
    return _json(request, {"entries": [e.to_dict() for e in found],
                           "next_before": found[-1].id if len(found) == limit else None})  # fmt: skip


# -- users (admins) ---------------------------------------------------------------------------
@router.get("/users", summary="Users and their roles (admins)")
def list_users(request: Request, account: Account = admin) -> Response:
    return _json(request, {"users": [{"name": a.name, "role": a.role, "tokens": n}
                                     for a, n in accounts.users(store_of(request))]})  # fmt: skip


@router.post("/users", summary="Add a user (admins)")
def add_user(request: Request, body: Annotated[dict[str, Any], Body()], account: Account = admin) -> Response:  # fmt: skip
    name, role, password = (str(body.get(k, "")) for k in ("name", "role", "password"))
    a = accounts.add_user(store_of(request), name, role, password, actor=account.name,
                          address=client_address(request))  # fmt: skip
    return _json(request, {"name": a.name, "role": a.role}, status=201)


@router.patch("/users/{name}", summary="Change a user's role (admins)")
def set_role(request: Request, name: str, body: Annotated[dict[str, Any], Body()], account: Account = admin) -> Response:  # fmt: skip
    a = accounts.set_role(store_of(request), name, str(body.get("role", "")), actor=account.name,
                          address=client_address(request))  # fmt: skip
    return _json(request, {"name": a.name, "role": a.role})


@router.post("/users/{name}/tokens", summary="A new API token for a user, shown once (admins)")
def new_token(request: Request, name: str, account: Account = admin) -> Response:
    token = accounts.new_token(store_of(request), name, actor=account.name, address=client_address(request))  # fmt: skip
    return _json(request, {"name": name, "token": token}, status=201)


@router.delete("/users/{name}/tokens", summary="Revoke every token of a user (admins)")
def revoke_tokens(request: Request, name: str, account: Account = admin) -> Response:
    n = accounts.revoke(store_of(request), name, actor=account.name, address=client_address(request))  # fmt: skip
    return _json(request, {"name": name, "revoked": n})


head_wherever_get(router)
