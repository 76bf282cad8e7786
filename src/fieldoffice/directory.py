"""Read a directory file (TOML or JSON), check it against the published schema, build a Directory."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from fieldoffice.errors import DataError
from fieldoffice.models import Clause, Contact, Directory, Notice, Office

DEFAULT_DIRECTORY = "directory.toml"


def schema() -> dict[str, Any]:
    text = resources.files("fieldoffice.data").joinpath("directory.schema.json").read_text()
    result: dict[str, Any] = json.loads(text)
    return result


def default_path() -> Path:
    return Path(str(resources.files("fieldoffice.data").joinpath(DEFAULT_DIRECTORY)))


_EXPECTED = {
    "state": "a 2-letter USPS code such as 'AZ'",
    "effective_date": "a date written YYYY-MM-DD",
    "id": "a slug of lowercase letters, digits and hyphens, such as 'san-diego'",
    "counties": "5-digit county FIPS codes such as '06073'",
    "except_counties": "5-digit county FIPS codes such as '06073'",
}


def explain(error: jsonschema.ValidationError, raw: dict[str, Any]) -> str:
    """Where and what, in words a person can act on."""
    at = where(error)
    path = list(error.absolute_path)
    if len(path) >= 2 and path[0] == "office" and isinstance(path[1], int):
        offices = raw.get("office", [])
        oid = (
            offices[path[1]].get("id")
            if path[1] < len(offices) and isinstance(offices[path[1]], dict)
            else None
        )
        if oid:
            at += f" (office {oid!r})"
    keys = [p for p in path if isinstance(p, str)]
    if error.validator == "pattern" and keys:
        key = keys[-1]
        return f"at {at}: {error.instance!r} is not {_EXPECTED.get(key, 'in the expected form')}"
    if error.validator == "oneOf" and path and path[-2:-1] == ["territory"]:
        return f"at {at}: a clause needs exactly one of state, region or counties"
    return f"at {at}: {error.message}"


def where(error: jsonschema.ValidationError) -> str:
    parts: list[str] = []
    for p in error.absolute_path:
        parts.append(f"[{p}]" if isinstance(p, int) else (f".{p}" if parts else str(p)))
    return "".join(parts) or "(top level)"


def read_raw(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(
            f"cannot read directory file {path}: {exc.strerror}",
            hint="check the path",
        ) from exc
    try:
        raw: dict[str, Any] = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise DataError(
            f"{path}: not valid {'JSON' if path.suffix == '.json' else 'TOML'}: {exc}",
            hint="fix the syntax at the line shown",
        ) from exc
    return raw


def validate(raw: dict[str, Any], path: Path) -> None:
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(raw), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        e = errors[0]
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        raise DataError(
            f"{path}: {explain(e, raw)}{more}",
            hint="see docs/directory.schema.json for the expected format",
        )
    ids = [o["id"] for o in raw["office"]]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise DataError(
            f"{path}: office ids must be unique; repeated: {', '.join(dupes)}",
            hint="give each office its own id",
        )


def _clause(c: dict[str, Any]) -> Clause:
    return Clause(
        phrase=c["phrase"],
        state=c.get("state"),
        region=c.get("region"),
        counties=tuple(c.get("counties", ())),
        except_regions=tuple(c.get("except_regions", ())),
        except_counties=tuple(c.get("except_counties", ())),
    )


def load_directory(path: Path | None = None) -> Directory:
    path = path or default_path()
    raw = read_raw(path)
    validate(raw, path)
    return build_directory(raw, path)


def build_directory(raw: dict[str, Any], path: Path) -> Directory:
    """A Directory from a file's contents that passed the schema."""
    d = raw["directory"]
    try:
        effective = dt.date.fromisoformat(d["effective_date"])
    except ValueError as exc:
        raise DataError(
            f"{path}: directory.effective_date {d['effective_date']!r} is not a real date",
            hint="write it as YYYY-MM-DD",
        ) from exc
    m = d["media"]
    return Directory(
        organization=d["organization"],
        unit=d.get("unit", ""),
        title=d["title"],
        source=d["source"],
        effective_date=effective,
        media=Contact(
            name=m["name"],
            phone=m.get("phone"),
            email=m.get("email"),
            text=m.get("text"),
            about=m.get("about"),
        ),
        credit_line=d.get("credit_line", {}).get("text"),
        notices=tuple(
            Notice(id=n["id"], kind=n["kind"], text=n["text"]) for n in d.get("notice", [])
        ),
        offices=tuple(
            Office(
                id=o["id"],
                name=o["name"],
                city=o["city"],
                state=o["state"],
                aor=o["aor"],
                clauses=tuple(_clause(c) for c in o["territory"]),
                lat=o.get("lat"),
                lon=o.get("lon"),
                phone=o.get("phone"),
                email=o.get("email"),
            )
            for o in raw["office"]
        ),
        data_version=d.get("data_version", {}),
        path=str(path),
        official_domains=tuple(d.get("verification", {}).get("official_domains", ())),
        guidance={
            lang: list(lines)
            for lang, lines in d.get("verification", {}).get("guidance", {}).items()
        },
        reported=tuple(d.get("reported", ())),
        listed_contacts=tuple(d.get("verification", {}).get("contact", ())),
    )


def directory_files(path: Path) -> list[Path]:
    """The directory file itself, or every .toml/.json directory file in a folder of versions."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".toml", ".json") and p.is_file())
        if not files:
            raise DataError(
                f"{path} holds no directory files (.toml or .json)",
                hint="put one file per version of the directory in the folder",
            )
        return files
    return [path]


def load_versions(path: Path | None = None) -> list[Directory]:
    """Every version found at `path` (a file or a folder of files), oldest first."""
    versions = [load_directory(p) for p in directory_files(path or default_path())]
    versions.sort(key=lambda d: d.effective_date)
    dates = [d.effective_date for d in versions]
    twice = sorted({x for x in dates if dates.count(x) > 1})
    if twice:
        raise DataError(
            f"two directory versions take effect on {twice[0].isoformat()}",
            hint="give each version its own effective_date",
        )
    return versions


def version_in_effect(versions: list[Directory], as_of: dt.date) -> Directory:
    """The latest version whose effective date is on or before `as_of`."""
    chosen = [d for d in versions if d.effective_date <= as_of]
    if not chosen:
        first = versions[0].effective_date.isoformat()
        raise DataError(
            f"no directory version was in effect on {as_of.isoformat()}",
            hint=f"the earliest version takes effect on {first}",
        )
    return chosen[-1]
