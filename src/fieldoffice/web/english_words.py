"""The agency's own English inside a sentence in another language, marked `lang="en"`.

Office names, AOR texts and their phrases are the agency's words and stay in English on the
Spanish pages; a screen reader reads them with English rules only if the markup says so. The
words come from the directory (and a region's source, said in English), never from the sentence's
own wording, so a Spanish word that looks like an English one is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape

from fieldoffice.core.answer import Answer
from fieldoffice.core.models import Directory
from fieldoffice.directory.context import Context

ENGLISH_PARAMS = ("why",)  # reason parameters whose values are English prose from our data


def directory_english(directory: Directory) -> tuple[str, ...]:
    """Every office's name, AOR text and AOR phrases."""
    said = {w for o in directory.offices for w in (o.name, o.aor, *(c.phrase for c in o.clauses))}
    return tuple(sorted((w for w in said if w.strip()), key=str))


def english_params(params: Mapping[str, Any]) -> tuple[str, ...]:
    found: list[str] = []

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, Mapping):
            for k, v in value.items():
                walk(v, str(k))
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v, key)
        elif isinstance(value, str) and key in ENGLISH_PARAMS and value.strip():
            found.append(value)

    walk(params)
    return tuple(found)


@lru_cache(maxsize=64)
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    # longest first: at each place the whole AOR is marked, not the phrase inside it
    longest = sorted({str(escape(w)) for w in words}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in longest))


def marked(text: str, lang: str, english: Iterable[str]) -> Markup:
    """`text`, escaped, with each of the `english` words in it marked when the page is not English."""
    safe = str(escape(text))
    words = tuple(sorted(set(english)))
    if lang == "en" or not words:
        return Markup(safe)
    return Markup(_pattern(words).sub(lambda m: f'<span lang="en">{m.group(0)}</span>', safe))


def marked_reasons(ctx: Context, a: Answer, lang: str, lines: list[str]) -> list[Markup]:
    """An answer's reason lines, the agency's English in them marked for the page's language."""
    english = (*ctx.memo("english-words", lambda: directory_english(ctx.directory)),
               *english_params(a.reason_params))  # fmt: skip
    return [marked(line, lang, english) for line in lines]
