"""Text from the store or from a user, made safe to print on a terminal: a control character (an
escape sequence, a carriage return, a line break in a name) could rewrite the screen or forge
lines of output, so each is shown as a visible escape instead (`\\x1b`, `\\r`, `\\n`, `\\u202e`).
Every command that prints stored or typed text prints it through `safe`."""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, and the format characters that reorder or hide text (bidi overrides
# and isolates, zero-width characters), which a terminal would act on or not show
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\x1b"}


def safe(text: object, *, keep_newlines: bool = False) -> str:
    """`text` with every control and invisible format character escaped, so it prints as what
    it is; with `keep_newlines`, line breaks stay (a multi-line message of the program's own)."""
    s = str(text)
    if not _UNSAFE.search(s):
        return s

    def escape(m: re.Match[str]) -> str:
        c = m.group()
        if keep_newlines and c == "\n":
            return c
        if c in _NAMED:
            return _NAMED[c]
        return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"

    # a backslash is doubled only in text that needed escapes, so plain paths print as they are
    return _UNSAFE.sub(escape, s.replace("\\", "\\\\"))


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
