"""JSON API under /api/v1: the core's answers, one error shape for every 4xx and 5xx."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import parse_qs

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from fieldoffice.core.answer import AnswerBody
from fieldoffice.core.errors import InvalidInput, NotFound
from fieldoffice.lookup.offices import OfficeDetail, OfficeSummary, office_detail, office_summary
from fieldoffice.lookup.render import answer_body
from fieldoffice.lookup.wording import LANGUAGES, MAX_QUERY
from fieldoffice.web.errors import ANSWER_ERRORS, error_json, error_response
from fieldoffice.web.privacy import is_verify, private_verify
from fieldoffice.web.site import Site

# what each parameter is, and an example of it, for the product's own validation messages
PARAMETERS = {
    "q": ("the place", "?q=Reno, NV"),
    "lat": ("the latitude", "?lat=39.53&lon=-119.81"),
    "lon": ("the longitude", "?lat=39.53&lon=-119.81"),
    "contact": ("the contact to check", "?contact=(202) 732-4646"),
    "lang": ("the language", "lang=en or lang=es"),
    "office_id": ("the office id", "/api/v1/offices/san-francisco"),
    "as_of": ("the date", "as_of=2024-01-31"),
    "version_id": ("the version number", "/api/v1/versions/2"),
    "limit": ("the number of entries (1 to 1,000)", "?limit=100"),
    "before": ("the entry id to page back from", "?before=120"),
}


def validation_words(errors: Any) -> tuple[str, list[dict[str, str]]]:
    """The validator's findings in the product's words: what was wrong with which parameter, and
    an example of what works. Never the validator's own sentences."""
    details = []
    for e in errors:
        loc = [str(x) for x in e.get("loc", ())]
        name = loc[-1] if loc else "the request"
        what, example = PARAMETERS.get(name, (name, ""))
        kind = str(e.get("type", ""))
        ctx = e.get("ctx") or {}
        if kind == "missing":
            problem = f"{what} ({name}) is missing"
        elif kind == "string_too_long":
            problem = f"{what} ({name}) is longer than {ctx.get('max_length', '?')} characters"
        elif kind == "string_too_short":
            problem = f"{what} ({name}) is empty"
        else:
            problem = f"{what} ({name}) cannot be read"
        if example:
            problem += f"; for example {example}"
        details.append({"where": ".".join(loc), "problem": problem})
    message = "; ".join(d["problem"] for d in details) or "the request cannot be read"
    return message[:1].upper() + message[1:], details


class ApiRoute(APIRoute):
    """Every API route: a request the validator refuses gets a 400 in the error shape, worded by
    the product (validation_words); a verify request keeps its privacy headers even then."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def worded(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                message, details = validation_words(exc.errors())
                response = error_response(400, "invalid_input", message, details)
                return private_verify(response) if is_verify(request.url.path) else response

        return worded

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.methods and scope["method"] not in self.methods:  # a 405 names HEAD with GET
            allowed = self.methods | ({"HEAD"} if "GET" in self.methods else set())
            raise HTTPException(status_code=405, headers={"Allow": ", ".join(sorted(allowed))})
        await super().handle(scope, receive, send)


router = APIRouter(prefix="/api/v1", tags=["api"], route_class=ApiRoute)


class GeoJSONResponse(JSONResponse):
    media_type = "application/geo+json"


class ErrorBody(BaseModel):
    code: str = Field(description="machine-readable: invalid_input, not_found, ...")
    message: str = Field(description="what was wrong and what to do, in plain English")
    details: Any = Field(default=None, description="more, where there is more")


class ErrorEnvelope(BaseModel):
    error: ErrorBody


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "model": ErrorEnvelope,
        "description": "the input cannot be a place, or parameters are wrong",
    },
    404: {"model": ErrorEnvelope, "description": "nothing matches"},
}


def json_response(data: Any, status: int = 200, media_type: str = "application/json") -> Response:
    return Response(orjson.dumps(data), status_code=status, media_type=media_type)


def _site(request: Request) -> Site:
    """The site this request reads (the store's version in force, or the directory file)."""
    site: Site = request.app.state.live.site
    return site


def _number(name: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InvalidInput(
            f"{name} must be a number in decimal degrees, got {text[:40]!r}"
        ) from None


@router.get("/locate", response_model=AnswerBody, responses=ERRORS,
            summary="Which office covers a place: ?q=text, or ?lat=&lon=")  # fmt: skip
def locate(
    request: Request,
    # the length is checked by the locator, which answers `invalid` in the product's words
    q: Annotated[
        str | None,
        Query(
            description="a state, county, city, ZIP, address or 'lat, lon'",
            json_schema_extra={"maxLength": MAX_QUERY},
        ),
    ] = None,
    lat: Annotated[
        str | None, Query(max_length=40, description="latitude, decimal degrees")
    ] = None,
    lon: Annotated[
        str | None, Query(max_length=40, description="longitude, decimal degrees")
    ] = None,
    as_of: Annotated[
        str | None,
        Query(
            max_length=10,
            description="answer from the directory version in force on this date (YYYY-MM-DD)",
        ),
    ] = None,
) -> Response:
    site = _site(request) if as_of is None else request.app.state.live.as_of(_date(as_of))
    return locate_response(site, q=q, lat=lat, lon=lon)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"as_of {text[:10]!r} is not a date", hint="write it as YYYY-MM-DD"
        ) from None


def locate_response(site: Site, *, q: str | None, lat: str | None, lon: str | None) -> Response:
    """The answer of /api/v1/locate: the route and the fast path (hotpath.py) both send this."""
    status, body = locate_answer(site, q=q, lat=lat, lon=lon)
    return Response(body, status_code=status, media_type="application/json")


def locate_answer(
    site: Site, *, q: str | None, lat: str | None, lon: str | None
) -> tuple[int, bytes]:
    """Status and JSON body of /api/v1/locate."""
    if q is not None and (lat is not None or lon is not None):
        raise InvalidInput("give either q, or lat and lon, not both")
    if q is not None:
        answer = site.locator.locate(q)
    elif lat is not None and lon is not None:
        answer = site.locator.locate_point(
            lat=_number("lat", lat), lon=_number("lon", lon), query=f"{lat}, {lon}"
        )
    else:
        raise InvalidInput("say which place: ?q=Reno, NV or ?lat=39.53&lon=-119.81")
    body = answer_body(answer)
    if answer.status in ANSWER_ERRORS:  # the answer itself is the error's details
        status, code = ANSWER_ERRORS[answer.status]
        return status, error_json(code, body.reason, body)
    return 200, orjson.dumps(body)


class VerdictModel(BaseModel):
    contact: str
    kind: str = Field(description="phone, email or web")
    normalized: str
    status: str = Field(
        description="listed, official_domain (at an official domain, not itself listed), reported, "
        "look_alike or not_listed"
    )
    reason: str
    matches: list[dict[str, Any]]
    reported: dict[str, Any] | None
    guidance: list[str] = Field(description="what to do, whatever the answer")
    notices: list[str] = Field(description="the directory's own scam warnings, as published")


CONTACT_DOC = "as you saw it: (202) 732-4646, someone@agency.gov, agency.gov"
LANG_DOC = "language of the guidance"
_VERIFY_BODY = {
    "type": "object",
    "required": ["contact"],
    "properties": {
        "contact": {"type": "string", "maxLength": 200, "description": CONTACT_DOC},
        "lang": {
            "type": "string",
            "enum": list(LANGUAGES),
            "default": "en",
            "description": LANG_DOC,
        },
    },
}


def verify(
    request: Request,
    # limits are checked by the route itself, so that every refusal carries the privacy headers
    contact: Annotated[str, Query(description=CONTACT_DOC, json_schema_extra={"maxLength": 200})],
    lang: Annotated[
        str, Query(description=LANG_DOC, json_schema_extra={"enum": list(LANGUAGES)})
    ] = "en",
) -> Response:
    return verify_answer(_site(request), contact, lang)


async def verify_post(request: Request) -> Response:
    site = _site(request)
    try:
        contact, lang = _verify_body(request.headers.get("content-type", ""), await request.body())
    except InvalidInput as exc:
        details = None if exc.http_status == 415 else {"guidance": _guidance(site, "en")}
        return private_verify(error_response(exc.http_status, exc.code, str(exc), details))
    return await run_in_threadpool(verify_answer, site, contact, lang)


class _VerifyRoute(ApiRoute):
    """GET and POST /verify are two routes; a 405 on either names the methods of both."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.methods and scope["method"] not in self.methods:
            raise HTTPException(status_code=405, headers={"Allow": "GET, HEAD, POST"})
        await super().handle(scope, receive, send)


_VERIFY_SUMMARY = "Is this phone number, email or web address one the directory lists?"
router.add_api_route("/verify", verify, methods=["GET"], response_model=VerdictModel, responses=ERRORS,
                     summary=_VERIFY_SUMMARY, route_class_override=_VerifyRoute,
                     description="Kept for links; POST keeps the contact out of addresses and the logs of "
                                 "proxies on the way.")  # fmt: skip
router.add_api_route("/verify", verify_post, methods=["POST"], response_model=VerdictModel,
                     summary=_VERIFY_SUMMARY + " (the contact in the body)", route_class_override=_VerifyRoute,
                     responses={**ERRORS, 415: {"model": ErrorEnvelope, "description": "the body is neither JSON nor a form"}},
                     openapi_extra={"requestBody": {"required": True, "content": {
                         "application/json": {"schema": _VERIFY_BODY},
                         "application/x-www-form-urlencoded": {"schema": _VERIFY_BODY},
                     }}})  # fmt: skip


class _UnsupportedBody(InvalidInput):
    http_status = 415
    code = "unsupported_media_type"


def _verify_body(content_type: str, body: bytes) -> tuple[str, str]:
    """contact and lang from a JSON object or a form-urlencoded body (UTF-8)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    data: Any
    if kind == "application/json" or kind.endswith("+json"):
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            raise InvalidInput(
                "the body is not JSON", hint='send {"contact": "(202) 732-4646"}'
            ) from None
    elif kind == "application/x-www-form-urlencoded":
        try:
            fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
        except (UnicodeDecodeError, ValueError):
            raise InvalidInput("the form body cannot be read as UTF-8 fields") from None
        data = {k: v[0] if len(v) == 1 else v for k, v in fields.items()}
    else:
        raise _UnsupportedBody(
            "send the contact as JSON or as a form (application/x-www-form-urlencoded)"
        )
    if not isinstance(data, dict):
        raise InvalidInput("the body must be an object", hint='send {"contact": "(202) 732-4646"}')
    contact, lang = data.get("contact"), data.get("lang", "en")
    if contact is None:
        raise InvalidInput("say which contact to check", hint='send {"contact": "(202) 732-4646"}')
    if not isinstance(contact, str):
        raise InvalidInput("contact must be a string, once")
    if not isinstance(lang, str):
        raise InvalidInput("lang must be " + " or ".join(LANGUAGES) + ", once")
    return contact, lang


def _guidance(site: Site, lang: str) -> list[str]:
    return site.ctx.directory.guidance_in(lang)


def verify_answer(site: Site, contact: str, lang: str) -> Response:
    """One verify answer, whichever method asked: the verdict, or 400 invalid_input with the
    guidance (an error's message never repeats the contact). Always no-store and no-referrer."""
    try:
        if lang not in LANGUAGES:
            raise InvalidInput("lang must be " + " or ".join(LANGUAGES))
        verdict = site.verifier.verify(contact, language=lang)
    except InvalidInput as exc:
        response = error_response(400, exc.code, str(exc), {"guidance": _guidance(site, lang)})
    else:
        response = Response(orjson.dumps(verdict.to_dict()), media_type="application/json")
    return private_verify(response)


@router.get(
    "/offices", response_model=list[OfficeSummary], summary="Every office, with how to reach it"
)
def offices(request: Request) -> Response:
    site = _site(request)
    return json_response([office_summary(site.ctx, o.id) for o in site.ctx.directory.offices])


def _office_id(site: Site, office_id: str) -> str:
    if site.ctx.directory.office(office_id) is None:
        raise NotFound(f"no office with id {office_id!r}", hint="GET /api/v1/offices lists them")
    return office_id


@router.get("/offices/{office_id}", response_model=OfficeDetail, responses=ERRORS,
            summary="One office, with its compiled counties")  # fmt: skip
def office(request: Request, office_id: str) -> Response:
    site = _site(request)
    return json_response(office_detail(site.ctx, _office_id(site, office_id)))


@router.get("/offices/{office_id}/territory.geojson", responses=ERRORS, response_class=GeoJSONResponse,
            summary="One office's territory as a GeoJSON Feature (RFC 7946)")  # fmt: skip
def territory(request: Request, office_id: str) -> Response:
    site = _site(request)
    return json_response(
        site.office_feature(_office_id(site, office_id)), media_type="application/geo+json"
    )


@router.get(
    "/territories.geojson",
    response_class=GeoJSONResponse,
    summary="Every office's territory as a GeoJSON FeatureCollection",
)
def territories(request: Request) -> Response:
    return json_response(_site(request).territories_geojson, media_type="application/geo+json")


@router.get(
    "/coverage", summary="Counties covered by no office and claimed by several, with lint findings"
)
def coverage(request: Request) -> Response:
    return json_response(_site(request).coverage)


def head_wherever_get(router: APIRouter) -> None:
    """HEAD answers wherever GET does, with the same status and headers (the server sends no
    body): a twin route per GET route, left out of the OpenAPI schema."""
    for route in list(router.routes):
        if not isinstance(route, APIRoute):
            continue
        methods = route.methods or set()
        if "GET" in methods and "HEAD" not in methods:
            router.add_api_route(route.path_format.removeprefix(router.prefix), route.endpoint,
                                 methods=["HEAD"], include_in_schema=False,
                                 route_class_override=type(route))  # fmt: skip


head_wherever_get(router)
