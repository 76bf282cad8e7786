"""Small purpose-built directory files for tests."""

from __future__ import annotations

from pathlib import Path

HEAD = """schema = "fieldoffice-directory/1"
[directory]
organization = "Test Org"
title = "Test Offices"
source = "tests"
effective_date = "{date}"
[directory.media]
name = "Test media line"
{media}
"""


def office(
    oid: str,
    *clauses: str,
    name: str | None = None,
    city: str = "Providence",
    state: str = "RI",
    phone: str | None = None,
    aor: str | None = None,
) -> str:
    body = ",\n  ".join(clauses)
    lines = [
        f'\n[[office]]\nid = "{oid}"\nname = "{name or oid.title() + " Office"}"',
        f'city = "{city}"\nstate = "{state}"\naor = "{aor or oid}"',
    ]
    if phone:
        lines.append(f'phone = "{phone}"')
    lines.append(f"territory = [\n  {body}\n]\n")
    return "\n".join(lines)


def write(
    tmp: Path,
    *offices: str,
    date: str = "2024-01-01",
    media: str = 'phone = "(555) 010-0000"',
    name: str = "dir.toml",
) -> Path:
    path = tmp / name
    path.write_text(HEAD.format(date=date, media=media) + "".join(offices))
    return path
