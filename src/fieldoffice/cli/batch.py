"""The batch command: assign."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from fieldoffice.cli.app import DirectoryOpt, StoreOpt, VerboseOpt, directory_in_force, say_version
from fieldoffice.core.errors import InvalidInput

InputArg = Annotated[
    str,
    typer.Argument(
        metavar="INPUT",
        help="CSV, TSV or Parquet file, a folder of Parquet files, or - for CSV on stdin.",
    ),
]
OutputOpt = Annotated[
    str,
    typer.Option("--output", "-o", help="CSV, TSV or Parquet file, or - for CSV on stdout."),
]
LatOpt = Annotated[str | None, typer.Option("--lat", help="Latitude column.")]
LonOpt = Annotated[str | None, typer.Option("--lon", help="Longitude column.")]
ZipOpt = Annotated[str | None, typer.Option("--zip", help="ZIP code column.")]
AddressOpt = Annotated[
    str | None,
    typer.Option(
        "--address",
        help="Address column: a whole address, or the street beside city/state/ZIP columns.",
    ),
]
StreetOpt = Annotated[str | None, typer.Option("--street", help="Street column (123 Main St).")]
CityOpt = Annotated[str | None, typer.Option("--city", help="City column.")]
StateOpt = Annotated[str | None, typer.Option("--state", help="State column (name or USPS code).")]
PreferOpt = Annotated[
    str | None,
    typer.Option(
        "--prefer",
        help="A file with coordinates and address columns is read by its coordinates; "
        "'--prefer address' reads the address columns instead.",
    ),
]
PlaceOpt = Annotated[
    str | None, typer.Option("--place", help="Place column ('Reno, NV', a county, a state).")
]
EngineOpt = Annotated[
    str, typer.Option("--engine", help="'local' (this machine) or 'dask' (a Dask cluster).")
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option("--scheduler", help="Dask scheduler address (default: a local cluster)."),
]
EncodingOpt = Annotated[
    str,
    typer.Option(
        "--encoding",
        help="Text encoding of a CSV/TSV input (default utf-8; e.g. latin-1 for old exports).",
    ),
]
ReplaceOpt = Annotated[
    bool,
    typer.Option(
        "--replace-answers",
        help="The input is an earlier output of assign: replace its answer columns.",
    ),
]


def assign(
    source: InputArg,
    output: OutputOpt,
    lat: LatOpt = None,
    lon: LonOpt = None,
    zip_column: ZipOpt = None,
    address: AddressOpt = None,
    place: PlaceOpt = None,
    street: StreetOpt = None,
    city: CityOpt = None,
    state: StateOpt = None,
    prefer: PreferOpt = None,
    engine: EngineOpt = "local",
    scheduler: SchedulerOpt = None,
    encoding: EncodingOpt = "utf-8",
    replace_answers: ReplaceOpt = False,
    directory: DirectoryOpt = None,
    database: StoreOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Add office_id, office_name, status, county_fips and reason to every row of a file.

    Every input row is kept, in order; a row that cannot be read (even one that cannot be
    parsed, or is not in the --encoding) is kept with status 'invalid' and a reason naming its
    line. A ZIP code a spreadsheet turned into a number (2108, 10001.0) is read as the ZIP code
    (02108, 10001), and its reason says so. An address in columns (Address or Street, City,
    State, Zip Code: found by their headers, or named with --street/--city/--state/--zip) is
    read whole; a row with only some of them answers from its ZIP code, else its city and state,
    else its state, and its reason says which. Coordinates come first in a file that also has
    address columns (a row without them falls back to its address), unless --prefer address.
    A summary goes to stderr. Exit code 1 if any row was invalid.
    """
    from fieldoffice.batch.assign import run_assign, stderr_is_terminal
    from fieldoffice.core.files import Interrupted

    ctx, version = directory_in_force(directory, database)
    if verbose:
        say_version(version, to_stderr=True)
    flags = {"lat": lat, "lon": lon, "zip": zip_column, "address": address, "place": place,
             "street": street, "city": city, "state": state, "prefer": prefer}  # fmt: skip
    if engine == "dask":
        from fieldoffice.batch.dask_engine import run_assign_dask

        summary = run_assign_dask(ctx, source, output, flags, scheduler=scheduler,
                                  replace_answers=replace_answers, encoding=encoding)  # fmt: skip
    elif engine == "local":
        try:
            summary = run_assign(ctx, source, output, flags, progress=stderr_is_terminal(),
                                 encoding=encoding, replace_answers=replace_answers)  # fmt: skip
        except Interrupted as exc:
            sys.stderr.write("fieldoffice: stopped; no output was written\n")
            raise typer.Exit(128 + exc.signum) from None
    else:
        raise InvalidInput(f"unknown engine {engine!r}", hint="use 'local' or 'dask'")
    sys.stderr.write(summary.text() + "\n")
    raise typer.Exit(1 if summary.invalid else 0)
