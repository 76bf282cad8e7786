"""The command line: parse, call the core, print. Errors become one line on stderr and an exit code."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from fieldoffice.core.errors import FieldOfficeError, InvalidInput, NotFound
from fieldoffice.directory.context import (
    DIRECTORY_ENV,
    Context,
    load_context,
    resolve_directory_path,
    shared_gazetteer,
    shared_regions,
)
from fieldoffice.lookup.render import answer_body, answer_text, office_text, wrap_text

if TYPE_CHECKING:
    from fieldoffice.store.database import Database
    from fieldoffice.store.versions import VersionInfo

app = typer.Typer(
    help="Which field office is responsible for this place, and how do I reach it for real?",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

DirectoryOpt = Annotated[
    Path | None,
    typer.Option(
        "--directory",
        envvar=DIRECTORY_ENV,
        help="Directory file to use instead of the shipped one.",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
DatabaseOpt = Annotated[
    str | None,
    typer.Option(
        "--database",
        metavar="URL",
        help="sqlite:///PATH, postgresql://USER@HOST/NAME or a file path (default: "
        "$FIELDOFFICE_DATABASE, else fieldoffice.db in the user data folder).",
    ),
]


def _version(value: bool) -> None:
    if value:
        from fieldoffice import __version__

        sys.stdout.write(f"fieldoffice {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Which field office is responsible for this place, and how do I reach it for real?"""


EXIT_FOR_STATUS = {"uncovered": 1, "ambiguous": 1, "not_found": 1, "invalid": 2}


def _emit(obj: Any) -> None:
    """One JSON line; dataclasses (answers, offices) serialise as their fields."""
    import orjson

    sys.stdout.write(orjson.dumps(obj).decode() + "\n")


def _store_context(url: str, as_of: dt.date | None) -> tuple[Context, str]:
    """The context of the store's version in force (on `as_of`, else now), and its name."""
    from fieldoffice.core.snapshot import cache_root
    from fieldoffice.store.opening import open_database
    from fieldoffice.store.versions import current_version, in_force, materialize

    db = open_database(url)
    try:
        if as_of is not None:
            info, toml = in_force(db, as_of)
            number = info.id
        else:
            v = current_version(db)
            if v is None:
                raise InvalidInput(f"the database {db.shown} holds no published version")
            number, toml = v.id, v.toml
        name = f"version {number} of {db.shown}"
    finally:
        db.close()
    return load_context(materialize(toml, Path(cache_root()) / "published")), name


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput(
            f"--as-of {text!r} is not a date", hint="write it as YYYY-MM-DD"
        ) from exc


@app.command(context_settings={"ignore_unknown_options": True})
def locate(
    queries: Annotated[
        list[str], typer.Argument(help="Places: 'Reno, NV', '89501', '39.53, -119.81', ...")
    ],
    as_json: JsonOpt = False,
    directory: DirectoryOpt = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of", help="Use the directory version in effect on this date (YYYY-MM-DD)."
        ),
    ] = None,
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            metavar="URL",
            help="Answer from the editors' store's published version (with --as-of: the one in "
            "force that day) instead of a directory file.",
        ),
    ] = None,
) -> None:
    """Find the office(s) responsible for each place.

    Exit code 0 when every place matched or has candidates, 1 when any was uncovered or not found,
    2 when any query was invalid.
    """
    from fieldoffice.lookup.locate import locator_of

    if database is not None and directory is not None:
        raise InvalidInput("give --directory or --database, not both")
    if database is not None:
        ctx, source = _store_context(database, _date(as_of))
    else:
        ctx = load_context(directory, as_of=_date(as_of))
        source = ctx.directory.path
    locator = locator_of(ctx)
    version = {
        "path": source,
        "effective_date": ctx.directory.effective_date.isoformat(),
    }
    if as_of and not as_json:
        sys.stdout.write(
            f"Directory version in effect on {as_of}: effective {version['effective_date']} "
            f"({version['path']})\n\n"
        )
    code = 0
    for i, q in enumerate(queries):
        answer = locator.locate(q)
        code = max(code, EXIT_FOR_STATUS.get(answer.status, 0))
        if as_json:
            if as_of:
                import orjson

                row = orjson.loads(orjson.dumps(answer_body(answer)))
                _emit(dict(row, directory_version=version))
            else:
                _emit(answer_body(answer))
        else:
            if i:
                sys.stdout.write("\n")
            sys.stdout.write(answer_text(answer) + "\n")
    if not as_json:
        _print_warnings(ctx)
    raise typer.Exit(code)


def write_file_atomically(output: Path, text: str | bytes) -> None:
    """Write a regular file through a temporary one, so a failure leaves the old file whole.
    Bytes are written as they are; text as UTF-8."""
    if str(output).endswith(("/", "\\")) or output.is_dir():
        raise InvalidInput(
            f"{output} is a folder", hint="give a file name, e.g. -o offices.geojson"
        )
    if (output.exists() and not output.is_file()) or output.is_symlink():
        raise InvalidInput(
            f"{output} is not a regular file", hint="write to a regular file instead"
        )
    if not output.parent.is_dir():
        raise InvalidInput(f"the folder {output.parent} does not exist", hint="create it first")
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        os.replace(tmp, output)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InvalidInput(
            f"cannot write {output}: {exc.strerror}", hint="check that you may write there"
        ) from exc


def _print_warnings(ctx: Context) -> None:
    """The directory's scam notices, after anything that shows its phone numbers."""
    for notice in ctx.directory.notices:
        if notice.kind == "scam":
            sys.stdout.write("\n" + wrap_text("!! " + notice.text, indent="") + "\n")


@app.command()
def lint(
    as_json: JsonOpt = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 on warnings (gaps, overlaps) too.")
    ] = False,
    directory: DirectoryOpt = None,
) -> None:
    """Check a directory: gaps, overlaps, unresolved clauses, low confidence, duplicate ids, ...

    Exit code 1 when there are errors (or warnings, with --strict), else 0.
    """
    from fieldoffice.directory.file import directory_files
    from fieldoffice.editing.lint import lint_file

    path = resolve_directory_path(directory)
    files: list[Path | None] = list(directory_files(path)) if path else [None]
    _, regions = shared_regions()
    code = 0
    for f in files:
        report = lint_file(f, shared_gazetteer(), regions)
        code = max(code, report.exit_code(strict=strict))
        if as_json:
            _emit(report.to_dict())
            continue
        counts = report.counts()
        print(f"{report.directory}: {report.offices} offices, {report.counties} counties")
        for finding in report.findings:
            print(f"  {finding.severity:<7}  {finding.kind:<19}  {finding.message}")
        print(f"  {counts['error']} errors, {counts['warning']} warnings, {counts['note']} notes")
    raise typer.Exit(code)


@app.command()
def export(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="geojson, topojson, csv or json.")
    ] = "geojson",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    by: Annotated[
        str, typer.Option("--by", help="GeoJSON/TopoJSON features per 'office' or per 'county'.")
    ] = "office",
    directory: DirectoryOpt = None,
) -> None:
    """Write the territories and the directory as GeoJSON, TopoJSON, a CSV crosswalk or JSON."""
    from fieldoffice.editing.export import export as render_export

    text = render_export(load_context(directory), fmt, by)
    if output is None:
        sys.stdout.write(text)
        return
    write_file_atomically(output, text)
    sys.stderr.write(f"wrote {output} ({len(text.encode()):,} bytes)\n")


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The older directory file.")],
    new: Annotated[Path, typer.Argument(help="The newer directory file.")],
    as_json: JsonOpt = False,
) -> None:
    """What changed between two directory versions: offices, contacts, AOR text, counties moved."""
    from fieldoffice.editing.diff import diff_directories, diff_text

    a, b = load_context(old), load_context(new)
    result = diff_directories(a.directory, b.directory, a.territories, b.territories)
    if as_json:
        _emit(result.to_dict())
        return
    print(diff_text(result, {c.fips: c.label for c in a.gazetteer.counties}))


@app.command()
def offices(
    state: Annotated[
        str | None,
        typer.Option(
            "--state", help="Only offices located in or covering this state (USPS code or name)."
        ),
    ] = None,
    as_json: JsonOpt = False,
    directory: DirectoryOpt = None,
) -> None:
    """List the directory's offices, as the contact page groups them."""
    ctx = load_context(directory)
    chosen = list(ctx.directory.offices)
    if state is not None:
        st = ctx.gazetteer.state(state)
        if st is None:
            raise InvalidInput(
                f"{state!r} is not a US state or territory",
                hint="use a name or USPS code, e.g. 'TX'",
            )
        in_state = {c.fips for c in ctx.gazetteer.state_counties(st.usps)}
        chosen = [
            o for o in chosen
            if o.state == st.usps or in_state & set(ctx.territories.by_office[o.id])
        ]  # fmt: skip
        if not chosen:
            raise NotFound(
                f"no office is located in or covers {st.name}",
                hint=f"try: fieldoffice locate {st.usps!r}",
            )
    from fieldoffice.lookup.offices import office_summary

    rows = [office_summary(ctx, o.id) for o in chosen]
    if as_json:
        _emit(rows)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{ctx.directory.title} ({len(rows)})", show_lines=False)
    for col in ("id", "office", "city", "AOR", "counties"):
        table.add_column(col)
    for r in rows:
        table.add_row(r.id, r.name, f"{r.city}, {r.state}", r.aor, str(r.county_count))
    Console(width=140).print(table)
    media = ctx.directory.media
    print(f"Media inquiries: {media.name}: {media.phone} · {media.email}")


@app.command()
def office(
    office_id: Annotated[str, typer.Argument(help="Office id, e.g. 'san-francisco'.")],
    as_json: JsonOpt = False,
    directory: DirectoryOpt = None,
) -> None:
    """One office: contacts, AOR text and its compiled counties."""
    ctx = load_context(directory)
    found = ctx.directory.office(office_id)
    if found is None:
        ids = ", ".join(o.id for o in ctx.directory.offices)
        raise NotFound(f"no office with id {office_id!r}", hint=f"known ids: {ids}")
    from fieldoffice.lookup.offices import office_detail, office_summary

    gaz = ctx.gazetteer
    if as_json:
        _emit(office_detail(ctx, found.id))
        return
    labels = {c.fips: c.label for c in gaz.counties}
    print(office_text(found, office_summary(ctx, found.id), ctx.territories, labels))
    _print_warnings(ctx)


@app.command()
def assign(
    source: Annotated[
        str,
        typer.Argument(
            metavar="INPUT",
            help="CSV, TSV or Parquet file, a folder of Parquet files, or - for CSV on stdin.",
        ),
    ],
    output: Annotated[
        str,
        typer.Option("--output", "-o", help="CSV, TSV or Parquet file, or - for CSV on stdout."),
    ],
    lat: Annotated[str | None, typer.Option("--lat", help="Latitude column.")] = None,
    lon: Annotated[str | None, typer.Option("--lon", help="Longitude column.")] = None,
    zip_column: Annotated[str | None, typer.Option("--zip", help="ZIP code column.")] = None,
    address: Annotated[str | None, typer.Option("--address", help="Street address column.")] = None,
    place: Annotated[
        str | None, typer.Option("--place", help="Place column ('Reno, NV', a county, a state).")
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", help="'local' (this machine) or 'dask' (a Dask cluster).")
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Dask scheduler address (default: a local cluster)."),
    ] = None,
    encoding: Annotated[
        str,
        typer.Option(
            "--encoding",
            help="Text encoding of a CSV/TSV input (default utf-8; e.g. latin-1 for old exports).",
        ),
    ] = "utf-8",
    replace_answers: Annotated[
        bool,
        typer.Option(
            "--replace-answers",
            help="The input is an earlier output of assign: replace its answer columns.",
        ),
    ] = False,
    directory: DirectoryOpt = None,
) -> None:
    """Add office_id, office_name, status, county_fips and reason to every row of a file.

    Every input row is kept, in order; a row that cannot be read (even one that cannot be
    parsed, or is not in the --encoding) is kept with status 'invalid' and a reason naming its
    line. A ZIP code a spreadsheet turned into a number (2108, 10001.0) is read as the ZIP code
    (02108, 10001), and its reason says so. A summary goes to stderr. Exit code 1 if any row was
    invalid.
    """
    from fieldoffice.batch.assign import run_assign, stderr_is_terminal
    from fieldoffice.core.files import Interrupted

    ctx = load_context(directory)
    flags = {"lat": lat, "lon": lon, "zip": zip_column, "address": address, "place": place}
    if engine == "dask":
        from fieldoffice.batch.dask_engine import run_assign_dask

        summary = run_assign_dask(ctx, source, output, flags, scheduler=scheduler,
                                  replace_answers=replace_answers, encoding=encoding)  # fmt: skip
    elif engine == "local":
        try:
            summary = run_assign(
                ctx,
                source,
                output,
                flags,
                progress=stderr_is_terminal(),
                encoding=encoding,
                replace_answers=replace_answers,
            )
        except Interrupted as exc:
            sys.stderr.write("fieldoffice: stopped; no output was written\n")
            raise typer.Exit(128 + int(exc.args[0])) from None
    else:
        raise InvalidInput(f"unknown engine {engine!r}", hint="use 'local' or 'dask'")
    sys.stderr.write(summary.text() + "\n")
    raise typer.Exit(1 if summary.invalid else 0)


@app.command()
def ingest(
    page: Annotated[Path, typer.Argument(help="A saved contact page: HTML, or its visible text.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Directory file to write with --commit.")
    ] = None,
    commit: Annotated[
        bool, typer.Option("--commit", help="Write the directory file (default: a dry run).")
    ] = False,
    allow_removals: Annotated[
        bool,
        typer.Option(
            "--allow-removals",
            help="Commit even if offices of the current directory are removed, or fewer than "
            "half of them are left.",
        ),
    ] = False,
    allow_unreadable: Annotated[
        bool,
        typer.Option(
            "--allow-unreadable",
            help="Commit even if blocks that look like part of an office could not be read "
            "(those offices are left out).",
        ),
    ] = False,
    directory: DirectoryOpt = None,
) -> None:
    """Read a contact page into a directory: show what changed against the current one, and check it.

    A dry run unless --commit. Every block that looks like part of an office but could not be
    read is listed with its line (or text block) and text. Exit code 1 if some part of the page
    could not be understood. A commit is refused (exit 2, one line per reason on stderr, nothing
    written) when part of the page could not be understood, unless --allow-unreadable for
    blocks not read, or when it would remove offices of the current directory or leave fewer
    than half of them, unless --allow-removals. Pages too large, too deeply nested or too slow
    to read are refused.
    """
    from fieldoffice.directory.file import read_bytes
    from fieldoffice.editing.ingest import MAX_PAGE_BYTES, Interrupted, ingest_page

    ctx = load_context(directory)
    data = read_bytes(page, MAX_PAGE_BYTES, what="saved page")  # a regular file, capped
    target = output or resolve_directory_path(directory)
    try:
        report = ingest_page(ctx, data, source=page, target=target, commit=commit,
                             allow_removals=allow_removals, allow_unreadable=allow_unreadable)  # fmt: skip
    except Interrupted as exc:
        sys.stderr.write("fieldoffice: stopped; no partial file was written\n")
        raise typer.Exit(128 + int(exc.args[0])) from None
    for line in report.lines():
        print(line)
    if not commit:
        also = f" (-o {output} is used only with --commit)" if output else ""
        print(f"dry run: nothing written{also}; add --commit -o FILE to write the directory file")
        raise typer.Exit(1 if report.problems else 0)
    sys.stdout.flush()
    for line in report.refusals:
        sys.stderr.write(f"fieldoffice: error: {line}\n")
    if target is None:
        raise InvalidInput(
            "--commit needs a file to write",
            hint="add -o FILE (the shipped directory is part of the package)",
        )
    if report.written is None:
        raise typer.Exit(2)
    print(f"wrote {report.written}")


@app.command()
def resolve(
    phrase: Annotated[
        str, typer.Argument(help="AOR text, e.g. 'Northern California, Northern Nevada'.")
    ],
    state: Annotated[
        str | None, typer.Option("--state", help="The office's state, for bare county names.")
    ] = None,
    directory: DirectoryOpt = None,
) -> None:
    """Show the clauses an AOR phrase resolves to, each one's counties, and what is left over."""
    from fieldoffice.directory.phrases import PhraseResolver, describe

    if not phrase.strip():
        raise InvalidInput(
            "the phrase is empty",
            hint="e.g. fieldoffice resolve 'Northern California, Northern Nevada'",
        )
    ctx = load_context(directory)
    st = ctx.gazetteer.state(state) if state else None
    if state and st is None:
        raise InvalidInput(
            f"{state!r} is not a US state or territory", hint="use a USPS code, e.g. 'NV'"
        )
    res = PhraseResolver(ctx.gazetteer, ctx.regions).resolve(phrase, state=st.usps if st else None)
    for line in describe(res, ctx.gazetteer, ctx.regions):
        print(line)
    raise typer.Exit(0 if res.ok else 1)


@app.command()
def verify(
    contact: Annotated[
        str, typer.Argument(help="A phone number, email address or web address, as you saw it.")
    ],
    as_json: JsonOpt = False,
    spanish: Annotated[bool, typer.Option("--es", help="Guidance in Spanish.")] = False,
    directory: DirectoryOpt = None,
) -> None:
    """Is this phone number, email or web address one the directory lists? With what to do either way.

    Exit code 0 when listed, 1 when not listed, a look-alike or reported, 2 for input that is none of them.
    """
    from fieldoffice.verify import Verifier

    ctx = load_context(directory)
    v = Verifier(ctx.directory).verify(contact, language="es" if spanish else "en")
    if as_json:
        _emit(v.to_dict())
    else:
        print(f"{v.contact}: {v.status.replace('_', ' ').upper()}")
        print(wrap_text(v.reason))
        for line in v.guidance:
            print(wrap_text("- " + line))
        for notice in v.notices:
            print(wrap_text("!! " + notice))
    raise typer.Exit(0 if v.status == "listed" else 1)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(help="Worker processes (one per core is a good start).")
    ] = 1,
    directory: DirectoryOpt = None,
    rate_limit: Annotated[
        str,
        typer.Option(
            help="Requests per client address (per worker), e.g. 120/minute, 10/second; "
            "'off' for benchmarks. Answers that search every name or send large pages "
            "count more; over it: 429 with Retry-After."
        ),
    ] = "120/minute",
    allowed_hosts: Annotated[
        str | None,
        typer.Option(
            help="Host names this server answers for, comma-separated ('*.example.org' "
            "for subdomains, '*' for any). Default: localhost, 127.0.0.1, [::1] and --host."
        ),
    ] = None,
    max_header_bytes: Annotated[
        int, typer.Option(help="Largest request line plus headers, in bytes; over it: 431.")
    ] = 16 * 1024,
    max_headers: Annotated[
        int, typer.Option(help="Most header fields per request; over it: 431.")
    ] = 100,
    header_timeout: Annotated[
        float,
        typer.Option(help="Seconds a request may take to arrive, first byte to last; then 408."),
    ] = 10.0,
    keep_alive: Annotated[
        int, typer.Option(help="Seconds an idle connection is kept open (new or between requests).")
    ] = 5,
    max_connections: Annotated[
        int, typer.Option(help="Open connections per worker; over it: 503 and close.")
    ] = 1000,
    max_pending: Annotated[
        int, typer.Option(help="Requests being answered at once per worker; over it: 503.")
    ] = 64,
    database: DatabaseOpt = None,
) -> None:
    """Serve the contact page, the lookup, the map and the JSON API (http://HOST:PORT/).

    With no --directory, the directory lives in the editors' store (--database, else
    $FIELDOFFICE_DATABASE, else a SQLite file in the user data folder), seeded from the shipped
    directory on first start, with the editors' pages at /admin. --directory alone serves that
    file read-only; with --database it seeds an empty store."""
    from fieldoffice.web.settings import ServeSettings, SettingsError, host_list

    try:
        hosts = (
            host_list(allowed_hosts)
            if allowed_hosts is not None
            else (
                "localhost",
                "127.0.0.1",
                "[::1]",
                *((host,) if host not in ("0.0.0.0", "::", "") else ()),
            )
        )
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
    from fieldoffice.store.database import DATABASE_ENV, resolve_url
    from fieldoffice.store.opening import open_database

    path = resolve_directory_path(directory)
    load_context(path)  # a bad directory file fails here, with its message, not in a worker
    if path is not None:
        os.environ[DIRECTORY_ENV] = str(path)
    store_note = "the directory file, read-only (no editors' pages)"
    if database is not None or os.environ.get(DATABASE_ENV) or path is None:
        # migrated and seeded here, once, before any worker opens it
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


# -- the editors' store: accounts and the directory's versions ------------------------------------
users_app = typer.Typer(
    help="Editors' accounts: users, roles, passwords, API tokens. Each change is audited as "
    "cli:<your OS user name>.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
db_app = typer.Typer(
    help="The editors' store: import, export, versions, rollback, audit log. The database is "
    "--database URL, else $FIELDOFFICE_DATABASE, else fieldoffice.db in the user data folder.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(users_app, name="users")
app.add_typer(db_app, name="db")

PasswordStdinOpt = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="Read the password from the first line of stdin (no prompt)."
    ),
]
ADDRESS = "local"  # the audit's "from where" for everything done on this machine's command line


def _actor() -> str:
    """Who the audit names for a command: cli:<the OS user>."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name in the environment or the password database
        return "cli"


@contextmanager
def _store(url: str | None) -> Iterator[Database]:
    """The store at --database (or $FIELDOFFICE_DATABASE, or the default), closed afterwards."""
    from fieldoffice.store.opening import open_database

    db = open_database(url)
    try:
        yield db
    finally:
        db.close()


def _password(from_stdin: bool) -> str:
    """The new password: the first line of stdin, or asked twice at the terminal, unseen."""
    if from_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        password = password[:-1] if password.endswith("\r") else password
        if not password:
            raise InvalidInput(
                "--password-stdin read no password", hint="pipe it in on the first line"
            )
        return password
    if not sys.stdin.isatty():
        raise InvalidInput("there is no terminal to ask for the password on",
                           hint="pipe it in with --password-stdin")  # fmt: skip
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def _table(headers: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    """Plain columns, as wide as their widest cell (easy to read, easy to grep)."""
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    for r in [headers, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())


def _known_role(db: Database, name: str) -> str:
    """`name`'s role, or NotFound with who there is (before asking for anything)."""
    from fieldoffice.store.accounts import users

    for account, _ in users(db):
        if account.name == name:
            return account.role
    raise NotFound(f"no user {name!r}", hint="`fieldoffice users list` shows who there is")


def _version_of(db: Database, number: int) -> tuple[VersionInfo, str]:
    """Published version `number` (its info and text), or NotFound saying how to list them."""
    from fieldoffice.store import versions

    try:
        return versions.get(db, number)
    except NotFound as exc:
        raise NotFound(exc.message, hint="`fieldoffice db versions` lists them") from None


@users_app.command("add")
def users_add(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="The user name (letters, digits, . _ @ -).")
    ],
    role: Annotated[
        str,
        typer.Option(
            "--role",
            metavar="ROLE",
            help="editor (edits the draft), publisher (also publishes and rolls back) or admin "
            "(also manages users).",
        ),
    ] = "editor",
    password_stdin: PasswordStdinOpt = False,
    database: DatabaseOpt = None,
) -> None:
    """Add a user with a role and a password.

    The password (12 characters or more) is asked for twice, unseen, or read from stdin with
    --password-stdin.
    """
    from fieldoffice.core.errors import Conflict
    from fieldoffice.store.accounts import add_user, check_role, users

    check_role(role)
    with _store(database) as db:
        if any(a.name == name for a, _ in users(db)):  # said before the password is asked for
            raise Conflict(f"there is a user {name!r} already",
                           hint=f"choose another name, or `fieldoffice users role {name} ROLE`")  # fmt: skip
        account = add_user(db, name, role, _password(password_stdin), actor=_actor(),
                           address=ADDRESS)  # fmt: skip
        print(f"added {account.name} ({account.role}) to {db.shown}")


@users_app.command("token")
def users_token(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The user the token acts as.")],
    database: DatabaseOpt = None,
) -> None:
    """Print a new API token for a user (shown once).

    Only the token goes to stdout, on one line, so a script can capture it:
    TOKEN=$(fieldoffice users token NAME).
    """
    from fieldoffice.store.accounts import new_token

    with _store(database) as db:
        token = new_token(db, name, actor=_actor(), address=ADDRESS)
    sys.stdout.write(token + "\n")
    sys.stdout.flush()
    sys.stderr.write(
        f"fieldoffice: this is the only time the token is shown (the store keeps its hash); "
        f"send it as 'Authorization: Bearer <token>'; `fieldoffice users revoke {name}` revokes it\n"
    )


@users_app.command("revoke")
def users_revoke(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The user whose tokens to revoke.")],
    token: Annotated[
        str | None,
        typer.Option(
            "--token", metavar="TOKEN", help="Revoke this token only ('-': read it from stdin)."
        ),
    ] = None,
    database: DatabaseOpt = None,
) -> None:
    """Revoke a user's API tokens (all, or one with --token)."""
    from fieldoffice.store.accounts import revoke

    if token == "-":
        token = sys.stdin.readline().strip()
    with _store(database) as db:
        count = revoke(db, name, token, actor=_actor(), address=ADDRESS)
    if count == 0:
        print(f"{name} has no live tokens: nothing revoked")
    else:
        print(f"revoked {count} token{'s' if count != 1 else ''} of {name}")


@users_app.command("list")
def users_list(as_json: JsonOpt = False, database: DatabaseOpt = None) -> None:
    """List the users, their roles and live API tokens."""
    from fieldoffice.store.accounts import users

    with _store(database) as db:
        found = users(db)
    if as_json:
        _emit([{"name": a.name, "role": a.role, "tokens": n} for a, n in found])
        return
    if not found:
        print("no users yet: add one with `fieldoffice users add NAME --role admin`")
        return
    _table(("name", "role", "tokens"), [(a.name, a.role, str(n)) for a, n in found])


@users_app.command("role")
def users_role(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The user.")],
    role: Annotated[str, typer.Argument(metavar="ROLE", help="editor, publisher or admin.")],
    database: DatabaseOpt = None,
) -> None:
    """Change a user's role."""
    from fieldoffice.store.accounts import check_role, set_role

    check_role(role)
    with _store(database) as db:
        old = _known_role(db, name)
        set_role(db, name, role, actor=_actor(), address=ADDRESS)
    print(f"{name} is now {role} (was {old})")


@users_app.command("password")
def users_password(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The user.")],
    password_stdin: PasswordStdinOpt = False,
    database: DatabaseOpt = None,
) -> None:
    """Set a user's password; their browser sessions end.

    The password (12 characters or more) is asked for twice, unseen, or read from stdin with
    --password-stdin.
    """
    from fieldoffice.store.accounts import set_password

    with _store(database) as db:
        _known_role(db, name)
        set_password(db, name, _password(password_stdin), actor=_actor(), address=ADDRESS)
    print(f"changed the password of {name}; their browser sessions are signed out")


@db_app.command("export")
def db_export(
    output: Annotated[
        Path,
        typer.Option("--output", "-o", metavar="FILE", help="File to write, or - for stdout."),
    ],
    draft: Annotated[bool, typer.Option("--draft", help="Write the draft instead.")] = False,
    version: Annotated[
        int | None,
        typer.Option("--version", metavar="N", help="Write this published version instead."),
    ] = None,
    database: DatabaseOpt = None,
) -> None:
    """Write the published directory file, byte for byte.

    The version in force, or the draft (--draft), or version N (--version N), exactly as the store
    holds it. The file is written whole or not at all.
    """
    from fieldoffice.store import drafts, versions

    if draft and version is not None:
        raise InvalidInput("--draft and --version cannot be used together", hint="choose one")
    with _store(database) as db:
        if draft:
            d = drafts.current(db)
            text, what = d.toml, f"the draft (revision {d.revision})"
        elif version is not None:
            info, text = _version_of(db, version)
            what = f"version {info.id}"
        else:
            held = versions.current_version(db)
            if held is None:
                raise NotFound("the store has no published version",
                               hint="publish one with `fieldoffice db import FILE --publish`")  # fmt: skip
            text, what = held.toml, f"version {held.id}"
    data = text.encode("utf-8")
    if str(output) == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    write_file_atomically(output, data)
    sys.stderr.write(f"wrote {what} to {output} ({len(data):,} bytes)\n")


def _print_findings(details: object) -> None:
    """Lint's findings that held a publish back, one per line, on stderr."""
    if not isinstance(details, dict):
        return
    for severity in ("errors", "warnings"):
        for f in details.get(severity) or []:
            sys.stderr.write(f"  {f.get('severity', ''):<7}  {f.get('kind', ''):<19}  "
                             f"{f.get('message', '')}\n")  # fmt: skip


@db_app.command("import")
def db_import(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="A directory file (TOML or JSON).")],
    publish: Annotated[
        bool, typer.Option("--publish", help="Also publish it (lint must find no errors).")
    ] = False,
    acknowledge_warnings: Annotated[
        bool,
        typer.Option(
            "--acknowledge-warnings",
            help="With --publish: publish even though lint finds warnings (gaps, overlaps).",
        ),
    ] = False,
    database: DatabaseOpt = None,
) -> None:
    """Make a directory file the draft; --publish publishes it.

    The file is kept byte for byte, comments and all: `db export` gives it back as it was. Exit code 1 when the publish is refused (lint errors, or warnings not acknowledged: they are
    listed); the file stays the draft.
    """
    from fieldoffice.core.errors import Conflict
    from fieldoffice.store import drafts, versions

    text, _ = versions.file_text(file)  # read and checked before the store is touched
    actor = _actor()
    with _store(database) as db:
        base = drafts.current(db)
        d = drafts.replace(db, text, base=base.etag, actor=actor, address=ADDRESS,
                           action="import", keep_text=True)  # fmt: skip
        if d.revision == base.revision and d.toml == base.toml:
            print(f"{file} is the draft already (revision {d.revision})")
        else:
            print(f"imported {file} as the draft (revision {d.revision})")
        if not publish:
            if acknowledge_warnings:
                sys.stderr.write(
                    "fieldoffice: --acknowledge-warnings is used only with --publish\n"
                )
            print("to publish it: fieldoffice db import FILE --publish (or publish from the site)")
            return
        try:
            info = versions.publish(db, actor=actor, address=ADDRESS,
                                    acknowledge_warnings=acknowledge_warnings, base=d.etag)  # fmt: skip
        except Conflict as exc:
            if exc.code == "nothing_to_publish":
                print(f"{file} is the published version already: nothing to publish")
                return
            _print_findings(exc.details)
            if exc.code == "warnings_not_acknowledged":
                raise Conflict(exc.message, hint="read them, then add --acknowledge-warnings; "
                               "the file is the draft now") from None  # fmt: skip
            raise Conflict(exc.message, hint="fix the file and import it again; it is the draft "
                           "now, not published") from None  # fmt: skip
    print(f"published version {info.id}:")
    for line in info.summary():
        print(f"  {line}")


@db_app.command("versions")
def db_versions(as_json: JsonOpt = False, database: DatabaseOpt = None) -> None:
    """List the published versions, newest first.

    Each with its id, when and by whom it was published, and what it changed.
    """
    from fieldoffice.store import versions

    with _store(database) as db:
        found = versions.versions(db)
    if as_json:
        _emit([v.to_dict() for v in found])
        return
    rows = []
    for v in found:
        said = v.summary()
        first = (said[0] if said else "") + (f" (+{len(said) - 1} more)" if len(said) > 1 else "")
        rows.append((str(v.id), v.published_at, v.published_by, first))
    _table(("id", "published", "by", "what changed"), rows)


@db_app.command("audit")
def db_audit(
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="Every entry as JSON Lines, oldest first.")
    ] = False,
    limit: Annotated[
        int,
        typer.Option(
            "--limit", metavar="N", help="How many of the newest entries the table shows."
        ),
    ] = 200,
    database: DatabaseOpt = None,
) -> None:
    """Show the audit log: who did what, when, from where.

    A table, newest first, or with --jsonl every entry as JSON Lines, oldest first. Passwords and
    tokens are never in it.
    """
    from fieldoffice.store import audit

    if limit < 1:
        raise InvalidInput("--limit must be at least 1")
    with _store(database) as db:
        if jsonl:
            for line in audit.json_lines(db):
                sys.stdout.write(line)
            return
        found = audit.entries(db, limit=limit)
    rows = [(str(e.id), e.at, e.actor, e.address, e.action, e.target) for e in found]
    _table(("id", "at", "actor", "from", "action", "target"), rows)
    if len(found) == limit:
        sys.stderr.write(f"(the newest {limit} entries; --limit N for more, --jsonl for all)\n")


@db_app.command("rollback")
def db_rollback(
    version: Annotated[int, typer.Argument(metavar="N", help="The version to publish again.")],
    yes: Annotated[
        bool, typer.Option("--yes", help="Do it (without it, nothing is done).")
    ] = False,
    database: DatabaseOpt = None,
) -> None:
    """Publish version N's content again, as a new version.

    Servers on this database follow at once. A draft with unpublished edits is left as it is.
    """
    from fieldoffice.store import versions

    with _store(database) as db:
        info, _ = _version_of(db, version)
        if not yes:
            raise InvalidInput(
                f"rolling back publishes version {info.id} (published {info.published_at} by "
                f"{info.published_by}) again as a new version",
                hint="add --yes to do it",
            )
        new = versions.rollback(db, version, actor=_actor(), address=ADDRESS)
    print(f"published version {new.id}, the content of version {version}:")
    for line in new.summary():
        print(f"  {line}")


@db_app.command("info")
def db_info(database: DatabaseOpt = None) -> None:
    """Show the database, its versions and its draft."""
    from fieldoffice.store import drafts, versions

    with _store(database) as db:
        found = versions.versions(db)
        d = drafts.current(db)
        held = versions.current_version(db)
        shown, dialect = db.shown, db.dialect
    print(f"database:  {shown}")
    print(f"dialect:   {dialect}")
    print(f"versions:  {len(found)}")
    if found:
        v = found[0]
        print(f"in force:  version {v.id}, published {v.published_at} by {v.published_by}")
    same = held is not None and held.toml == d.toml
    print(f"draft:     revision {d.revision}, {d.updated_at} by {d.updated_by}"
          f"{' (the version in force)' if same else ' (not published)'}")  # fmt: skip


def _as_text(arg: str) -> str:
    """An argument the shell passed as bytes that are not UTF-8 arrives with lone surrogates;
    they cannot be read, printed or sent as JSON, so each becomes U+FFFD, which the answer shows."""
    try:
        arg.encode("utf-8")
        return arg
    except UnicodeEncodeError:
        return arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def main() -> None:
    sys.argv[1:] = [_as_text(a) for a in sys.argv[1:]]
    try:
        code = app(standalone_mode=False)  # usage errors come here, to be said in one line
        sys.exit(code if isinstance(code, int) else 0)
    except typer.Abort:
        sys.stderr.write("fieldoffice: interrupted\n")
        sys.exit(130)
    except FieldOfficeError as exc:
        sys.stderr.write(f"fieldoffice: error: {exc}\n")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("fieldoffice: interrupted\n")
        sys.exit(130)
    except OSError as exc:  # a path that cannot be opened, read or written, said in one line
        name = "" if exc.filename is None else str(exc.filename)
        name = name if len(name) <= 200 else name[:200] + "..."
        where = f"{name}: " if name else ""
        sys.stderr.write(f"fieldoffice: error: {where}{exc.strerror or exc}\n")
        sys.exit(2)
    except UnicodeError as exc:
        sys.stderr.write(f"fieldoffice: error: text not in the expected encoding: {exc}\n")
        sys.exit(2)
    except RecursionError:
        sys.stderr.write("fieldoffice: error: the input is nested too deeply to read\n")
        sys.exit(2)
    except Exception as exc:
        signum = _interrupted_by(exc)
        if signum is not None:  # a signal that arrived inside an import or a library wraps it
            sys.stderr.write("fieldoffice: stopped; no partial file was written\n")
            sys.exit(128 + signum)
        if type(exc).__module__.startswith("pyarrow"):  # a damaged Parquet or CSV file, found late
            first = (
                str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
            )
            sys.stderr.write(f"fieldoffice: error: the input file cannot be read: {first}\n")
            sys.exit(2)
        if not _is_click_error(exc):
            raise
        # click's usage errors (an unknown option, a missing argument), in one line, not four
        ctx = getattr(exc, "ctx", None)
        see = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
        message = str(exc.format_message()).rstrip(".")  # type: ignore[attr-defined]
        sys.stderr.write(f"fieldoffice: error: {message}{see}\n")
        sys.exit(int(getattr(exc, "exit_code", 2)))


def _interrupted_by(exc: BaseException) -> int | None:
    """The signal behind `exc`, when SIGTERM or SIGHUP raised assign's or ingest's Interrupted
    somewhere under it (an import turns it into a TypeError, for one: seen in CI)."""
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if (
            type(e).__name__ == "Interrupted"
            and type(e).__module__ in ("fieldoffice.editing.ingest", "fieldoffice.batch.assign")
            and e.args
            and isinstance(e.args[0], int)
        ):
            return int(e.args[0])
        e = e.__cause__ or e.__context__
    return None


def _is_click_error(exc: BaseException) -> bool:
    """click's ClickException, from click itself or the copy typer carries (typer._click)."""
    return any(k.__name__ == "ClickException" for k in type(exc).__mro__)


if __name__ == "__main__":
    main()
