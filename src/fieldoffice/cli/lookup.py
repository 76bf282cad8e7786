"""Lookup commands: locate, offices, office, resolve, verify."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from fieldoffice.cli.app import (
    DirectoryOpt,
    JsonOpt,
    StoreOpt,
    VerboseOpt,
    directory_in_force,
    parse_date,
    print_warnings,
    say,
    say_version,
    with_version,
)
from fieldoffice.cli.terminal import emit
from fieldoffice.core.errors import InvalidInput, NotFound
from fieldoffice.directory.context import load_context
from fieldoffice.lookup.render import answer_body, answer_text, office_text, wrap_text

EXIT_FOR_STATUS = {"uncovered": 1, "ambiguous": 1, "not_found": 1, "invalid": 2}


QueriesArg = Annotated[
    list[str], typer.Argument(help="Places: 'Reno, NV', '89501', '39.53, -119.81', ...")
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", help="Use the directory version in effect on this date (YYYY-MM-DD)."),
]


def _no_stray_options(ctx: typer.Context, queries: list[str]) -> None:
    """`locate` lets a query start with '-' (a negative coordinate, '-33.87, 151.21'), so an
    option it does not have would be looked up as a place: say it is no option instead."""
    import difflib
    import re

    for q in queries:
        if re.match(r"--?[A-Za-z]", q):
            names = [o for p in ctx.command.params for o in p.opts if o.startswith("-")]
            close = difflib.get_close_matches(q.split("=")[0], names, n=1, cutoff=0.6)
            hint = (
                f"; did you mean {close[0]}?" if close else f"; its options are {', '.join(names)}"
            )
            raise typer.BadParameter(f"{q!r} is not an option of `locate`{hint}", ctx=ctx,
                                     param_hint="QUERIES")  # fmt: skip


def locate(
    ctx: typer.Context,
    queries: QueriesArg,
    as_json: JsonOpt = False,
    directory: DirectoryOpt = None,
    as_of: AsOfOpt = None,
    database: StoreOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Find the office(s) responsible for each place, from the directory `serve` answers from.

    Exit code 0 when every place matched or has candidates, 1 when any was uncovered or not found,
    2 when any query was invalid.
    """
    from dataclasses import replace

    from fieldoffice.lookup.locate import locator_of

    _no_stray_options(ctx, queries)
    context, version = directory_in_force(directory, database, parse_date(as_of))
    locator = locator_of(context)
    if as_of and not as_json:
        said = (
            version.label()
            if version.source == "store"
            else f"effective {version.effective_date} ({version.path})"
        )
        say(f"Directory version in effect on {as_of}: {said}\n")
    elif verbose and not as_json:
        say_version(version)
        sys.stdout.write("\n")
    code = 0
    for i, q in enumerate(queries):
        answer = locator.locate(q)
        code = max(code, EXIT_FOR_STATUS.get(answer.status, 0))
        if as_json:
            emit(replace(answer_body(answer), directory_version=version))
        else:
            if i:
                sys.stdout.write("\n")
            say(answer_text(answer))
    if not as_json:
        print_warnings(context)
    raise typer.Exit(code)


def offices(
    state: Annotated[
        str | None,
        typer.Option(
            "--state", help="Only offices located in or covering this state (USPS code or name)."
        ),
    ] = None,
    as_json: JsonOpt = False,
    directory: DirectoryOpt = None,
    database: StoreOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """List the directory's offices, as the contact page groups them."""
    ctx, version = directory_in_force(directory, database)
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
        emit(rows)
        return
    if verbose:
        say_version(version)
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from fieldoffice.cli.terminal import safe

    def cell(text: str) -> str:  # stored words: no terminal controls, no rich markup
        return escape(safe(text))

    table = Table(title=cell(f"{ctx.directory.title} ({len(rows)})"), show_lines=False)
    for col in ("id", "office", "city", "AOR", "counties"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            cell(r.id), cell(r.name), cell(f"{r.city}, {r.state}"), cell(r.aor), str(r.county_count)
        )
    Console(width=140).print(table)
    media = ctx.directory.media
    say(f"Media inquiries: {media.name}: {media.phone} · {media.email}")


def office(
    office_id: Annotated[str, typer.Argument(help="Office id, e.g. 'san-francisco'.")],
    as_json: JsonOpt = False,
    directory: DirectoryOpt = None,
    database: StoreOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """One office: contacts, AOR text and its compiled counties."""
    ctx, version = directory_in_force(directory, database)
    found = ctx.directory.office(office_id)
    if found is None:
        ids = ", ".join(o.id for o in ctx.directory.offices)
        raise NotFound(f"no office with id {office_id!r}", hint=f"known ids: {ids}")
    from fieldoffice.lookup.offices import office_detail, office_summary

    gaz = ctx.gazetteer
    if as_json:
        emit(with_version(office_detail(ctx, found.id), version))
        return
    if verbose:
        say_version(version)
    labels = {c.fips: c.label for c in gaz.counties}
    say(office_text(found, office_summary(ctx, found.id), ctx.territories, labels))
    print_warnings(ctx)


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
        say(line)
    raise typer.Exit(0 if res.ok else 1)


def verify(
    contact: Annotated[
        str, typer.Argument(help="A phone number, email address or web address, as you saw it.")
    ],
    as_json: JsonOpt = False,
    spanish: Annotated[bool, typer.Option("--es", help="Guidance in Spanish.")] = False,
    directory: DirectoryOpt = None,
    database: StoreOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Is this phone number, email or web address one the directory lists? With what to do either way.

    Exit code 0 when listed, 1 when not listed, a look-alike or reported, 2 for input that is none of them.
    """
    from fieldoffice.verify import Verifier

    ctx, version = directory_in_force(directory, database)
    v = Verifier(ctx.directory).verify(contact, language="es" if spanish else "en")
    if as_json:
        emit(with_version(v.to_dict(), version))
    else:
        if verbose:
            say_version(version)
        say(f"{v.contact}: {v.status.replace('_', ' ').upper()}")
        say(wrap_text(v.reason))
        for line in v.guidance:
            say(wrap_text("- " + line))
        for notice in v.notices:
            say(wrap_text("!! " + notice))
    raise typer.Exit(0 if v.status == "listed" else 1)
