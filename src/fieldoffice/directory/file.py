"""Read a directory file (TOML or JSON), check it against the published schema, build a Directory."""

from __future__ import annotations

import datetime as dt
import errno
import itertools
import json
import os
import re
import stat
import tomllib
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldoffice.core.errors import DataError
from fieldoffice.core.models import Clause, Contact, Directory, Notice, Office, Translation

if TYPE_CHECKING:
    import jsonschema

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


MAX_BYTES = 5 * 1024 * 1024  # a directory file is a few hundred KB; 5 MB is far beyond any real one
MAX_DEPTH = 32  # tables and lists nested deeper than this are no directory file


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _os_error(path: Path, exc: OSError, what: str = "directory file") -> DataError:
    if exc.errno == errno.ELOOP:
        why = "too many levels of symbolic links (a symlink loop?)"
    else:
        why = exc.strerror or str(exc)
    return DataError(f"cannot read {what} {path}: {why}", hint="check the path")


def read_bytes(
    path: Path, limit: int = MAX_BYTES, *, prefix: bool = False, what: str = "directory file"
) -> bytes:
    """A file's bytes (a directory file unless `what` says otherwise): only a regular file, only
    up to `limit` bytes, never blocking.

    Folders, FIFOs, devices (/dev/zero), sockets, symlink loops, unreadable and oversized files
    are a DataError saying which, at once. With `prefix`, the first `limit` bytes of any size.
    """
    try:
        before = os.stat(path)
        if not stat.S_ISREG(before.st_mode):
            raise DataError(
                f"cannot read {what} {path}: it is {_kind(before.st_mode)}",
                hint=f"give the path of a regular {what}",
            )
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        try:
            st = os.fstat(fd)  # the file opened, not the one stat()ed (it may have been swapped)
            if not stat.S_ISREG(st.st_mode):
                raise DataError(
                    f"cannot read {what} {path}: it is {_kind(st.st_mode)}",
                    hint=f"give the path of a regular {what}",
                )
            if st.st_size > limit and not prefix:
                raise DataError(_too_big(path, limit, what), hint=f"a {what} is far smaller")
            chunks: list[bytes] = []
            size = 0
            while size <= limit:
                chunk = os.read(fd, min(1 << 20, limit + 1 - size))
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            if prefix:
                return b"".join(chunks)[:limit]
            if size > limit:  # it grew while being read
                raise DataError(_too_big(path, limit, what), hint=f"a {what} is far smaller")
            return b"".join(chunks)
        finally:
            os.close(fd)
    except OSError as exc:
        raise _os_error(path, exc, what) from exc


def _too_big(path: Path, limit: int, what: str = "directory file") -> str:
    return f"{what} {path} is larger than the limit of {limit // (1024 * 1024)} MB"


def decode(data: bytes, path: Path) -> str:
    """UTF-8 text, or a DataError naming the line and byte offset of the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DataError(
            f"{path}: byte 0x{data[exc.start]:02x} at offset {exc.start} (line {line}) "
            "is not UTF-8",
            hint="a directory file must be UTF-8 text; save it as UTF-8",
        ) from exc


def _depth(obj: object) -> int:
    """How deeply tables and lists nest (iteratively: a deep value cannot exhaust the stack)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(obj, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            break
        stack.extend((c, level + 1) for c in children)
    return deepest


def _too_deep(path: Path) -> DataError:
    return DataError(
        f"{path}: tables or lists are nested more than {MAX_DEPTH} deep",
        hint="a directory file nests only a few levels; check the brackets",
    )


def parse(text: str, path: Path) -> dict[str, Any]:
    """The file's contents as TOML (or JSON for .json), nested no deeper than MAX_DEPTH."""
    is_json = path.suffix == ".json"
    try:
        raw: Any = json.loads(text) if is_json else tomllib.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise DataError(
            f"{path}: not valid {'JSON' if is_json else 'TOML'}: {exc}",
            hint="fix the syntax at the line shown",
        ) from exc
    except RecursionError as exc:
        raise _too_deep(path) from exc
    if not isinstance(raw, dict):
        raise DataError(
            f"{path}: the top level is a JSON {type(raw).__name__}, not an object",
            hint="a directory file is an object with 'directory' and 'office'",
        )
    if _depth(raw) > MAX_DEPTH:
        raise _too_deep(path)
    return raw


def read_raw(path: Path) -> dict[str, Any]:
    return parse(decode(read_bytes(path), path), path)


def validate(raw: dict[str, Any], path: Path) -> None:
    import jsonschema

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
    summaries: dict[str, str] = d.get("notice_summary", {})
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
            Notice(id=n["id"], kind=n["kind"], text=n["text"], summary=summaries.get(n["id"]))
            for n in d.get("notice", [])
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
        translations={lang: _translation(t) for lang, t in d.get("translations", {}).items()},
    )


def _translation(t: dict[str, Any]) -> Translation:
    media = t.get("media", {})
    notices = t.get("notice", {})
    return Translation(
        statement=t["statement"],
        organization=t.get("organization"),
        unit=t.get("unit"),
        title=t.get("title"),
        media_name=media.get("name"),
        media_text=media.get("text"),
        media_about=media.get("about"),
        credit_line=t.get("credit_line"),
        notices={nid: n["text"] for nid, n in notices.items() if "text" in n},
        summaries={nid: n["summary"] for nid, n in notices.items() if "summary" in n},
    )


def is_folder(path: Path) -> bool:
    """Is `path` a folder (of versions)? False when it is missing or a symlink loop (reading it
    then says so); a DataError for a path that cannot even be looked at (a name too long, say)."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return False
        raise _os_error(path, exc) from exc


def directory_files(path: Path) -> list[Path]:
    """The directory file itself, or every .toml/.json directory file in a folder of versions."""
    if is_folder(path):
        try:
            files = sorted(
                p for p in path.iterdir() if p.suffix in (".toml", ".json") and p.is_file()
            )
        except OSError as exc:
            raise _os_error(path, exc) from exc
        if not files:
            raise DataError(
                f"{path} holds no directory files (.toml or .json)",
                hint="put one file per version of the directory in the folder",
            )
        return files
    return [path]


# effective_date = "YYYY-MM-DD" on a line of its own, and table headers such as [directory]
_DATE_LINE = re.compile(rb'[ \t]*effective_date[ \t]*=[ \t]*"(\d{4}-\d{2}-\d{2})"[ \t]*(#.*)?\r?')
_HEADER_LINE = re.compile(rb"[ \t]*\[\[?[ \t]*([A-Za-z0-9_.-]+)[ \t]*\]\]?[ \t]*(#.*)?\r?")
_HEAD_BYTES = 8192
_dates: dict[tuple[str, int, int], dt.date] = {}


def _quick_date(head: bytes, complete: bool) -> dt.date | None:
    """directory.effective_date from the start of a TOML file; None if not plainly there."""
    lines = head.split(b"\n")
    if not complete:
        lines = lines[:-1]  # cut off mid-line
    table: bytes | None = None
    for line in lines:
        if b'"""' in line or b"'''" in line:
            return None  # a multi-line string: only a real parse knows what is inside
        header = _HEADER_LINE.fullmatch(line)
        if header:
            table = header.group(1)
            continue
        if line.lstrip().startswith(b"["):
            return None  # a header this scan does not understand
        found = _DATE_LINE.fullmatch(line)
        if found and table == b"directory":
            try:
                return dt.date.fromisoformat(found.group(1).decode())
            except ValueError:
                return None
    return None


def effective_date_of(path: Path, *, quick: bool = True) -> dt.date:
    """A version file's effective date, read cheaply when it can be (from the file's first few KB,
    remembered by path, mtime and size), else by parsing the file (and checking it when even that
    does not give a date)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise _os_error(path, exc) from exc
    key = (str(path), st.st_mtime_ns, st.st_size)
    if quick and key in _dates:
        return _dates[key]
    date = None
    if quick and path.suffix != ".json":
        head = read_bytes(path, _HEAD_BYTES, prefix=True)
        date = _quick_date(head, complete=len(head) < _HEAD_BYTES)
    if date is None:
        raw = read_raw(path)
        try:
            date = dt.date.fromisoformat(raw["directory"]["effective_date"])
        except (KeyError, TypeError, ValueError):
            date = load_directory(path).effective_date  # raises what is wrong with the file
    if len(_dates) > 100_000:
        _dates.clear()
    _dates[key] = date
    return date


def choose_version(path: Path, as_of: dt.date | None, *, quick: bool = True) -> Path:
    """The file of a folder of versions in effect on `as_of` (the latest when None).

    Only the files' effective dates are read (see effective_date_of), not the whole files.
    """
    dated = sorted((effective_date_of(f, quick=quick), f) for f in directory_files(path))
    for (a, _), (b, _) in itertools.pairwise(dated):
        if a == b:
            raise DataError(
                f"two directory versions take effect on {a.isoformat()}",
                hint="give each version its own effective_date",
            )
    chosen = [f for d, f in dated if as_of is None or d <= as_of]
    if not chosen:
        raise DataError(
            f"no directory version was in effect on {as_of}",
            hint=f"the earliest version takes effect on {dated[0][0].isoformat()}",
        )
    return chosen[-1]


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
