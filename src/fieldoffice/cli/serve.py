"""The serve command: the site, the lookup, the map and the JSON API, over HTTP."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fieldoffice.cli.app import DatabaseOpt, DirectoryOpt
from fieldoffice.core.errors import InvalidInput
from fieldoffice.directory.context import DIRECTORY_ENV, load_context, resolve_directory_path

if TYPE_CHECKING:
    from fieldoffice.web.settings import ServeSettings

HostOpt = Annotated[str, typer.Option(help="Address to listen on.")]
PortOpt = Annotated[int, typer.Option(help="Port to listen on.")]
WorkersOpt = Annotated[int, typer.Option(help="Worker processes (one per core is a good start).")]
RateLimitOpt = Annotated[
    str,
    typer.Option(
        help="Requests per client address (per worker), e.g. 120/minute, 10/second; "
        "'off' for benchmarks. Answers that search every name or send large pages "
        "count more; over it: 429 with Retry-After."
    ),
]
AllowedHostsOpt = Annotated[
    str | None,
    typer.Option(
        help="Host names this server answers for, comma-separated ('*.example.org' "
        "for subdomains, '*' for any). Default: localhost, 127.0.0.1, [::1] and --host."
    ),
]
MaxHeaderBytesOpt = Annotated[
    int, typer.Option(help="Largest request line plus headers, in bytes; over it: 431.")
]
MaxHeadersOpt = Annotated[int, typer.Option(help="Most header fields per request; over it: 431.")]
HeaderTimeoutOpt = Annotated[
    float,
    typer.Option(help="Seconds a request may take to arrive, first byte to last; then 408."),
]
KeepAliveOpt = Annotated[
    int, typer.Option(help="Seconds an idle connection is kept open (new or between requests).")
]
MaxConnectionsOpt = Annotated[
    int, typer.Option(help="Open connections per worker; over it: 503 and close.")
]
PublicUrlOpt = Annotated[
    str | None,
    typer.Option(
        help="The site's address as the public reaches it, e.g. https://offices.example.org: "
        "the Atom feed's links are made from it, never from a request's Host. Default: "
        "$FIELDOFFICE_PUBLIC_URL, else http://HOST:PORT."
    ),
]
MaxPendingOpt = Annotated[
    int, typer.Option(help="Requests being answered at once per worker; over it: 503.")
]


def serve(
    host: HostOpt = "127.0.0.1",
    port: PortOpt = 8000,
    workers: WorkersOpt = 1,
    directory: DirectoryOpt = None,
    rate_limit: RateLimitOpt = "120/minute",
    allowed_hosts: AllowedHostsOpt = None,
    max_header_bytes: MaxHeaderBytesOpt = 16 * 1024,
    max_headers: MaxHeadersOpt = 100,
    header_timeout: HeaderTimeoutOpt = 10.0,
    keep_alive: KeepAliveOpt = 5,
    max_connections: MaxConnectionsOpt = 1000,
    max_pending: MaxPendingOpt = 64,
    database: DatabaseOpt = None,
    public_url: PublicUrlOpt = None,
) -> None:
    """Serve the contact page, the lookup, the map and the JSON API (http://HOST:PORT/).

    With no --directory, the directory lives in the editors' store (--database, else
    $FIELDOFFICE_DATABASE, else a SQLite file in the user data folder), seeded from the shipped
    directory on first start, with the editors' pages at /admin. --directory alone serves that
    file read-only; with --database it seeds an empty store."""
    from fieldoffice.web.settings import (
        PUBLIC_URL_ENV,
        ServeSettings,
        SettingsError,
        host_list,
        port_number,
    )
    from fieldoffice.web.settings import public_url as checked_url

    try:
        port_number(port)
        base = checked_url(public_url or os.environ.get(PUBLIC_URL_ENV) or _own_url(host, port))
        hosts = host_list(allowed_hosts) if allowed_hosts is not None else _default_hosts(host)
        settings = ServeSettings(
            rate_limit=None if rate_limit.strip().lower() == "off" else rate_limit,
            allowed_hosts=hosts,
            max_header_bytes=max_header_bytes,
            max_headers=max_headers,
            header_timeout=header_timeout,
            keep_alive=keep_alive,
            max_connections=max_connections,
            max_pending=max_pending,
            workers=workers,
        )
    except SettingsError as exc:
        raise InvalidInput(str(exc)) from None
    if workers < 1:
        raise InvalidInput("--workers must be at least 1")
    os.environ[PUBLIC_URL_ENV] = base  # (the workers make the feed's links from it)
    _run(host, port, settings, resolve_directory_path(directory), database)


def _own_url(host: str, port: int) -> str:
    """The address serve announces, as the public base URL when none is configured."""
    shown = "localhost" if host in ("0.0.0.0", "::", "") else host
    return f"http://{f'[{shown}]' if ':' in shown else shown}:{port}"


def _default_hosts(host: str) -> tuple[str, ...]:
    """The host names answered without --allowed-hosts: this machine's, and --host."""
    return ("localhost", "127.0.0.1", "[::1]", *((host,) if host not in ("0.0.0.0", "::", "") else ()))  # fmt: skip


def _run(host: str, port: int, settings: ServeSettings, path: Path | None,
         database: str | None) -> None:  # fmt: skip
    """Check the directory, prepare the store (migrated and seeded here, once, before any worker
    opens it), pass both to the workers through the environment, and serve."""
    from fieldoffice.store.database import DATABASE_ENV, resolve_url
    from fieldoffice.store.opening import open_database

    load_context(path)  # a bad directory file fails here, with its message, not in a worker
    if path is not None:
        os.environ[DIRECTORY_ENV] = str(path)
    store_note = "the directory file, read-only (no editors' pages)"
    if database is not None or os.environ.get(DATABASE_ENV) or path is None:
        url = resolve_url(database)
        db = open_database(url, seed_from=path)
        store_note = f"the editors' store {db.shown} (editors sign in at /admin)"
        db.close()
        os.environ[DATABASE_ENV] = url
    from fieldoffice.web.server import run

    sys.stderr.write(
        f"fieldoffice: serving http://{host}:{port}/ from {store_note} (Ctrl-C to stop)\n"
    )
    run(host, port, settings)
