"""GET /api/v1/locate straight to the core, skipping the framework's routing and parameter checks,
which cost more than most answers (bench_server.py measures both ways: see benchmarks/README.md).

The door only chooses: the answer is `api.locate_response`, the very response the route returns,
or `errors.api_error` for a product error as the app's handler words it; and it sits inside the
app's GZip and CORS middleware, so compression and CORS headers are written once, for both.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

import anyio
import anyio.to_thread
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from fieldoffice.core.errors import FieldOfficeError
from fieldoffice.lookup.wording import MAX_QUERY
from fieldoffice.web.api import locate_response
from fieldoffice.web.errors import api_error
from fieldoffice.web.live import LiveSite

PATH = "/api/v1/locate"
MAX_NUMBER = 40  # the route's own max_length for lat and lon


def plain_form(scope: Scope) -> dict[str, str] | None:
    """The parameters of a request the fast path answers, or None for FastAPI to answer.

    Only the exact forms (q alone, up to MAX_QUERY characters; lat and lon alone, up to 40 each)
    take this path; anything else (an extra parameter, a repeated one, a q too long) goes through
    FastAPI for its checks and their wording."""
    if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "GET":
        return None
    params = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
    keys = sorted(k for k, _ in params)
    if keys == ["lat", "lon"] and all(len(v) <= MAX_NUMBER for _, v in params):
        return dict(params)
    if keys == ["q"] and len(params[0][1]) <= MAX_QUERY:
        return dict(params)
    return None


class HotPath:
    """Pure ASGI, innermost (under GZip and CORS). A point is answered at once on the event loop;
    text runs in the thread pool, one answer at a time per process, so the loop keeps its share."""

    def __init__(self, app: ASGIApp, live: LiveSite) -> None:
        self.app = app
        self.live = live
        self.text_slot: anyio.CapacityLimiter | None = None  # made in the event loop

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        form = plain_form(scope)
        if form is None:
            await self.app(scope, receive, send)
            return
        if "q" in form:
            if self.text_slot is None:
                self.text_slot = anyio.CapacityLimiter(1)
            response = await anyio.to_thread.run_sync(self._answer, form, limiter=self.text_slot)
        else:
            response = self._answer(form)
        await response(scope, receive, send)

    def _answer(self, form: dict[str, str]) -> Response:
        site = self.live.site
        try:
            return locate_response(site, q=form.get("q"), lat=form.get("lat"), lon=form.get("lon"))
        except FieldOfficeError as exc:
            return api_error(exc)
