"""AOR clauses -> county sets: each office's territory, and who claims each county."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from fieldoffice.core.errors import DataError
from fieldoffice.core.models import Claim, Clause, Directory, Office, Region
from fieldoffice.geo.boundaries import County

STATE_CONFIDENCE = "high"  # a state named outright is exact


def compile_clause(
    office: Office,
    clause: Clause,
    counties_by_state: Mapping[str, Sequence[County]],
    known: set[str],
    regions: Mapping[str, Region],
) -> dict[str, Claim]:
    """The counties one clause claims. Anything it names that does not exist is an error."""
    where = f"office {office.id!r}, clause {clause.phrase!r}"
    claims: dict[str, Claim] = {}
    if clause.state is not None:
        if clause.state not in counties_by_state:
            raise DataError(
                f"{where}: unknown state {clause.state!r}", hint="use a USPS code such as 'AZ'"
            )
        for c in counties_by_state[clause.state]:
            claims[c.fips] = Claim(office.id, clause.phrase, None, STATE_CONFIDENCE)
    elif clause.region is not None:
        region = regions.get(clause.region)
        if region is None:
            raise DataError(
                f"{where}: unknown region {clause.region!r}",
                hint=f"use one of: {', '.join(sorted(regions))}",
            )
        for fips, (conf, note) in region.counties.items():
            claims[fips] = Claim(office.id, clause.phrase, region.id, conf, note)
    else:
        for fips in clause.counties:
            if fips not in known:
                raise DataError(f"{where}: unknown county FIPS {fips!r}")
            claims[fips] = Claim(office.id, clause.phrase, None, STATE_CONFIDENCE)
    for rid in clause.except_regions:
        if rid not in regions:
            raise DataError(f"{where}: except_regions names unknown region {rid!r}")
        for fips in regions[rid].counties:
            claims.pop(fips, None)
    for fips in clause.except_counties:
        if fips not in known:
            raise DataError(f"{where}: except_counties names unknown county FIPS {fips!r}")
        claims.pop(fips, None)
    if not claims:
        raise DataError(
            f"{where}: resolves to no county", hint="check its state, region or counties"
        )
    return claims


@dataclass(frozen=True)
class TerritoryMap:
    """Compiled territories: per office its counties, per county the claims on it."""

    by_office: dict[str, dict[str, Claim]]
    by_county: dict[str, list[Claim]]
    all_counties: tuple[str, ...]

    def claims(self, fips: str) -> list[Claim]:
        return self.by_county.get(fips, [])

    def offices_of(self, fips: str) -> frozenset[str]:
        return frozenset(c.office_id for c in self.by_county.get(fips, ()))

    @property
    def uncovered(self) -> list[str]:
        return [f for f in self.all_counties if f not in self.by_county]

    @property
    def overlaps(self) -> dict[str, list[str]]:
        return {
            f: sorted({c.office_id for c in cl})
            for f, cl in self.by_county.items()
            if len({c.office_id for c in cl}) > 1
        }


@dataclass(frozen=True)
class ClauseError:
    """A clause that resolves to nothing: which office (by position and id), which clause, why."""

    office_index: int
    clause_index: int
    office_id: str
    phrase: str
    error: DataError


def compile_territories(
    directory: Directory, counties: Sequence[County], regions: Mapping[str, Region]
) -> TerritoryMap:
    """The directory's territories; the first clause that resolves to nothing raises DataError."""

    def fail(err: ClauseError) -> None:
        raise DataError(
            f"{directory.path}: {err.error.message}", hint=err.error.hint
        ) from err.error

    return _compile(directory, counties, regions, fail)


def compile_territories_collecting(
    directory: Directory, counties: Sequence[County], regions: Mapping[str, Region]
) -> tuple[TerritoryMap, list[ClauseError]]:
    """Like `compile_territories`, but every bad clause is collected and skipped, not raised.

    The map is what the clauses that do resolve claim: the same map `compile_territories` gives
    when the list of errors is empty.
    """
    errors: list[ClauseError] = []
    return _compile(directory, counties, regions, errors.append), errors


def _compile(
    directory: Directory,
    counties: Sequence[County],
    regions: Mapping[str, Region],
    on_error: Callable[[ClauseError], None],
) -> TerritoryMap:
    by_state: dict[str, list[County]] = {}
    for c in counties:
        by_state.setdefault(c.state, []).append(c)
    known = {c.fips for c in counties}
    by_office: dict[str, dict[str, Claim]] = {}
    by_county: dict[str, list[Claim]] = {}
    for i, office in enumerate(directory.offices):
        mine: dict[str, Claim] = {}
        for j, clause in enumerate(office.clauses):
            try:
                claims = compile_clause(office, clause, by_state, known, regions)
            except DataError as exc:
                on_error(ClauseError(i, j, office.id, clause.phrase, exc))
                continue
            for fips, claim in claims.items():
                mine.setdefault(fips, claim)
        by_office[office.id] = mine
        for fips, claim in mine.items():
            by_county.setdefault(fips, []).append(claim)
    return TerritoryMap(by_office, by_county, tuple(c.fips for c in counties))
