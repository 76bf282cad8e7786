"""Which paths are private, what they are sent with, and what the logs keep of them: the one home.

Two kinds of answer are private. A verify answer is about what one person asked (the contact is in
the page, and old links carry it in their address): never kept by a cache, never sent on as a
referrer, never written to the access log. The editors' pages and API are about who is signed in:
never given the public ETag, never kept by a cache, and allowed a bigger request body.
Everything else is public: one ETag for every answer, and kept whole by the response cache.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from starlette.responses import Response

EDITOR_PAGES = "/admin"  # the editors' forms (signed in with a cookie, so CSRF-checked)
EDITORS = (EDITOR_PAGES, "/api/v1/admin")
VERIFY = ("/verify", "/es/verify", "/api/v1/verify")
NEVER_CACHED = (*VERIFY, *EDITORS)

NO_STORE = {"Cache-Control": "no-store"}
# a verify answer, in any form: keep the answer (and the contact) out of caches and referrers
VERIFY_HEADERS = {"Referrer-Policy": "no-referrer", **NO_STORE}
EDITOR_PAGE_HEADERS = {**NO_STORE, "X-Robots-Tag": "noindex"}  # and out of search engines
EDITOR_API_HEADERS = NO_STORE


def is_editors(path: str) -> bool:
    """The editors' pages or API: no public ETag, no cache, the editors' body limit."""
    return path.startswith(EDITORS)


def is_editor_page(path: str) -> bool:
    """The editors' forms, which the CSRF check guards (the bearer-token API needs none)."""
    return path.startswith(EDITOR_PAGES)


def never_cached(path: str) -> bool:
    """A path the response cache never keeps, whatever its answer says."""
    return path.startswith(NEVER_CACHED)


def is_verify(path: str) -> bool:
    """A verify address in any form (/verify, /es/verify, /api/v1/verify, a trailing slash)."""
    return path.rstrip("/").lower().endswith("/verify")


def private_verify(response: Response) -> Response:
    """A verify answer, sent with its privacy headers (whatever its status)."""
    response.headers.update(VERIFY_HEADERS)
    return response


def keep_private_out_of_logs() -> None:
    """uvicorn's access log (`--access-log`) prints each request line: for /verify that would be
    the very contact asked about, and the asker's address, so for those paths it prints neither.
    An unexpected error is logged with its traceback, and an exception's message can quote what
    was asked (a contact, an address): keep the frames, drop every message. (Adding the same
    filter twice keeps one: a logger's filters are a set, in effect.)"""
    logging.getLogger("uvicorn.access").addFilter(redact_verify_request)
    logging.getLogger("uvicorn.error").addFilter(scrub_exception)


def scrub_exception(record: Any) -> bool:
    """Error-log filter: an exception's frames and types, never its message."""
    if record.exc_info and record.exc_info[1] is not None:
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


def redact_verify_request(record: Any) -> bool:
    """Access-log filter: args are (client, method, path?query, http_version, status)."""
    args = record.args
    if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
        path = args[2].split("?", 1)[0]
        if is_verify(path):
            record.args = ("-", args[1], path, *args[3:])
    return True
