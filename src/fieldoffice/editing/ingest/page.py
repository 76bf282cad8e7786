"""A saved page (HTML or its visible text) -> its visible text, in blocks a person can find.

HTML goes through a real parser (lexbor), with entities and whitespace handled, after the
nesting check; scripts, styles and templates are dropped. Blocks are separated by two or more
spaces, and each knows where it is: the line of a text page, the block of an HTML page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fieldoffice.core.errors import InvalidInput
from fieldoffice.editing.ingest.html_depth import nesting_depth
from fieldoffice.editing.ingest.limits import MAX_BLOCKS, MAX_DEPTH, MAX_PAGE_BYTES


def page_text(data: bytes) -> str:
    """Visible text of the page, blocks separated by runs of spaces, whatever the input."""
    return visible_text(data)[0]


def visible_text(data: bytes) -> tuple[str, bool]:
    """The page's visible text, and whether it was HTML."""
    if len(data) > MAX_PAGE_BYTES:
        raise InvalidInput(f"the page is {len(data):,} bytes; the limit is {MAX_PAGE_BYTES:,}",
                           hint="save just the contact page (HTML only)")  # fmt: skip
    text = data.decode("utf-8", errors="replace")
    if not re.search(r"<\s*(html|body|div|p|h[1-6]|section)\b", text, re.I):
        return text, False
    depth = nesting_depth(text, MAX_DEPTH)
    if depth > MAX_DEPTH:
        raise InvalidInput(f"the page's elements are nested more than {MAX_DEPTH} deep; refused",
                           hint="a contact page nests a few dozen: save the page as it is published")  # fmt: skip
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    tree = HTMLParser(text)
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    body = tree.body or tree.root
    if body is None:
        return "", True
    return body.text(separator="   ", strip=True), True


@dataclass
class Block:
    text: str
    start: int  # offsets in the flattened text (runs of spaces and tabs made one space)
    end: int
    position: str  # "line 9, block 71" (a text page) or "text block 71" (an HTML page)


def located_blocks(text: str, html: bool) -> list[Block]:
    """The page's blocks (separated by two or more spaces) with their offsets in the flattened
    text and a position a person can find: the line of a text page, the block of an HTML page."""
    out: list[Block] = []
    runs = re.finditer(r"[ \t]{2,}", text)
    run = next(runs, None)
    removed = 0  # characters removed by flattening, before the current block
    line, last = 1, 0
    for m in re.finditer(r"\S+(?:\s\S+)*", text):
        if len(out) >= MAX_BLOCKS:
            raise InvalidInput(f"the page's text has more than {MAX_BLOCKS:,} blocks; refused",
                               hint="a contact page has a few hundred: save just the contact page")  # fmt: skip
        while run is not None and run.end() <= m.start():
            removed += run.end() - run.start() - 1
            run = next(runs, None)
        s, e = m.start() - removed, m.end() - removed  # (no run of spaces inside a block)
        if html:
            where = f"text block {len(out) + 1}"
        else:
            line += text.count("\n", last, m.start())
            last = m.start()
            where = f"line {line}, block {len(out) + 1}"
        out.append(Block(m.group(0), s, e, where))
    return out
