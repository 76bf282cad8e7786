"""The verify page (/verify, /es/verify): is this phone number, email or web address one the
directory lists? Always sent with the private headers (privacy.py), whatever the answer: the
contact is in the page, and old links carry it in their address.

The verdict is verify.py's; its heading and, in a language other than the directory's, its short
sentence come from verify.py's msgids through the page's catalog, with the full reason beneath in
the directory's own words.
"""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import parse_qs

from fastapi import Request
from starlette.responses import Response

from fieldoffice.core.catalog import SOURCE_LANGUAGE, translations
from fieldoffice.core.errors import InvalidInput
from fieldoffice.verify import HEADINGS, MAX_CONTACT, summary
from fieldoffice.web.i18n import sayer
from fieldoffice.web.privacy import private_verify
from fieldoffice.web.site import Site


class PageRenderer(Protocol):
    """What the verify page needs of the pages (web.pages.Pages): the site and its templates."""

    @property
    def site(self) -> Site: ...

    def render(
        self, request: Request, lang: str, template: str, status: int = 200, **values: Any
    ) -> Response: ...


class VerifyPage:
    def __init__(self, pages: PageRenderer) -> None:
        self.pages = pages

    def answer(self, request: Request, lang: str, contact: str) -> Response:
        """The page, empty or with its answer."""
        site = self.pages.site
        _ = sayer(lang)
        if not contact.strip():
            guidance = site.ctx.directory.guidance_in(lang)
            return private_verify(self.pages.render(request, lang, "verify.html",
                                                    guidance=guidance, contact=""))  # fmt: skip
        try:
            v = site.verifier.verify(contact[: MAX_CONTACT + 1], language=lang)
        except InvalidInput as exc:
            return self.problem(request, lang, contact[:MAX_CONTACT], str(exc))
        source = lang == SOURCE_LANGUAGE  # the core's own words, as the command line gives them
        text = v.reason if source else summary(v, translations(lang).gettext)
        page = self.pages.render(request, lang, "verify.html", guidance=v.guidance,
                                 contact=contact[:MAX_CONTACT], verdict=v, heading=_(HEADINGS[v.status]),
                                 explanation=text, detail="" if source else v.reason)  # fmt: skip
        return private_verify(page)

    def problem(self, request: Request, lang: str, contact: str, error: str) -> Response:
        """400: what cannot be checked, with the guidance that holds whatever the answer."""
        _ = sayer(lang)
        guidance = self.pages.site.ctx.directory.guidance_in(lang)
        page = self.pages.render(request, lang, "verify.html", 400, guidance=guidance, contact=contact,
                                 heading=_("That cannot be checked"), error=error)  # fmt: skip
        return private_verify(page)


def posted_contact(content_type: str, body: bytes) -> str:
    """The `contact` field of the verify form as browsers post it (form-urlencoded, UTF-8)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind not in ("", "application/x-www-form-urlencoded"):
        raise InvalidInput(
            "the form was not sent as this page sends it", hint="use the form on this page"
        )
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("the form could not be read", hint="use the form on this page") from None
    return fields.get("contact", [""])[0]
