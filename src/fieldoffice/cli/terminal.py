"""Text from the store or from a user, made safe to print on a terminal: a control character (an
escape sequence, a carriage return, a line break in a name) could rewrite the screen or forge
lines of output, so each is shown as a visible escape instead (`\\x1b`, `\\r`, `\\n`, `\\u202e`).
Every command that prints stored or typed text prints it through `safe`."""

from __future__ import annotations

import re

from fieldoffice.core.text import UNSAFE_BEYOND_C0, shown

_UNSAFE_IN_JSON = re.compile(f"[{UNSAFE_BEYOND_C0}]")


def safe(text: object, *, keep_newlines: bool = False) -> str:
    """`text` with every control and invisible format character escaped (core.text.shown), so it
    prints as what it is; with `keep_newlines`, line breaks stay (a message of the program's own)."""
    return shown(str(text), keep_newlines=keep_newlines)


def safe_row(row: tuple[object, ...]) -> tuple[str, ...]:
    return tuple(safe(c) for c in row)


def json_safe(line: str) -> str:
    """A JSON text with the characters a terminal would act on written as \\u escapes: the same
    JSON (they only occur inside strings), safe to print. JSON escapes C0 controls itself."""
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", line)


def emit(obj: object) -> None:
    """One JSON line on stdout, safe to print."""
    import sys

    import orjson

    sys.stdout.write(json_safe(orjson.dumps(obj).decode()) + "\n")
