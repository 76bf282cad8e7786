"""What the public learns about changes: /changes (a page, English and Spanish), /changes.atom
(an Atom feed, RFC 4287) and /api/v1/versions with each version's diff. Only published versions
ever appear here; a draft never does. These routes exist on a server with a store; one serving
a directory file keeps no versions. The feed's absolute links come from the configured public
base URL (settings.configured_public_url), never from the request."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any
from xml.etree import ElementTree as ET

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from fieldoffice.core.errors import NotFound
from fieldoffice.store import summary, versions
from fieldoffice.store.database import Database
from fieldoffice.web.api import json_response
from fieldoffice.web.i18n import LANGUAGES, PREFIX, sayer

ATOM = "http://www.w3.org/2005/Atom"
VersionId = Annotated[int, Path(ge=1, le=2**31 - 1)]  # (a larger number is no id: 404, not 500)
FEED_ENTRIES = 50


def _store(request: Request) -> Database:
    store: Database | None = request.app.state.store
    if store is None:
        raise NotFound("this server serves a directory file, not a store: it keeps no published versions",
                       hint="run `fieldoffice serve` with a database to keep a history of versions")  # fmt: skip
    return store


def _base(request: Request) -> str:
    """The public base URL (--public-url, $FIELDOFFICE_PUBLIC_URL): never the request's Host,
    which a client chooses, while the feed it makes is cached and sent to everyone."""
    from fieldoffice.web.settings import configured_public_url

    return configured_public_url()


def atom_feed(items: list[versions.VersionInfo], base: str, lang: str, title: str) -> bytes:
    """An Atom feed of published versions, newest first."""
    ET.register_namespace("", ATOM)

    def el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        e = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: _xml(v) for k, v in attrs.items()})
        if text is not None:
            e.text = _xml(text)
        return e

    page = f"{base}{PREFIX[lang]}/changes"
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": lang})
    el(feed, "id", f"{page}.atom")
    el(feed, "title", title)
    updated = items[0].published_at if items else "1970-01-01T00:00:00+00:00"
    el(feed, "updated", updated)
    author = el(feed, "author")
    el(author, "name", "fieldoffice")
    el(feed, "link", rel="self", href=f"{page}.atom", type="application/atom+xml")
    el(feed, "link", rel="alternate", href=page, type="text/html")
    for v in items[:FEED_ENTRIES]:
        entry = el(feed, "entry")
        el(entry, "id", f"{base}/api/v1/versions/{v.id}")
        el(
            entry,
            "title",
            f"{sayer(lang)('Version %(id)s', id=v.id)}: {summary.headline(v.changes, lang)}",
        )
        el(entry, "updated", v.published_at)
        el(entry, "published", v.published_at)
        el(entry, "link", rel="alternate", href=f"{page}#v{v.id}", type="text/html")
        el(
            entry,
            "link",
            rel="related",
            href=f"{base}/api/v1/versions/{v.id}/diff",
            type="application/json",
        )
        el(entry, "summary", "\n".join(v.summary(lang)), type="text")
    xml: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return xml


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    """Text XML 1.0 can hold: a character it cannot (a control character in text stored before
    the store refused them) becomes U+FFFD, so the feed stays well-formed."""
    return _NOT_XML.sub("\ufffd", text)


def changes_router(pages: Any) -> APIRouter:
    """The public change routes; `pages` renders the HTML page in the site's frame."""
    router = APIRouter()

    for lang in LANGUAGES:
        p = PREFIX[lang]

        def page(request: Request, lang: str = lang) -> Response:
            items = versions.versions(_store(request))
            response: Response = pages.render(request, lang, "changes.html", items=items, when=_date,
                                feed=f"{PREFIX[lang]}/changes.atom",
                                other_lang_url=f"{PREFIX[_other(lang)]}/changes")  # fmt: skip
            return response

        def feed(request: Request, lang: str = lang) -> Response:
            items = versions.versions(_store(request))
            title = sayer(lang)("Changes to the directory")
            org = request.app.state.live.site.ctx.directory.title
            body = atom_feed(items, _base(request), lang, f"{org}: {title}")
            return Response(body, media_type="application/atom+xml; charset=utf-8")

        router.add_api_route(f"{p}/changes", page, methods=["GET", "HEAD"], include_in_schema=False)
        router.add_api_route(
            f"{p}/changes.atom", feed, methods=["GET", "HEAD"], include_in_schema=False
        )

    def list_versions(request: Request, lang: str = "en") -> Response:
        items = versions.versions(_store(request))
        return json_response({"versions": [v.to_dict(_lang(lang)) for v in items]})

    def one_version(request: Request, version_id: VersionId, lang: str = "en") -> Response:
        info, _ = versions.get(_store(request), version_id)
        return json_response(info.to_dict(_lang(lang)))

    def diff(request: Request, version_id: VersionId, lang: str = "en") -> Response:
        info, _ = versions.get(_store(request), version_id)
        return json_response({"version": info.id, "rollback_of": info.rollback_of,
                              "summary": info.summary(_lang(lang)), "changes": info.changes})  # fmt: skip

    from fieldoffice.web.api import ApiRoute, head_wherever_get

    api = APIRouter(prefix="/api/v1", tags=["versions"], route_class=ApiRoute)
    api.add_api_route("/versions", list_versions, methods=["GET"],
                      summary="Published versions of the directory, newest first, with summaries")  # fmt: skip
    api.add_api_route("/versions/{version_id}", one_version, methods=["GET"],
                      summary="One published version")  # fmt: skip
    api.add_api_route("/versions/{version_id}/diff", diff, methods=["GET"],
                      summary="What a version changed from the one before it")  # fmt: skip
    head_wherever_get(api)
    router.include_router(api)
    return router


def _other(lang: str) -> str:
    return "es" if lang == "en" else "en"


def _lang(lang: str) -> str:
    return lang if lang in LANGUAGES else "en"


def _date(text: str) -> str:
    return dt.datetime.fromisoformat(text).strftime("%Y-%m-%d %H:%M UTC")
