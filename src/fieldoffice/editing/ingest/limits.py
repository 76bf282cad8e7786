"""What a saved contact page may be: larger, deeper or slower pages are refused with one error.

A saved contact page is tens or hundreds of KB, nested a few dozen elements deep, with a few
hundred blocks of text; the seed page reads in about 20 ms.
"""

from __future__ import annotations

MAX_PAGE_BYTES = 5 << 20
MAX_DEPTH = 256  # elements nested in elements; browsers stop nesting at 512 (WebKit, Blink)
MAX_BLOCKS = 50_000  # blocks of visible text
MAX_OFFICES = 250  # (checking 250 offices that all claim one state takes about 3 s)
MAX_AOR_CHARS = 1_000
PARSE_SECONDS = 2.0  # reading the page into offices
CHECK_SECONDS = 30.0  # then validating, compiling, diffing and linting what was read
