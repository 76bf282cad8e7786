"""A refusal made before the app runs (a limit, a flood): JSON in the API's error shape under
/api/, a short page elsewhere, so a browser shows words and a script reads a code."""

from __future__ import annotations

import html
import json

from starlette.types import Scope


def refusal(scope: Scope, status: int, code: str, message: str, retry_after: int | None = None) -> tuple[list[tuple[bytes, bytes]], bytes]:  # fmt: skip
    """Headers and body for a refusal of this request."""
    path: str = scope.get("path", "")
    if path.startswith("/api/") or path == "/openapi.json":
        body = json.dumps({"error": {"code": code, "message": message, "details": None}}).encode()
        kind = b"application/json"
    else:
        lang = "es" if path == "/es" or path.startswith("/es/") else "en"
        body = (f'<!doctype html><html lang="{lang}"><meta charset="utf-8"><title>{status}</title>'
                f'<p lang="en">{html.escape(message)}</p><p><a href="/">fieldoffice</a></p></html>').encode()  # fmt: skip
        kind = b"text/html; charset=utf-8"
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
               (b"cache-control", b"no-store")]  # fmt: skip
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    sent = dict(scope.get("headers", ()))
    if sent.get(b"content-length", b"0") != b"0" or b"transfer-encoding" in sent:
        # a body left unread: close, rather than read what follows to find the next request
        headers.append((b"connection", b"close"))
    return headers, body
