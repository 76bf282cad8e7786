"""The command line: parse, call the core, print. Errors become one line on stderr and an exit code."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from fieldoffice.context import DIRECTORY_ENV, Context, load_context
from fieldoffice.errors import FieldOfficeError, InvalidInput, NotFound
from fieldoffice.locate import Locator
from fieldoffice.render import answer_text, office_text

app = typer.Typer(
    help="Which field office is responsible for this place, and how do I reach it for real?",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
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


EXIT_FOR_STATUS = {"uncovered": 1, "not_found": 1, "invalid": 2}


def _emit(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


@app.command()
def locate(
    queries: Annotated[
        list[str], typer.Argument(help="Places: 'Reno, NV', '89501', '39.53, -119.81', ...")
    ],
    as_json: JsonOpt = False,
    directory: DirectoryOpt = None,
) -> None:
    """Find the office(s) responsible for each place.

    Exit code 0 when every place matched or has candidates, 1 when any was uncovered or not found,
    2 when any query was invalid.
    """
    locator = Locator(load_context(directory))
    code = 0
    for i, q in enumerate(queries):
        answer = locator.locate(q)
        code = max(code, EXIT_FOR_STATUS.get(answer.status, 0))
        if as_json:
            _emit(answer.to_dict())
        else:
            if i:
                sys.stdout.write("\n")
            sys.stdout.write(answer_text(answer) + "\n")
    raise typer.Exit(code)


def _office_summary(ctx: Context, office_id: str) -> dict[str, Any]:
    office = ctx.directory.office(office_id)
    assert office is not None
    media = ctx.directory.media
    return {
        "id": office.id,
        "name": office.name,
        "city": office.city,
        "state": office.state,
        "aor": office.aor,
        "phone": office.phone or media.phone,
        "email": office.email or media.email,
        "contact_source": "office" if (office.phone or office.email) else "national media line",
        "county_count": len(ctx.territories.by_office[office.id]),
    }


@app.command()
def offices(
    state: Annotated[
        str | None,
        typer.Option("--state", help="Only offices located in this state (USPS code or name)."),
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
        chosen = [o for o in chosen if o.state == st.usps]
    rows = [_office_summary(ctx, o.id) for o in chosen]
    if as_json:
        _emit(rows)
        return
    table = Table(title=f"{ctx.directory.title} ({len(rows)})", show_lines=False)
    for col in ("id", "office", "city", "AOR", "counties"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r["id"], r["name"], f"{r['city']}, {r['state']}", r["aor"], str(r["county_count"])
        )
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
    gaz = ctx.gazetteer
    if as_json:
        row = _office_summary(ctx, found.id)
        row["counties"] = [
            {
                "fips": f,
                "name": gaz.county_by_fips[f].name,
                "state": gaz.county_by_fips[f].state,
                "phrase": c.phrase,
                "region": c.region_id,
                "confidence": c.confidence,
            }
            for f, c in sorted(ctx.territories.by_office[found.id].items())
        ]
        _emit(row)
        return
    labels = {c.fips: c.label for c in gaz.counties}
    print(office_text(found, ctx.territories, labels))


def main() -> None:
    try:
        app()
    except FieldOfficeError as exc:
        sys.stderr.write(f"fieldoffice: error: {exc}\n")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("fieldoffice: interrupted\n")
        sys.exit(130)


if __name__ == "__main__":
    main()
