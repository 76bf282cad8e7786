"""The serve command: the site, the lookup, the map and the JSON API, over HTTP."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

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
        help="Requests per client address, e.g. 120/minute, 10/second; 'off' for benchmarks. "
        "Without --redis it is counted per client per process (each worker and instance "
        "counts its own); with --redis, across all instances. Answers that search every "
        "name or send large pages count more; over it: 429 with Retry-After."
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
RedisOpt = Annotated[
    str | None,
    typer.Option(
        envvar="FIELDOFFICE_REDIS",
        help="Redis holding the --rate-limit counters and each client's open connections "
        "(synced about once a second), shared by every worker and instance: "
        "redis://HOST:PORT/DB, rediss://... (TLS) or unix:///path/redis.sock. "
        "Without it each process counts on its own.",
    ),
]
ForwardedOpt = Annotated[
    str,
    typer.Option(
        help="Proxies whose X-Forwarded-For / -Proto are believed, comma-separated "
        "('*' for any): the client address the limits count is the one they name."
    ),
]
MaxAgeOpt = Annotated[
    int,
    typer.Option(
        envvar="FIELDOFFICE_CACHE_MAX_AGE",
        help="Seconds any cache (a browser too) may keep a public answer (Cache-Control max-age).",
    ),
]
SharedMaxAgeOpt = Annotated[
    int,
    typer.Option(
        envvar="FIELDOFFICE_CACHE_SHARED_MAX_AGE",
        help="Seconds a proxy or CDN keeps a public answer before asking again (s-maxage): "
        "a publish reaches them within it.",
    ),
]
StaleOpt = Annotated[
    int,
    typer.Option(
        envvar="FIELDOFFICE_CACHE_STALE",
        help="Seconds an expired answer may still be sent while a fresh one is fetched "
        "(stale-while-revalidate).",
    ),
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
    redis: RedisOpt = None,
    forwarded_allow_ips: ForwardedOpt = "127.0.0.1",
    max_age: MaxAgeOpt = 60,
    shared_max_age: SharedMaxAgeOpt = 1,
    stale_while_revalidate: StaleOpt = 30,
) -> None:
    """Serve the contact page, the lookup, the map and the JSON API (http://HOST:PORT/).

    With no --directory, the directory lives in the editors' store (--database, else
    $FIELDOFFICE_DATABASE, else a SQLite file in the user data folder), seeded from the shipped
    directory on first start, with the editors' pages at /admin. --directory alone serves that
    file read-only; with --database it seeds an empty store."""
    from fieldoffice.web.settings import PUBLIC_URL_ENV, SettingsError, port_number, proxy_list
    from fieldoffice.web.settings import public_url as checked_url

    if workers < 1:
        raise InvalidInput("--workers must be at least 1")
    try:
        port_number(port)
        base = checked_url(public_url or os.environ.get(PUBLIC_URL_ENV) or _own_url(host, port))
        settings = _settings(
            host, allowed_hosts, rate_limit=rate_limit, max_header_bytes=max_header_bytes,
            max_headers=max_headers, header_timeout=header_timeout, keep_alive=keep_alive,
            max_connections=max_connections, max_pending=max_pending, workers=workers,
            trusted_proxies=proxy_list(forwarded_allow_ips),
            redis=redis.strip() if redis and redis.strip() else None, max_age=max_age,
            shared_max_age=shared_max_age, stale_while_revalidate=stale_while_revalidate,
        )  # fmt: skip
    except SettingsError as exc:
        raise InvalidInput(str(exc)) from None
    os.environ[PUBLIC_URL_ENV] = base  # (the workers make the feed's links from it)
    _run(host, port, settings, resolve_directory_path(directory), database)


def _settings(host: str, allowed_hosts: str | None, *, rate_limit: str,
              **limits: Any) -> ServeSettings:  # fmt: skip
    """serve's options as the settings every worker reads (SettingsError for one that cannot
    be used). The Redis address and cache lifetimes travel in them too: each worker's FairShare
    and ResponseCache are made from them (web/app.py)."""
    from fieldoffice.web.settings import ServeSettings, host_list

    hosts = host_list(allowed_hosts) if allowed_hosts is not None else _default_hosts(host)
    rate = None if rate_limit.strip().lower() == "off" else rate_limit
    return ServeSettings(rate_limit=rate, allowed_hosts=hosts, **limits)


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

    _check_port(host, port)
    sys.stderr.write(
        f"fieldoffice: serving http://{host}:{port}/ from {store_note} (Ctrl-C to stop)\n"
    )
    run(host, port, settings)


def _check_port(host: str, port: int) -> None:
    """Bind HOST:PORT as uvicorn will (SO_REUSEADDR) and let it go: a port another server holds
    is one worded line (InvalidInput, exit 2) before anything is announced, not a traceback."""
    import errno
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        with socket.socket(family, kind, proto) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address)
            sock.listen()
    except socket.gaierror:
        raise InvalidInput(f"cannot listen on {host!r}: no such address on this machine; "
                           "give --host an address, such as 127.0.0.1 or 0.0.0.0") from None  # fmt: skip
    except OSError as exc:
        other = port + 1 if port < 65535 else port - 1
        if exc.errno == errno.EADDRINUSE:
            raise InvalidInput(f"port {port} on {host} is in use (another fieldoffice serve?); "
                               f"choose another with --port {other}") from None  # fmt: skip
        if exc.errno == errno.EACCES:
            raise InvalidInput(f"port {port} on {host} needs privileges this user lacks; "
                               f"choose another with --port {max(other, 1024)}") from None  # fmt: skip
        raise InvalidInput(f"cannot listen on port {port} on {host}: "
                           f"{exc.strerror or exc}") from None  # fmt: skip
