"""The limits `fieldoffice serve` enforces, with their defaults, and how they reach workers.

Settings reach worker processes through one environment variable, as the directory path does.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import asdict, dataclass, field
from typing import Any

SETTINGS_ENV = "FIELDOFFICE_SERVE_SETTINGS"
PUBLIC_URL_ENV = "FIELDOFFICE_PUBLIC_URL"  # the site's public base URL: the feed's links
DEFAULT_PUBLIC_URL = "http://localhost:8000"
RATE = re.compile(r"^\s*(\d+)\s*(?:/|\s+per\s+)\s*(\d+\s*)?(second|minute|hour|day)s?\s*$", re.I)


class SettingsError(ValueError):
    """A serve setting that cannot be used; the message says what to give instead."""


@dataclass(frozen=True)
class ServeSettings:
    """Every limit the server enforces, with the defaults `serve --help` shows."""

    rate_limit: str | None = "120/minute"  # per client address; None: off (benchmarks)
    allowed_hosts: tuple[str, ...] = ("localhost", "127.0.0.1", "[::1]")
    max_header_bytes: int = 16 * 1024  # request line and headers together; over it: 431
    max_headers: int = 100  # header fields; over it: 431
    header_timeout: float = 10.0  # seconds from a request's first byte to its last
    keep_alive: int = 5  # seconds an idle connection (new or between requests) is kept
    max_connections: int = 1000  # open at once, per process; over it: 503 and close
    max_pending: int = 64  # requests being answered at once, per process; over it: 503
    workers: int = 1
    trusted_proxies: tuple[str, ...] = field(default=("127.0.0.1",))
    redis: str | None = None  # rate limit and connection counts, every instance; None: per process
    max_age: int = 60  # Cache-Control for public answers (cache.py's CachePolicy)
    shared_max_age: int = 1
    stale_while_revalidate: int = 30

    def __post_init__(self) -> None:
        if self.rate_limit is not None:
            parse_rate(self.rate_limit)
        for name in ("max_header_bytes", "max_headers", "max_connections", "max_pending"):
            if getattr(self, name) < 1:
                raise SettingsError(f"--{name.replace('_', '-')} must be at least 1")
        timeout = self.header_timeout
        if not math.isfinite(timeout) or timeout <= 0 or self.keep_alive < 1:
            raise SettingsError(f"--header-timeout and --keep-alive must be finite positive numbers of seconds, not {self.header_timeout} and {self.keep_alive}")  # fmt: skip
        for name in ("max_age", "shared_max_age", "stale_while_revalidate"):
            if getattr(self, name) < 0:
                raise SettingsError(f"--{name.replace('_', '-')} is seconds, 0 or more, not {getattr(self, name)}")  # fmt: skip
        if self.redis is not None:
            redis_address(self.redis)

    def cache_policy(self) -> Any:
        """The CachePolicy (web/cache.py) these lifetimes make."""
        from fieldoffice.web.cache import CachePolicy

        return CachePolicy(self.max_age, self.shared_max_age, self.stale_while_revalidate)

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls) -> ServeSettings:
        raw = os.environ.get(SETTINGS_ENV)
        if not raw:
            return cls()
        data: dict[str, Any] = json.loads(raw)
        for key in ("allowed_hosts", "trusted_proxies"):
            data[key] = tuple(data[key])
        return cls(**data)


def parse_rate(text: str) -> tuple[int, int, str]:
    """'120/minute', '10 per second', '1000/5 minutes' as (amount, multiples, granularity)."""
    m = RATE.match(text)
    if not m or int(m.group(1)) < 1:
        raise SettingsError(
            f"cannot read the rate {text[:40]!r}: give requests per period, "
            "e.g. 120/minute, 10/second or 5000/hour, or 'off'"
        )
    return int(m.group(1)), int(m.group(2) or 1), m.group(3).lower()


def redis_address(text: str) -> str:
    """--redis / $FIELDOFFICE_REDIS: redis://HOST:PORT/DB, rediss://... (TLS) or unix:///path."""
    url = text.strip()
    if not url.lower().startswith(("redis://", "rediss://", "unix://")) or url.lower() in (
        "redis://", "rediss://", "unix://",
    ) or any(c.isspace() or ord(c) < 32 for c in url):  # fmt: skip
        raise SettingsError(
            f"cannot use {url[:80]!r} as the Redis address: give redis://HOST:PORT/DB, "
            "rediss://HOST:PORT/DB (TLS) or unix:///path/to/redis.sock"
        )
    return url


def proxy_list(text: str) -> tuple[str, ...]:
    """--forwarded-allow-ips: comma-separated addresses whose X-Forwarded-For is believed
    ('*' for any)."""
    ips = tuple(ip.strip() for ip in text.split(",") if ip.strip())
    if not ips or any(c.isspace() or ord(c) < 32 for ip in ips for c in ip):
        raise SettingsError("--forwarded-allow-ips needs addresses separated by commas, "
                            "e.g. 127.0.0.1,10.0.0.5, or '*' for any")  # fmt: skip
    return ips


def host_list(text: str) -> tuple[str, ...]:
    """--allowed-hosts: comma-separated names; '*' allows any, '*.example.org' any subdomain."""
    hosts = tuple(h.strip().lower() for h in text.split(",") if h.strip())
    if not hosts:
        raise SettingsError("--allowed-hosts needs at least one host name, or '*' for any")
    return hosts


def port_number(port: int) -> int:
    """--port: 1 to 65535 (a larger number would be taken modulo 65536 by the system)."""
    if not 1 <= port <= 65535:
        raise SettingsError(f"--port must be from 1 to 65535, not {port}")
    return port


def public_url(text: str) -> str:
    """--public-url / $FIELDOFFICE_PUBLIC_URL: the site's address as the public reaches it
    (http or https, a host, an optional port and path; no query, fragment or user), without a
    trailing slash. Every absolute link (the Atom feed's) is made from it, never from a
    request's Host."""
    from urllib.parse import urlsplit

    shown = text.strip()[:200]
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        parts, port = None, None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname
            or parts.username is not None or parts.password is not None or parts.query
            or parts.fragment or any(c.isspace() or ord(c) < 32 for c in text.strip())):  # fmt: skip
        raise SettingsError(f"cannot use {shown!r} as the public URL: give the site's address, "
                            "such as https://offices.example.org (http or https, no query)")  # fmt: skip
    del port  # (read to refuse a port that is no number)
    return text.strip().rstrip("/")


def configured_public_url(environ: Any = os.environ) -> str:
    """The public base URL this process makes links from: $FIELDOFFICE_PUBLIC_URL (serve sets
    it from --public-url, else from its own address), else http://localhost:8000."""
    raw = environ.get(PUBLIC_URL_ENV, "")
    if raw:
        try:
            return _checked(raw)
        except SettingsError:
            pass
    return DEFAULT_PUBLIC_URL


_seen: dict[str, str] = {}


def _checked(raw: str) -> str:
    if raw not in _seen:
        _seen[raw] = public_url(raw)
    return _seen[raw]
