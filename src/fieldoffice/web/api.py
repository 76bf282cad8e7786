"""JSON API under /api/v1: the core's answers, one error shape for every 4xx and 5xx."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse, Response

from fieldoffice.answer import AnswerBody
from fieldoffice.errors import InvalidInput, NotFound
from fieldoffice.offices import OfficeDetail, OfficeSummary, office_detail, office_summary
from fieldoffice.query import MAX_QUERY
from fieldoffice.render import answer_body
from fieldoffice.web.site import Site

router = APIRouter(prefix="/api/v1", tags=["api"])


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


def error_response(status: int, code: str, message: str, details: Any = None) -> Response:
    return Response(
        _error_json(code, message, details), status_code=status, media_type="application/json"
    )


def _site(request: Request) -> Site:
    site: Site = request.app.state.site
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
    q: Annotated[
        str | None,
        Query(
            max_length=MAX_QUERY, description="a state, county, city, ZIP, address or 'lat, lon'"
        ),
    ] = None,
    lat: Annotated[
        str | None, Query(max_length=40, description="latitude, decimal degrees")
    ] = None,
    lon: Annotated[
        str | None, Query(max_length=40, description="longitude, decimal degrees")
    ] = None,
) -> Response:
    status, body = locate_answer(_site(request), q=q, lat=lat, lon=lon)
    return Response(body, status_code=status, media_type="application/json")


def locate_answer(
    site: Site, *, q: str | None, lat: str | None, lon: str | None
) -> tuple[int, bytes]:
    """Status and JSON body of /api/v1/locate; the route and the server's fast path share it."""
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
    if answer.status == "invalid":
        return 400, _error_json("invalid_input", body.reason, body)
    if answer.status == "not_found":
        return 404, _error_json("not_found", body.reason, body)
    return 200, orjson.dumps(body)


def _error_json(code: str, message: str, details: Any = None) -> bytes:
    return orjson.dumps({"error": {"code": code, "message": message, "details": details}})


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


@router.get("/verify", response_model=VerdictModel, responses=ERRORS,
            summary="Is this phone number, email or web address one the directory lists?")  # fmt: skip
def verify(
    request: Request,
    contact: Annotated[
        str,
        Query(
            max_length=200,
            description="as you saw it: (202) 732-4646, someone@agency.gov, agency.gov",
        ),
    ],
    lang: Annotated[str, Query(pattern="^(en|es)$", description="language of the guidance")] = "en",
) -> Response:
    site = _site(request)
    try:
        verdict = site.verifier.verify(contact, language=lang)
    except InvalidInput as exc:
        guidance = site.ctx.directory.guidance.get(lang) or site.ctx.directory.guidance.get(
            "en", []
        )
        return error_response(400, exc.code, str(exc), {"guidance": guidance})
    return Response(orjson.dumps(verdict.to_dict()), media_type="application/json")


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
