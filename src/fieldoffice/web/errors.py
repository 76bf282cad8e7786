"""How the app answers what went wrong: an answer's status as an HTTP status, and the four error
handlers (the product's errors, the framework's HTTP errors, the validator's findings, and anything
unexpected), each in JSON under /api/ and as a page elsewhere, never with a traceback.

The OpenAPI schema is made to say the same: every 4xx and 5xx in the error shape, never a 422.
"""

from __future__ import annotations

from typing import Any, Protocol

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from fieldoffice.core.errors import FieldOfficeError, TooManyAttempts
from fieldoffice.web.privacy import NO_STORE, is_editors


class ErrorPages(Protocol):
    """What the handlers need of the pages: an HTML error page (web.pages.Pages gives it)."""

    def error_page(self, request: Request, status: int, message: str) -> Response: ...


# an answer's status -> (HTTP status, error code); every status not listed is a 200 answer
ANSWER_ERRORS = {"invalid": (400, "invalid_input"), "not_found": (404, "not_found")}
UNEXPECTED = "something went wrong on our side"


def answer_http_status(status: str) -> int:
    """The HTTP status of a lookup's answer, in JSON and on a page alike."""
    return ANSWER_ERRORS.get(status, (200, ""))[0]


def error_json(code: str, message: str, details: Any = None) -> bytes:
    """The one error shape of every 4xx and 5xx the API sends."""
    return orjson.dumps({"error": {"code": code, "message": message, "details": details}})


def error_response(status: int, code: str, message: str, details: Any = None) -> Response:
    return Response(
        error_json(code, message, details), status_code=status, media_type="application/json"
    )


def wants_html(path: str) -> bool:
    return not path.startswith("/api/") and path != "/openapi.json"


def api_error(exc: FieldOfficeError) -> Response:
    """A product error in the API's error shape, with the headers its kind calls for."""
    response = error_response(exc.http_status, exc.code, str(exc), getattr(exc, "details", None))
    if exc.http_status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="fieldoffice"'
    return response


def install_error_handlers(app: FastAPI, pages: ErrorPages) -> None:
    """The app's four error handlers; `pages` draws the error page."""

    @app.exception_handler(FieldOfficeError)
    async def on_domain_error(request: Request, exc: FieldOfficeError) -> Response:
        path = request.url.path
        response: Response
        if wants_html(path):
            response = pages.error_page(request, exc.http_status, str(exc))
        else:
            response = api_error(exc)
        if isinstance(exc, TooManyAttempts):
            response.headers["Retry-After"] = str(exc.retry_after)
        if is_editors(path):
            response.headers.update(NO_STORE)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = "no such page" if exc.status_code == 404 else str(exc.detail)
        response: Response
        if wants_html(request.url.path):
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
        if wants_html(request.url.path):
            return pages.error_page(request, 400, message)
        return error_response(400, "invalid_input", message, details)

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, exc: Exception) -> Response:  # never a traceback
        if wants_html(request.url.path):
            return pages.error_page(request, 500, UNEXPECTED)
        return error_response(500, "internal_error", UNEXPECTED)


def error_schema(app: FastAPI) -> dict[str, Any]:
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
