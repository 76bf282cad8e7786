"""Editing commands: lint, export, diff and ingest."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from fieldoffice.cli.app import (
    DirectoryOpt,
    JsonOpt,
    StoreOpt,
    VerboseOpt,
    directory_in_force,
    say,
    say_version,
    with_version,
)
from fieldoffice.cli.terminal import emit
from fieldoffice.core.errors import InvalidInput
from fieldoffice.core.files import write_atomically
from fieldoffice.directory.context import (
    load_context,
    resolve_directory_path,
    shared_gazetteer,
    shared_regions,
)


def lint(
    as_json: JsonOpt = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 on warnings (gaps, overlaps) too.")
    ] = False,
    directory: DirectoryOpt = None,
    database: StoreOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Check a directory: gaps, overlaps, unresolved clauses, low confidence, duplicate ids, ...

    Without --directory: the directory `serve` answers from (the store's version in force, else
    the shipped file). Exit code 1 when there are errors (or warnings, with --strict), else 0.
    """
    from fieldoffice.directory.file import directory_files
    from fieldoffice.editing.lint import lint_file

    path = resolve_directory_path(directory)
    files: list[Path | None] = list(directory_files(path)) if path else [None]
    version = None
    if path is None:
        ctx, version = directory_in_force(None, database)
        files = [Path(ctx.directory.path)] if version.source == "store" else [None]
    _, regions = shared_regions()
    code = 0
    for f in files:
        report = lint_file(f, shared_gazetteer(), regions)
        code = max(code, report.exit_code(strict=strict))
        if as_json:
            emit(with_version(report.to_dict(), version) if version else report.to_dict())
            continue
        if verbose and version:
            say_version(version)
        say("\n".join(report.lines()))
    raise typer.Exit(code)


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
    database: StoreOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Write the territories and the directory as GeoJSON, TopoJSON, a CSV crosswalk or JSON.

    Without --directory: the directory `serve` answers from. --verbose names it on stderr."""
    from fieldoffice.editing.export import export as render_export

    ctx, version = directory_in_force(directory, database)
    if verbose:
        say_version(version, to_stderr=True)
    text = render_export(ctx, fmt, by)
    if output is None:
        sys.stdout.write(text)
        return
    write_atomically(output, text, hint="give a file name, e.g. -o offices.geojson")
    sys.stderr.write(f"wrote {output} ({len(text.encode()):,} bytes)\n")


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
        emit(result.to_dict())
        return
    say(diff_text(result, {c.fips: c.label for c in a.gazetteer.counties}))


PageArg = Annotated[Path, typer.Argument(help="A saved contact page: HTML, or its visible text.")]
IngestOutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Directory file to write with --commit.")
]
CommitOpt = Annotated[
    bool, typer.Option("--commit", help="Write the directory file (default: a dry run).")
]
AllowRemovalsOpt = Annotated[
    bool,
    typer.Option(
        "--allow-removals",
        help="Commit even if offices of the current directory are removed, or fewer than "
        "half of them are left.",
    ),
]
AllowUnreadableOpt = Annotated[
    bool,
    typer.Option(
        "--allow-unreadable",
        help="Commit even if blocks that look like part of an office could not be read "
        "(those offices are left out).",
    ),
]


def ingest(
    page: PageArg,
    output: IngestOutputOpt = None,
    commit: CommitOpt = False,
    allow_removals: AllowRemovalsOpt = False,
    allow_unreadable: AllowUnreadableOpt = False,
    directory: DirectoryOpt = None,
    database: StoreOpt = None,
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
    from fieldoffice.core.files import Interrupted
    from fieldoffice.directory.file import read_bytes
    from fieldoffice.editing.ingest import MAX_PAGE_BYTES, ingest_page

    ctx, _ = directory_in_force(directory, database)
    data = read_bytes(page, MAX_PAGE_BYTES, what="saved page")  # a regular file, capped
    target = output or resolve_directory_path(directory)
    try:
        report = ingest_page(ctx, data, source=page, target=target, commit=commit,
                             allow_removals=allow_removals, allow_unreadable=allow_unreadable)  # fmt: skip
    except Interrupted as exc:
        sys.stderr.write("fieldoffice: stopped; no partial file was written\n")
        raise typer.Exit(128 + exc.signum) from None
    for line in report.lines():
        say(line)
    if not commit:
        also = f" (-o {output} is used only with --commit)" if output else ""
        say(f"dry run: nothing written{also}; add --commit -o FILE to write the directory file")
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
    say(f"wrote {report.written}")
