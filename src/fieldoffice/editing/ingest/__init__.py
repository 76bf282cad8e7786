"""A saved contact page (HTML or its visible text) -> a directory file's contents. Never fetches.

The page is reduced to its visible text in blocks (`page`: HTML through a real parser, after
`html_depth` checks how deep it nests); the blocks are read (`read`, `offices`) for the media
contact, the notices, the credit line, and the offices listed under their state headings, each
with "AOR: ...". Every AOR is resolved into clauses; whatever cannot be resolved is reported
(`report`) with the exact text and the office it came from.

Nothing is lost silently: every block that looks like part of an office (a state heading, an
office name, a city, a state code, an "AOR:" line, a phone number, an email address) but was not
read as one is reported with its text and position. A page is refused, with one clear error,
when it is larger, nested deeper or longer to read than any contact page (`limits`): the reading
runs in a child process that is stopped at the time limit (`sandbox`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldoffice.core.files import Interrupted, signals_interrupt, write_atomically
from fieldoffice.directory.file import build_directory, validate
from fieldoffice.directory.phrases import PhraseResolver
from fieldoffice.directory.territory import compile_territories
from fieldoffice.editing.diff import diff_directories, diff_text
from fieldoffice.editing.ingest.html_depth import nesting_depth
from fieldoffice.editing.ingest.limits import (
    CHECK_SECONDS,
    MAX_AOR_CHARS,
    MAX_BLOCKS,
    MAX_DEPTH,
    MAX_OFFICES,
    MAX_PAGE_BYTES,
    PARSE_SECONDS,
)
from fieldoffice.editing.ingest.page import page_text
from fieldoffice.editing.ingest.read import ingest
from fieldoffice.editing.ingest.report import Ingested, IngestReport, Problem, judge
from fieldoffice.editing.ingest.sandbox import run_limited
from fieldoffice.editing.lint import lint_directory

if TYPE_CHECKING:
    from fieldoffice.directory.context import Context

__all__ = [
    "CHECK_SECONDS",
    "MAX_AOR_CHARS",
    "MAX_BLOCKS",
    "MAX_DEPTH",
    "MAX_OFFICES",
    "MAX_PAGE_BYTES",
    "PARSE_SECONDS",
    "IngestReport",
    "Ingested",
    "Interrupted",
    "Problem",
    "ingest",
    "ingest_page",
    "nesting_depth",
    "page_text",
    "write_directory_file",
]


def ingest_page(
    ctx: Context,
    data: bytes,
    *,
    source: Path,
    target: Path | None,
    commit: bool,
    allow_removals: bool = False,
    allow_unreadable: bool = False,
) -> IngestReport:
    """Read a saved page against the current directory; with `commit` and a target, write it.

    Nothing is checked further or written when an AOR could not be resolved. Otherwise the new
    directory is validated (errors name `source`), compiled strictly, compared with `ctx`'s and
    linted. The file is written (atomically) only if `commit` and `target`, and only if every
    block that looks like an office was read (or `allow_unreadable`) and no office of the current
    directory is removed, nor fewer than half of them are left (or `allow_removals`).

    Reading runs in a child process, stopped after PARSE_SECONDS (then CHECK_SECONDS for the
    checks): a page that takes longer is refused with an InvalidInput. SIGTERM and SIGHUP raise
    core.files.Interrupted (re-exported here): the child is stopped and no partial file is left.
    """
    with signals_interrupt():
        report = _run_limited(lambda mark: _analyse(ctx, data, source, target, mark))
        judge(report, ctx.directory, allow_removals, allow_unreadable)
        if commit and target is not None and not report.refusals and report.raw is not None:
            write_directory_file(report.raw, target)
            report.written = target
    return report


def _run_limited(work: Callable[[Callable[[], None]], IngestReport]) -> IngestReport:
    """`work(mark)` in the sandbox, with this package's time limits as they are when called."""
    return run_limited(work, PARSE_SECONDS, CHECK_SECONDS)


def _analyse(
    ctx: Context, data: bytes, source: Path, target: Path | None, mark: Callable[[], None]
) -> IngestReport:
    result = ingest(data, ctx.gazetteer, PhraseResolver(ctx.gazetteer, ctx.regions), ctx.directory)
    mark()  # the page is read: what follows has its own time limit
    if any(p.kind != "unreadable" for p in result.problems):
        return IngestReport(result.problems)
    validate(result.raw, source)
    new = build_directory(result.raw, target or source)
    territories = compile_territories(new, ctx.gazetteer.counties, ctx.regions)
    changes = diff_directories(ctx.directory, new, ctx.territories, territories)
    return IngestReport(
        result.problems,
        changes,
        diff_text(changes, {c.fips: c.label for c in ctx.gazetteer.counties}),
        lint_directory(new, ctx.gazetteer, ctx.regions),
        raw=result.raw,
    )


def write_directory_file(raw: dict[str, Any], path: Path | str) -> None:
    """Write the directory as TOML through core.files.write_atomically: a failed or interrupted
    write leaves the old file and no temporary file (a temporary file left by a killed run is
    removed by the next one)."""
    import tomli_w

    text = "# Written by `fieldoffice ingest --commit`.\n" + tomli_w.dumps(raw)
    write_atomically(Path(path), text, hint="give the directory file's path")
