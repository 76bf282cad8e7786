"""The web app: one factory, thin middleware, one error handler that answers in JSON or HTML."""

from __future__ import annotations

import gzip
import os
import sys
import threading
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import anyio
import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldoffice import __version__
from fieldoffice.core.errors import FieldOfficeError, TooManyAttempts
from fieldoffice.directory.context import load_context, resolve_directory_path
from fieldoffice.lookup.understand import MAX_QUERY
from fieldoffice.store.database import DATABASE_ENV
from fieldoffice.web.admin.api import router as admin_api_router
from fieldoffice.web.admin.csrf import Csrf, csrf_secret
from fieldoffice.web.admin.pages import admin_pages_router
from fieldoffice.web.api import error_response, locate_answer
from fieldoffice.web.api import router as api_router
from fieldoffice.web.cache import ResponseCache
from fieldoffice.web.changes import changes_router
from fieldoffice.web.i18n import LANGUAGES
from fieldoffice.web.live import LiveSite, Pin
from fieldoffice.web.pages import Pages
from fieldoffice.web.ratelimit import FairShare
from fieldoffice.web.refusal import refusal
from fieldoffice.web.settings import SETTINGS_ENV, ServeSettings
from fieldoffice.web.site import Site

MAX_URL = 8192  # above any valid request: 300 characters of q, each up to 12 bytes encoded
MAX_BODY = 16 * 1024
MAX_EDITOR_BODY = 6 * 1024 * 1024  # a saved contact page uploaded to the draft (ingest takes 5 MB)
EDITORS = ("/admin", "/api/v1/admin")  # never given the public ETag, never cached
GZIP_MIN, GZIP_LEVEL = 1024, 9  # Starlette's defaults, for the GZip middleware and HotPath
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
    """Pure ASGI, outermost: request limits (URL, body however encoded, header count, Host),
    security headers, relative redirects, and ETag / If-None-Match where the answer is a 200."""

    def __init__(self, app: ASGIApp, live: LiveSite, settings: ServeSettings | None) -> None:
        self.app = app
        self.live = live
        self.max_headers = settings.max_headers if settings else 1000
        self.hosts = HostCheck(settings.allowed_hosts if settings else ("*",))
        self.threads = max(2, os.cpu_count() or 1)
        self.started = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self.started:
            # CPU-bound handlers gain nothing from more threads than cores; and the event loop,
            # which answers the cheap requests, gets the interpreter back within 1 ms, not 5
            anyio.to_thread.current_default_thread_limiter().total_tokens = self.threads
            sys.setswitchinterval(0.001)
            self.started = True
        refused = self._refusal(scope)
        if refused is not None:
            await self._reply(scope, send, *refused)
            return
        headers = dict(scope["headers"])
        editors = scope["path"].startswith(EDITORS)
        if headers.get(b"content-length", b"0") != b"0" or b"transfer-encoding" in headers:
            limit = MAX_EDITOR_BODY if editors else MAX_BODY
            body = await _read_body(receive, limit)
            if body is None:
                await self._reply(
                    scope, send, 413, "too_large", f"request bodies are limited to {limit} bytes"
                )
                return
            receive = _replay(body, receive)
        is_get = scope["method"] in ("GET", "HEAD") and not editors
        etag = self.live.site.etag.encode()
        fresh = is_get and etag in headers.get(b"if-none-match", b"").split(b", ")
        host = headers.get(b"host", b"")
        not_modified = False

        async def send_with_headers(message: Message) -> None:
            nonlocal not_modified
            if message["type"] == "http.response.start":
                status = message["status"]
                own = message.get("headers", [])
                names = {k.lower() for k, _ in own}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                if 300 <= status < 400:
                    own = [
                        (k, _relative(v, host) if k.lower() == b"location" else v) for k, v in own
                    ]
                if is_get and status == 200 and b"etag" not in names:  # static files have theirs
                    extra.append((b"etag", etag))
                    if fresh:  # the same 200 the client already holds: say so, send nothing
                        not_modified = True
                        keep = {b"cache-control", b"vary", b"content-location", b"expires"}
                        own = [(k, v) for k, v in own if k.lower() in keep]
                        message = {**message, "status": 304}
                message = {**message, "headers": [*own, *extra]}
            elif not_modified:
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _refusal(self, scope: Scope) -> tuple[int, str, str] | None:
        url_len = len(scope.get("raw_path", b"")) + len(scope.get("query_string", b""))
        if url_len > MAX_URL:
            return 414, "uri_too_long", f"the address is longer than {MAX_URL} characters"
        if len(scope["headers"]) > self.max_headers:
            return (
                431,
                "headers_too_large",
                f"a request may carry at most {self.max_headers} headers",
            )
        length = dict(scope["headers"]).get(b"content-length", b"0")
        limit = MAX_EDITOR_BODY if scope["path"].startswith(EDITORS) else MAX_BODY
        if not length.isdigit() or int(length) > limit:
            return 413, "too_large", f"request bodies are limited to {limit} bytes"
        host = dict(scope["headers"]).get(b"host")
        if not self.hosts.allows(host):
            shown = (host or b"").decode("latin-1")[:100]
            return (
                400,
                "host_not_allowed",
                (
                    f"this server does not answer for the host {shown!r}; its operator can add it "
                    "with `fieldoffice serve --allowed-hosts`"
                ),
            )
        return None

    @staticmethod
    async def _reply(scope: Scope, send: Send, status: int, code: str, message: str) -> None:
        headers, body = refusal(scope, status, code, message)
        await send({"type": "http.response.start", "status": status,
                    "headers": [*headers, *SECURITY_HEADERS]})  # fmt: skip
        await send({"type": "http.response.body", "body": body})


class HostCheck:
    """Allowed Host names: exact, '*.example.org' for any subdomain, or '*' for any host."""

    def __init__(self, hosts: tuple[str, ...]) -> None:
        self.any = "*" in hosts
        self.exact = {h for h in hosts if not h.startswith("*.")}
        self.suffixes = tuple(h[1:] for h in hosts if h.startswith("*."))

    def allows(self, header: bytes | None) -> bool:
        if self.any:
            return True
        if not header:
            return False
        host = header.decode("latin-1").lower()
        if host.startswith("["):  # [::1]:8000
            host = host[: host.find("]") + 1] if "]" in host else host
        else:
            host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        host = host.rstrip(".")
        return host in self.exact or (bool(self.suffixes) and host.endswith(self.suffixes))


def _relative(location: bytes, host: bytes) -> bytes:
    """A redirect to this very host says only the path: a forged Host header is never echoed."""
    parts = urlsplit(location.decode("latin-1"))
    if not parts.netloc:
        return location
    if parts.netloc.encode("latin-1").lower() != host.lower():
        return location
    path = parts.path if parts.path.startswith("/") and not parts.path.startswith("//") else "/"
    return (path + ("?" + parts.query if parts.query else "")).encode("latin-1")


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None past `limit` bytes, whatever the encoding (length or chunked)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class HotPath:
    """GET /api/v1/locate straight to the core, in both its forms (?q= and ?lat=&lon=), skipping
    the framework's routing and parameter checks, which cost more than most answers.

    Only the exact forms (q alone, up to 300 characters; lat and lon alone, up to 40 each) take
    this path; anything else (an extra parameter, a repeated one, a q too long) goes through
    FastAPI for its checks and their wording. Both call api.locate_answer: the answers are the
    same, and a test compares them. A point is answered at once; text runs in the thread pool.
    """

    PATH = "/api/v1/locate"

    def __init__(self, app: ASGIApp, live: LiveSite) -> None:
        self.app = app
        self.live = live
        self.text_slot: anyio.CapacityLimiter | None = None  # made in the event loop

    def _form(self, scope: Scope) -> dict[str, str] | None:
        if scope["type"] != "http" or scope["path"] != self.PATH or scope["method"] != "GET":
            return None
        params = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        keys = sorted(k for k, _ in params)
        if keys == ["lat", "lon"] and all(len(v) <= 40 for _, v in params):
            return dict(params)
        if keys == ["q"] and len(params[0][1]) <= MAX_QUERY:
            return dict(params)
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        form = self._form(scope)
        if form is None:
            await self.app(scope, receive, send)
            return
        if "q" in form:  # one text answer at a time per process: the loop keeps its share
            if self.text_slot is None:
                self.text_slot = anyio.CapacityLimiter(1)
            status, body = await anyio.to_thread.run_sync(
                self._answer, form, limiter=self.text_slot
            )
        else:
            status, body = self._answer(form)
        headers = [(b"content-type", b"application/json")]
        request = dict(scope["headers"])
        if len(body) >= GZIP_MIN and b"gzip" in request.get(b"accept-encoding", b""):
            body = gzip.compress(body, compresslevel=GZIP_LEVEL)  # as the GZip middleware does
            headers += [(b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding")]
        headers.append((b"content-length", str(len(body)).encode()))
        if b"origin" in request:
            headers.append((b"access-control-allow-origin", b"*"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _answer(self, form: dict[str, str]) -> tuple[int, bytes]:
        try:
            return locate_answer(self.live.site, q=form.get("q"), lat=form.get("lat"), lon=form.get("lon"))  # fmt: skip
        except FieldOfficeError as exc:
            return exc.http_status, bytes(error_response(exc.http_status, exc.code, str(exc)).body)


def create_app(
    directory: str | Path | None = None,
    settings: ServeSettings | None = None,
    *,
    database: str | None = None,
) -> FastAPI:
    """The web app. `settings` are serve's limits; None (embedding, tests) means no rate limit
    and any Host; `fieldoffice serve` always passes them, with its defaults on.

    Without `database` it serves the directory file (or folder of versions) read-only. With a
    database URL it serves the store's published version, follows new publishes, and opens the
    editors' pages and API; an empty store is seeded from `directory` (else the shipped one)."""
    store = None
    if database is not None:
        from fieldoffice.store.opening import open_database

        seed = resolve_directory_path(directory)
        store = open_database(database, seed_from=seed)
        live = LiveSite.from_store(store)
    else:
        live = LiveSite(Site(load_context(directory)), directory=resolve_directory_path(directory))
    site = live.site
    site.warm_up()
    app = FastAPI(
        title="fieldoffice",
        version=__version__,
        description="Which field office is responsible for a US place, and how to reach it.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.live = live
    app.state.store = store
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    app.include_router(api_router)
    pages = Pages(live)
    app.include_router(pages.router)
    if store is not None:
        app.include_router(changes_router(pages))
        app.include_router(admin_api_router)
        app.include_router(admin_pages_router(pages))
        # other processes' publishes are followed while the app runs (its lifespan), not before
        app.router.on_startup.append(live.start_polling)
        app.router.on_shutdown.append(live.stop)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    def wants_html(request: Request) -> bool:
        return not request.url.path.startswith("/api/") and request.url.path != "/openapi.json"

    @app.exception_handler(FieldOfficeError)
    async def on_domain_error(request: Request, exc: FieldOfficeError) -> Response:
        response: Response
        if wants_html(request):
            response = pages.error_page(request, exc.http_status, str(exc))
        else:
            response = error_response(
                exc.http_status, exc.code, str(exc), getattr(exc, "details", None)
            )
        if isinstance(exc, TooManyAttempts):
            response.headers["Retry-After"] = str(exc.retry_after)
        if exc.http_status == 401 and not wants_html(request):
            response.headers["WWW-Authenticate"] = 'Bearer realm="fieldoffice"'
        if request.url.path.startswith(EDITORS):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = "no such page" if exc.status_code == 404 else str(exc.detail)
        response: Response
        if wants_html(request):
            response = pages.error_page(request, exc.status_code, message)
        else:
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

    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN, compresslevel=GZIP_LEVEL)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST"],
        allow_headers=["*"],
    )
    app.add_middleware(HotPath, live=live)
    app.add_middleware(ResponseCache, live=live)
    app.add_middleware(Pin, live=live)
    if store is not None:
        app.add_middleware(Csrf, secret=csrf_secret(store))
    if settings is not None:
        app.add_middleware(FairShare, rate=settings.rate_limit, max_pending=settings.max_pending)
    app.add_middleware(Guard, live=live, settings=settings)
    # the national map is drawn once per language; draw both before the first visitor asks
    threading.Thread(target=lambda: [pages.national_map(lang) for lang in LANGUAGES],
                     name="fieldoffice-maps", daemon=True).start()  # fmt: skip
    _keep_verify_out_of_access_log()
    _keep_asked_out_of_error_log()
    return app


def _keep_verify_out_of_access_log() -> None:
    """uvicorn's access log (`--access-log`) prints each request line: for /verify that would be
    the very contact asked about, and the asker's address. For those paths it prints neither."""
    import logging

    logging.getLogger("uvicorn.access").addFilter(_redact_verify_request)  # once: a set, in effect


def _keep_asked_out_of_error_log() -> None:
    """An unexpected error is logged by uvicorn with its traceback, and an exception's message
    can quote what was asked (a contact, an address). Keep the frames, drop every message."""
    import logging

    logging.getLogger("uvicorn.error").addFilter(_scrub_exception)


def _scrub_exception(record: Any) -> bool:
    if record.exc_info and record.exc_info[1] is not None:
        import traceback

        exc = record.exc_info[1]
        lines = [f"{record.getMessage()} (messages withheld: they may quote what was asked)"]
        seen: set[int] = set()
        while exc is not None and id(exc) not in seen:
            seen.add(id(exc))
            frames = traceback.format_tb(exc.__traceback__)
            lines.append(
                "".join(frames).rstrip() + f"\n{type(exc).__module__}.{type(exc).__qualname__}"
            )
            exc = exc.__cause__ or exc.__context__
        record.msg, record.args = "\n".join(lines), None
        record.exc_info, record.exc_text = None, None
    return True


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
    """Factory for `uvicorn --factory` and worker processes: the directory and the limits come
    from the environment (`fieldoffice serve` sets both)."""
    settings = ServeSettings.from_env() if os.environ.get(SETTINGS_ENV) else None
    return create_app(os.environ.get("FIELDOFFICE_DIRECTORY") or None, settings,
                      database=os.environ.get(DATABASE_ENV) or None)  # fmt: skip
