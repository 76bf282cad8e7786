"""The web app: one factory, thin middleware, one error handler that answers in JSON or HTML."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldoffice import __version__
from fieldoffice.context import load_context
from fieldoffice.errors import FieldOfficeError
from fieldoffice.web.api import error_response, locate_answer
from fieldoffice.web.api import router as api_router
from fieldoffice.web.pages import Pages
from fieldoffice.web.site import Site

MAX_URL = 8192  # above any valid request: 300 characters of q, each up to 12 bytes encoded
MAX_BODY = 16 * 1024
STATIC = Path(__file__).parent / "static"

SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     b"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"x-frame-options", b"DENY"),
]  # fmt: skip


class Guard:
    """Pure ASGI: size limits, security headers, and ETag / If-None-Match for every GET."""

    def __init__(self, app: ASGIApp, etag: str) -> None:
        self.app = app
        self.etag = etag.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        url_len = len(scope.get("raw_path", b"")) + len(scope.get("query_string", b""))
        if url_len > MAX_URL:
            await self._reply(
                send, 414, "uri_too_long", f"the address is longer than {MAX_URL} characters"
            )
            return
        length = headers.get(b"content-length", b"0")
        if not length.isdigit() or int(length) > MAX_BODY:
            await self._reply(
                send, 413, "too_large", f"request bodies are limited to {MAX_BODY} bytes"
            )
            return
        is_get = scope["method"] in ("GET", "HEAD")
        if is_get and self.etag in headers.get(b"if-none-match", b"").split(b", "):
            await send(
                {
                    "type": "http.response.start",
                    "status": 304,
                    "headers": [(b"etag", self.etag), *SECURITY_HEADERS],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = list(SECURITY_HEADERS)
                if is_get and message["status"] == 200:
                    extra.append((b"etag", self.etag))
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _reply(self, send: Send, status: int, code: str, message: str) -> None:
        response = error_response(status, code, message)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [*response.raw_headers, *SECURITY_HEADERS],
            }
        )
        await send({"type": "http.response.body", "body": response.body})


class HotPath:
    """GET /api/v1/locate?lat=&lon= straight to the core, skipping the framework's routing.

    Only the exact form lat=..&lon=.. (each once, at most 40 characters) takes this path; anything
    else goes through FastAPI. Both call api.locate_answer, so the answers are the same.
    """

    PATH = "/api/v1/locate"

    def __init__(self, app: ASGIApp, site: Site) -> None:
        self.app = app
        self.site = site

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == self.PATH and scope["method"] == "GET":
            params = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
            keys = [k for k, _ in params]
            if sorted(keys) == ["lat", "lon"] and all(len(v) <= 40 for _, v in params):
                values = dict(params)
                try:
                    status, body = locate_answer(
                        self.site, q=None, lat=values["lat"], lon=values["lon"]
                    )
                except FieldOfficeError as exc:
                    status, body = (
                        exc.http_status,
                        bytes(error_response(exc.http_status, exc.code, str(exc)).body),
                    )
                headers = [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ]
                if any(k == b"origin" for k, _ in scope["headers"]):
                    headers.append((b"access-control-allow-origin", b"*"))
                await send({"type": "http.response.start", "status": status, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def create_app(directory: str | Path | None = None) -> FastAPI:
    site = Site(load_context(directory))
    site.warm_up()
    app = FastAPI(
        title="fieldoffice",
        version=__version__,
        description="Which field office is responsible for a US place, and how to reach it.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.site = site
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    app.include_router(api_router)
    pages = Pages(site)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    def wants_html(request: Request) -> bool:
        return not request.url.path.startswith("/api/") and request.url.path != "/openapi.json"

    @app.exception_handler(FieldOfficeError)
    async def on_domain_error(request: Request, exc: FieldOfficeError) -> Response:
        if wants_html(request):
            return pages.error_page(request, exc.http_status, str(exc))
        return error_response(exc.http_status, exc.code, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = "no such page" if exc.status_code == 404 else str(exc.detail)
        if wants_html(request):
            return pages.error_page(request, exc.status_code, message)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        response = error_response(exc.status_code, code, message)
        response.headers.update(exc.headers or {})  # e.g. Allow, on a 405
        return response

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(request: Request, exc: RequestValidationError) -> Response:
        details: list[dict[str, Any]] = [
            {"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
            for e in exc.errors()
        ]
        message = "; ".join(f"{d['where']}: {d['problem']}" for d in details)
        if wants_html(request):
            return pages.error_page(request, 400, message)
        return error_response(400, "invalid_input", message, details)

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, exc: Exception) -> Response:  # never a traceback
        if wants_html(request):
            return pages.error_page(request, 500, "something went wrong on our side")
        return error_response(500, "internal_error", "something went wrong on our side")

    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(
        CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD"], allow_headers=["*"]
    )
    app.add_middleware(HotPath, site=site)
    app.add_middleware(Guard, etag=site.etag)
    _keep_verify_out_of_access_log()
    return app


def _keep_verify_out_of_access_log() -> None:
    """uvicorn's access log (`--access-log`) prints each request line: for /verify that would be
    the very contact asked about, and the asker's address. For those paths it prints neither."""
    import logging

    logging.getLogger("uvicorn.access").addFilter(_redact_verify_request)  # once: a set, in effect


def _redact_verify_request(record: Any) -> bool:
    """Access-log filter: args are (client, method, path?query, http_version, status)."""
    args = record.args
    if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
        path = args[2].split("?", 1)[0]
        if path.rstrip("/").lower().endswith("/verify"):  # /verify, /es/verify, /api/v1/verify
            record.args = ("-", args[1], path, *args[3:])
    return True


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, saying what this app really answers: its own error shape, never a 422."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    ref = {"$ref": "#/components/schemas/ErrorEnvelope"}
    errors = {
        "400": "the input cannot be a place, or the parameters are wrong",
        "413": "the request body is too large",
        "414": "the address is too long",
    }
    for ops in schema["paths"].values():
        for op in ops.values():
            op["responses"].pop("422", None)
            for status, text in errors.items():
                op["responses"].setdefault(status, {"description": text})
            for status, response in op["responses"].items():
                if status.startswith(("4", "5")):  # errors are JSON, whatever the success type
                    response["content"] = {"application/json": {"schema": ref}}
    for name in ("HTTPValidationError", "ValidationError"):
        schema.get("components", {}).get("schemas", {}).pop(name, None)
    app.openapi_schema = schema
    return schema


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` and worker processes: the directory comes from the env."""
    return create_app(os.environ.get("FIELDOFFICE_DIRECTORY") or None)
