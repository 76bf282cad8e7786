"""A saved contact page (HTML or its visible text) -> a directory file's contents. Never fetches.

The page is reduced to its visible text in blocks (HTML through a real parser, with entities and
whitespace handled); the blocks are read for the media contact, the notices, the credit line, and
the offices listed under their state headings, each with "AOR: ...". Every AOR is resolved into
clauses; whatever cannot be resolved is reported with the exact text and the office it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fieldoffice.diff import DirectoryDiff, diff_directories, diff_text
from fieldoffice.directory import build_directory, read_raw, validate
from fieldoffice.errors import DataError, InvalidInput
from fieldoffice.geo.gazetteer import Gazetteer
from fieldoffice.lint import Finding, lint_directory
from fieldoffice.models import Directory
from fieldoffice.phrases import PhraseResolver
from fieldoffice.territory import compile_territories

if TYPE_CHECKING:
    from fieldoffice.context import Context

MAX_PAGE_BYTES = 20 << 20
_PHONE = r"\(?\d{3}\)?[ .-]?\d{3}-\d{4}"
_MEDIA = re.compile(
    rf"For media inquiries[^.]*?contact the (?P<name>[^.]+?) at (?P<phone>{_PHONE}) or email (?P<email>[\w.+-]+@[\w-]+(?:\.[a-z0-9-]+)+)"
)
_NOTE = re.compile(r"NOTE:.*?(?=\s*\*/|\s{3,}|$)", re.S)
_CREDIT = re.compile(r"When using [^.]*?credit line.*?is requested\.", re.S)
_ABOUT = re.compile(r"(?<=\.)\s*(OPA provides.*?page\.)(?=When using|\s{2,}|$)", re.S)
_OFFICE_NAME = re.compile(r"^(?P<name>.+?(?:Office|Headquarters))$")
_CITY = re.compile(r"^(?P<city>[^,]+),$")
_USPS = re.compile(r"^[A-Z]{2}$")
_AOR = re.compile(r"^AOR:\s*(?P<aor>.*)$")


@dataclass
class Problem:
    where: str
    text: str
    message: str


@dataclass
class Ingested:
    raw: dict[str, Any]  # the directory file's contents (schema fieldoffice-directory/1)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class IngestReport:
    """What `ingest_page` found and did: problems, or the changes, the lint findings and the file."""

    problems: list[Problem]
    changes: DirectoryDiff | None = None
    diff_text: str = ""
    findings: list[Finding] = field(default_factory=list)
    written: Path | None = None  # the file written, when committed

    def lines(self) -> list[str]:
        """The report as the command line prints it."""
        if self.problems:
            return [
                *(f"unresolved: {p.where}: {p.text!r}: {p.message}" for p in self.problems),
                f"{len(self.problems)} problems: nothing written. Fix the page or the regions, then run again.",
            ]
        return [
            self.diff_text,
            *(f"  {f.severity:<7}  {f.kind:<19}  {f.message}" for f in self.findings),
        ]


def ingest_page(
    ctx: Context, data: bytes, *, source: Path, target: Path | None, commit: bool
) -> IngestReport:
    """Read a saved page against the current directory; with `commit` and a target, write it.

    Nothing is checked further or written when some part of the page could not be understood.
    Otherwise the new directory is validated (errors name `source`), compiled strictly, compared
    with `ctx`'s and linted; the file is written (atomically) only if `commit` and `target`.
    """
    result = ingest(data, ctx.gazetteer, PhraseResolver(ctx.gazetteer, ctx.regions), ctx.directory)
    if result.problems:
        return IngestReport(result.problems)
    validate(result.raw, source)
    new = build_directory(result.raw, target or source)
    territories = compile_territories(new, ctx.gazetteer.counties, ctx.regions)
    changes = diff_directories(ctx.directory, new, ctx.territories, territories)
    report = IngestReport(
        [],
        changes,
        diff_text(changes, {c.fips: c.label for c in ctx.gazetteer.counties}),
        lint_directory(new, ctx.gazetteer, ctx.regions),
    )
    if commit and target is not None:
        write_directory_file(result.raw, target)
        report.written = target
    return report


def page_text(data: bytes) -> str:
    """Visible text of the page, blocks separated by runs of spaces, whatever the input."""
    if len(data) > MAX_PAGE_BYTES:
        raise InvalidInput(f"the page is {len(data):,} bytes; the limit is {MAX_PAGE_BYTES:,}",
                           hint="save just the contact page")  # fmt: skip
    text = data.decode("utf-8", errors="replace")
    if re.search(r"<\s*(html|body|div|p|h[1-6]|section)\b", text, re.I):
        from selectolax.lexbor import LexborHTMLParser as HTMLParser

        tree = HTMLParser(text)
        for node in tree.css("script, style, noscript, template"):
            node.decompose()
        body = tree.body or tree.root
        if body is None:
            return ""
        return body.text(separator="   ", strip=True)
    return text


def _blocks(text: str) -> list[str]:
    return [b.strip() for b in re.split(r"\s{2,}", text) if b.strip()]


def ingest(
    data: bytes, gaz: Gazetteer, resolver: PhraseResolver, current: Directory | None
) -> Ingested:
    """Read a page into a directory; problems are collected, not raised, except when nothing is there."""
    text = page_text(data)
    flat = re.sub(r"[ \t]+", " ", text)
    problems: list[Problem] = []
    media = _MEDIA.search(flat)
    if media is None:
        raise InvalidInput("the page has no media contact ('For media inquiries ... contact the ... at PHONE or email ADDRESS')",
                           hint="save the whole contact page, not a part of it")  # fmt: skip
    offices = _offices(_blocks(text), gaz, resolver, current, problems)
    if not offices:
        raise InvalidInput("the page lists no offices (a state heading, then 'NAME Office', 'CITY,', 'ST', 'AOR: ...')",
                           hint="save the whole contact page, not a part of it")  # fmt: skip
    media_text = flat[media.start() : media.end()] + (
        "." if flat[media.end() : media.end() + 1] == "." else ""
    )
    directory: dict[str, Any] = {
        "organization": current.organization if current else "(organization)",
        "title": _title(_blocks(text)) or (current.title if current else "Field Offices"),
        "source": current.source if current else "ingested contact page",
        "effective_date": (current.effective_date.isoformat() if current else "1970-01-01"),
        "media": {"name": media.group("name").strip(), "phone": media.group("phone"),
                  "email": media.group("email"), "text": " ".join(media_text.split())},
    }  # fmt: skip
    if current and current.unit:
        directory["unit"] = current.unit
    directory.update(_kept_from(current))
    tip = _TIP.search(flat)
    if tip:  # the header's tip line is a contact the page prints: listed, with its purpose
        _put_tip_line(directory, tip.group("phone"), " ".join(tip.group(0).split()))
    about = _ABOUT.search(flat)
    if about:
        # the saved page runs some sentences together ("public.ICE"): put the space back
        directory["media"]["about"] = re.sub(
            r"(?<=[a-z][.!?])(?=[A-Z])", " ", " ".join(about.group(1).split())
        )
    credit = _CREDIT.search(flat)
    if credit:
        directory["credit_line"] = {"text": credit.group(0).strip()}
    note = _NOTE.search(flat)
    if note:
        notice_text = " ".join(note.group(0).split())  # (the page breaks lines inside it)
        kind = (
            "scam" if re.search(r"compromised|scam|fraud|spoof", notice_text, re.I) else "general"
        )
        old = {n.text: n.id for n in current.notices} if current else {}
        directory["notice"] = [
            {"id": old.get(notice_text, "notice-1"), "kind": kind, "text": notice_text}
        ]
    return Ingested(
        {"schema": "fieldoffice-directory/1", "directory": directory, "office": offices}, problems
    )


_TIP = re.compile(
    r"Report Crimes:\s*(?:Email or Call\s*)?(?P<phone>1?[-. ]?\(?\d{3}\)?[-. ][0-9A-Z]{3}[-. ]?[0-9A-Z-]{4,6})"
)


def _put_tip_line(directory: dict[str, Any], phone: str, text: str) -> None:
    block = directory.setdefault("verification", {})
    contacts = block.setdefault("contact", [])
    entry = next((c for c in contacts if c.get("purpose") == "tips"), None)
    if entry is None:
        contacts.append({"id": "tip-line", "name": "Tip line", "purpose": "tips", "phone": phone, "text": text})  # fmt: skip
    else:
        entry["phone"], entry["text"] = phone, text


def _kept_from(current: Directory | None) -> dict[str, Any]:
    """What the page does not print but verify needs (official domains, guidance, reported
    contacts): kept from the current directory file, as it is written there."""
    if current is None or not current.path:
        return {}
    try:
        raw = read_raw(Path(current.path))["directory"]
    except (DataError, KeyError, TypeError):
        return {}
    return {k: raw[k] for k in ("verification", "reported") if k in raw}


def _title(blocks: list[str]) -> str | None:
    for i, b in enumerate(blocks):
        if b == "United States" and i > 0:
            return blocks[i - 1].strip("*/ ") or None
    return None


def _slug(name: str) -> str:
    base = re.sub(r"\s+Office$", "", name.strip())
    return re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-") or "office"


def _offices(blocks: list[str], gaz: Gazetteer, resolver: PhraseResolver, current: Directory | None,
             problems: list[Problem]) -> list[dict[str, Any]]:  # fmt: skip
    known = {o.name: o for o in current.offices} if current else {}
    out: list[dict[str, Any]] = []
    heading: str | None = None
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if gaz.state(b) is not None and not _USPS.match(b):
            heading = b
            i += 1
            continue
        m = _OFFICE_NAME.match(b)
        if m and i + 1 < len(blocks) and _CITY.match(blocks[i + 1]):
            name = m.group("name")
            city = _CITY.match(blocks[i + 1]).group("city").strip()  # type: ignore[union-attr]
            st = blocks[i + 2] if i + 2 < len(blocks) else ""
            aor_m = _AOR.match(blocks[i + 3]) if i + 3 < len(blocks) else None
            where = f"office {name!r} under {heading or 'no state heading'}"
            if not _USPS.match(st) or gaz.state(st) is None:
                problems.append(
                    Problem(where, st, "expected the office's state as a 2-letter code")
                )
                i += 2
                continue
            if aor_m is None:
                problems.append(
                    Problem(
                        where, blocks[i + 3] if i + 3 < len(blocks) else "", "no 'AOR: ...' line"
                    )
                )
                i += 3
                continue
            aor = " ".join(
                aor_m.group("aor").split()
            )  # no-break spaces and runs of spaces: one space
            res = resolver.resolve(aor, state=st)
            for u in res.unresolved:
                problems.append(Problem(where, u, f"cannot resolve this part of the AOR {aor!r}"))
            prev = known.get(name)
            office: dict[str, Any] = {"id": prev.id if prev else _slug(name), "name": name, "city": city,
                                      "state": st, "aor": aor}  # fmt: skip
            if (
                prev
                and prev.lat is not None
                and prev.lon is not None
                and (prev.city, prev.state) == (city, st)
            ):
                office["lat"], office["lon"] = prev.lat, prev.lon
            if prev and prev.phone:
                office["phone"] = prev.phone
            if prev and prev.email:
                office["email"] = prev.email
            office["territory"] = [
                {k: v for k, v in (("phrase", c.phrase), ("state", c.state), ("region", c.region),
                                   ("counties", list(c.counties) or None)) if v}
                for c in res.clauses
            ] or [{"phrase": aor or "(empty)", "counties": []}]  # fmt: skip
            out.append(office)
            i += 4
            continue
        i += 1
    ids = [o["id"] for o in out]
    for oid in {x for x in ids if ids.count(x) > 1}:
        problems.append(Problem(f"office id {oid!r}", oid, "two offices would share this id"))
    return out


def write_directory_file(raw: dict[str, Any], path: Any) -> None:
    """Write the directory as TOML, atomically: a failed or interrupted write leaves the old file."""
    import os

    import tomli_w

    target = Path(path)
    if target.is_dir() or (target.exists() and not target.is_file()):
        raise InvalidInput(f"{target} is not a regular file", hint="give the directory file's path")
    if not target.parent.is_dir():
        raise InvalidInput(f"the folder {target.parent} does not exist", hint="create it first")
    text = "# Written by `fieldoffice ingest --commit`.\n" + tomli_w.dumps(raw)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InvalidInput(f"cannot write {target}: {exc.strerror}") from exc
