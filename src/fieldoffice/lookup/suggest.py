"""Names close to what was typed, in microseconds: one index over every name the resolver knows.

States, counties, places (with the names only the USPS's abbreviations give, which are read but
never offered), named areas (regions and the aliases of data/areas.toml) and offices, each folded
as a query is. A query is compared with rapidfuzz's plain edit ratio (`fuzz.ratio`, 0-100), as
before, but only with the names that can reach the cutoff. The ratio is made of the longest common
subsequence, and a name can share no more letters with the query than their letter counts allow:

    ratio(q, n) = 200 * lcs(q, n) / (len(q) + len(n))
               <= 200 * sum over letters of min(count in q, count in n) / (len(q) + len(n))

Every name whose bound is under the cutoff is skipped unscored. A name's letter counts are kept as
bits (a bit for "at least t of this letter", t = 1..3), so the bound for every name is two ANDs and
two popcounts in numpy; the few hundred names left at most (none for junk) are scored by
rapidfuzz. Nothing is approximate: the names kept and their scores are those scoring every name
would give. The slow path that scores every name is kept in tests/suggest_oracles.py as the tests'
oracle.

The gazetteer's names (about 28,000 distinct, 42,000 entries) are a derived snapshot of the
context (`gazetteer_arrays`); areas and offices, a few hundred, are made from their files.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from fieldoffice.core.models import Office
from fieldoffice.core.text import fold
from fieldoffice.geo.gazetteer import Gazetteer, StrColumn
from fieldoffice.geo.names import squeeze
from fieldoffice.lookup.named_areas import Area

SUGGEST_CUTOFF = 70  # rapidfuzz ratio, 0-100: below it a name is not offered at all
# words the USPS abbreviates in its alternative city names ("Corp Christi", "Manhattan Bch")
USPS_ABBREVIATION = re.compile(
    r"\b(?:Bch|Spgs|Spg|Hts|Mtn|Mtns|Vly|Crk|Jct|Lk|Lks|Cyn|Vlg|Twp|Hbr|Isl|Pk|Cv|Ctr|Sta|Sprgs|"
    r"Pnes|Blf|Bldg|Hwy|Frst|Grv|Hl|Hls|Cors|Crst|Xing|Corp|Crp|Pls|Prt|Rdg|Shr|Shrs|Tpke|Trl|Vis|"
    r"Mnr|Gdns|Fls|Hgts|Mls|Ests?|Univ|Cty|Ext|Ft|Pt|Mt|[NSEW])\b"
)

# What an entry is. A miss is offered the first four (an office's name is not a query the locator
# answers); the typo reader reads places.
STATE, COUNTY, PLACE, AREA, OFFICE = 0, 1, 2, 3, 4
SUGGESTED = frozenset({STATE, COUNTY, PLACE, AREA})

# a size ranks equal scores: a state before an area before a county before a place by its ZIPs
STATE_SIZE, AREA_SIZE, COUNTY_SIZE, OFFICE_SIZE = 1_000_000, 100_000, 10_000, 0

# fold leaves only a-z, 0-9 and single spaces; anything else counts as one other letter
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 "
_LETTERS = len(_ALPHABET) + 1
_CODE = np.full(256, _LETTERS - 1, dtype=np.uint8)
_CODE[np.frombuffer(_ALPHABET.encode(), dtype=np.uint8)] = np.arange(_LETTERS - 1, dtype=np.uint8)
_LEVELS = 3  # bits per letter: at least 1, 2, 3 of it (more counts as 3 in a name)
_WORDS = (_LETTERS * _LEVELS + 63) // 64
_NO_STATE = 255

Arrays = dict[str, npt.NDArray[np.generic]]
Row = tuple[
    str, int, str | None, int, bool, Sequence[str]
]  # label, kind, state, size, offered, names


def name_part(label: str) -> str:
    """'Reno, NV' -> 'reno': a suggestion is judged by its name, not its state."""
    head, sep, tail = label.rpartition(", ")
    return fold(head if sep and len(tail.strip()) == 2 else label)


def _codes(text: str) -> npt.NDArray[np.uint8]:
    out: npt.NDArray[np.uint8] = _CODE[np.frombuffer(text.encode("ascii", "replace"), np.uint8)]
    return out


# -- text columns -------------------------------------------------------------------------------------
def _put_text(a: Arrays, name: str, strings: Sequence[str]) -> None:
    """A text column: the strings' UTF-8 bytes end to end, and where each one starts."""
    encoded = [s.encode() for s in strings]
    starts = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(b) for b in encoded], out=starts[1:])
    a[name] = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    a[name + "@"] = starts.astype(np.int32)


class _Texts:
    """A text column read in place, one string when asked for (a table holds tens of thousands and
    a query reads a few)."""

    def __init__(self, a: Mapping[str, npt.NDArray[np.generic]], name: str) -> None:
        self._data = np.ascontiguousarray(a[name], dtype=np.uint8).data.cast("B")
        self._starts = a[name + "@"]
        self._n = len(self._starts) - 1

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i: int) -> str:
        return str(self._data[int(self._starts[i]) : int(self._starts[i + 1])], "utf-8")

    def tolist(self) -> list[str]:
        text = str(self._data, "utf-8")
        if not text.isascii():
            return [self[i] for i in range(self._n)]
        starts = self._starts.tolist()
        return [text[a:b] for a, b in itertools.pairwise(starts)]


# -- building a table -----------------------------------------------------------------------------------
def table_arrays(rows: Iterable[Row]) -> Arrays:
    """The arrays of a `NameTable`: entries in order, each under one or more folded names."""
    labels: list[str] = []
    kinds: list[int] = []
    states: list[str | None] = []
    sizes: list[int] = []
    offered: list[bool] = []
    pair_entry: list[int] = []
    pair_name: list[int] = []
    ids: dict[str, int] = {}
    for label, kind, state, size, offer, names in rows:
        for name in dict.fromkeys(n for n in names if n):
            pair_entry.append(len(labels))
            pair_name.append(ids.setdefault(name, len(ids)))
        labels.append(label)
        kinds.append(kind)
        states.append(state)
        sizes.append(size)
        offered.append(offer)
    return _arrays(labels, kinds, states, sizes, offered, pair_entry, pair_name, list(ids))


def _arrays(
    labels: list[str],
    kinds: list[int],
    states: list[str | None],
    sizes: list[int],
    offered: list[bool],
    pair_entry: Sequence[int] | npt.NDArray[np.int64],
    pair_name: Sequence[int] | npt.NDArray[np.int64],
    names: list[str],
) -> Arrays:
    n = len(names)
    codes = sorted({s for s in states if s is not None})
    code_of = {s: i for i, s in enumerate(codes)}
    lengths = np.fromiter(map(len, names), dtype=np.int64, count=n)
    letters = _codes("".join(names)).astype(np.int64) if n else np.zeros(0, dtype=np.int64)
    owner = np.repeat(np.arange(n, dtype=np.int64), lengths)
    counts = np.bincount(letters * n + owner, minlength=_LETTERS * n).reshape(_LETTERS, n)
    bits = np.zeros((_WORDS, n), dtype=np.uint64)
    for level in range(_LEVELS):
        for letter in range(_LETTERS):
            word, bit = divmod(level * _LETTERS + letter, 64)
            bits[word] |= (counts[letter] > level).astype(np.uint64) << np.uint64(bit)
    entries, of_name = np.asarray(pair_entry, dtype=np.int64), np.asarray(pair_name, np.int64)
    order = np.lexsort((entries, of_name))  # by name, then in entry order
    first = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(of_name, minlength=n), out=first[1:])
    a: Arrays = {
        "name.bits": bits,
        "name.length": lengths.astype(np.uint8 if n and lengths.max() < 256 else np.int32),
        "name.first": first.astype(np.int32),
        "name.entries": entries[order].astype(np.int32),
        "entry.kind": np.asarray(kinds, dtype=np.uint8),
        "entry.state": np.asarray(
            [_NO_STATE if s is None else code_of[s] for s in states], dtype=np.uint8
        ),
        "entry.size": np.asarray(sizes, dtype=np.int64),
        "entry.offered": np.asarray(offered, dtype=bool),
        # does any entry have more than one name (an area's aliases)?
        "entry.several": np.asarray([len(np.unique(entries)) < len(entries)]),
    }
    _put_text(a, "name.text", names)
    _put_text(a, "entry.label", labels)
    _put_text(a, "state.codes", codes)
    return a


def gazetteer_arrays(gaz: Gazetteer) -> Arrays:
    """States, counties and places in the order the old slow path had them (which breaks ties),
    then every place name the typo reader reads (USPS abbreviations too)."""
    a = gaz.tables.arrays
    keys = StrColumn(a, "place.key").tolist()  # "NV\treno": the state and the folded name
    written = StrColumn(a, "place.name").tolist()
    counties = gaz.counties
    n_states, n_counties = len(gaz.states), len(counties)
    labels = [s.name for s in gaz.states] + [c.label for c in counties]
    labels += [f"{w}, {k[:2]}" for w, k in zip(written, keys, strict=True)]
    abbreviated = _lines_matching(written, USPS_ABBREVIATION)
    seen: set[str] = set()
    offered = []
    label_entry: dict[str, int] = {}
    for i, label in enumerate(labels):  # a label given twice is offered once, first (as a dict)
        offer = label not in seen and (i - n_states - n_counties) not in abbreviated
        offered.append(offer)
        if offer:
            seen.add(label)
            label_entry[label] = i
    folded = [name_part(s.name) for s in gaz.states]
    folded += StrColumn(a, "county.name_fold").tolist()
    folded += [k[3:] for k in keys]  # a place's key holds its folded name (place_tables)
    ids: dict[str, int] = {}
    of_name = [ids.setdefault(f, len(ids)) for f in folded]
    # then the populated places, under each name they are found by, sized by population; a
    # postal name that is also one of them takes its population (it ranks as the place does)
    kinds = [STATE] * n_states + [COUNTY] * n_counties + [PLACE] * len(keys)
    states: list[str | None] = [None] * n_states + [c.state for c in counties]
    states += [k[:2] for k in keys]
    sizes = [STATE_SIZE] * n_states + [COUNTY_SIZE] * n_counties + gaz.places.sizes().tolist()
    postal_row = {k: n_states + n_counties + i for i, k in enumerate(keys)}
    table = gaz.geoplaces
    pair_entry = list(range(len(labels)))
    for state, key, rows in table.by_key():
        top = int(table.population[rows[0]])
        if state + "\t" + key in postal_row:
            i = postal_row[state + "\t" + key]
            sizes[i] = max(sizes[i], top)
        for r in rows:
            place = table.at(r)
            if fold(place.name) != key:
                continue  # offered under its own name only, as the label reads
            label = f"{place.name}, {state}"
            if label not in seen:
                seen.add(label)
                labels.append(label)
                kinds.append(PLACE)
                states.append(state)
                sizes.append(int(table.population[r]))
                offered.append(True)
                label_entry[label] = len(labels) - 1
            pair_entry.append(label_entry.get(label, -1))
            of_name.append(ids.setdefault(key, len(ids)))
    keep = [i for i, e in enumerate(pair_entry) if e >= 0]
    return _arrays(
        labels, kinds, states, sizes, offered,
        [pair_entry[i] for i in keep], [of_name[i] for i in keep], list(ids),
    )  # fmt: skip


def extra_rows(areas: Mapping[str, Area], offices: Sequence[Office]) -> list[Row]:
    """Named areas under their names and aliases; offices under name, id and city (for those who
    look offices up, `kinds={OFFICE}`; a miss is not offered them: the locator does not answer an
    office's name)."""
    names: dict[Area, list[str]] = {}
    for key, area in areas.items():
        names.setdefault(area, [name_part(area.name)]).append(key)
    rows: list[Row] = [(a.name, AREA, a.state, AREA_SIZE, True, n) for a, n in names.items()]
    for o in offices:
        folded = [name_part(x) for x in (o.name, o.name.removesuffix(" Office"), o.id, o.city)]
        rows.append((o.name, OFFICE, None, OFFICE_SIZE, True, folded))
    return rows


# -- reading a table ------------------------------------------------------------------------------------
I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


class NameTable:
    """Entries under distinct folded names, and which names come within a ratio of a query."""

    def __init__(self, a: Mapping[str, npt.NDArray[np.generic]]) -> None:
        self.names = _Texts(a, "name.text")
        self._names: list[str] | None = None  # all of them, decoded on the first miss
        self.bits = a["name.bits"]
        self.lengths = a["name.length"]
        self.longest = int(self.lengths.max()) if len(self.names) else 0
        self.first = a["name.first"]
        self.entries = a["name.entries"]
        self.labels = _Texts(a, "entry.label")
        self.kind = a["entry.kind"]
        self.state = a["entry.state"]
        self.size = a["entry.size"]
        self.offered = a["entry.offered"]
        codes = _Texts(a, "state.codes")
        self.code = {codes[i]: i for i in range(len(codes))}  # USPS -> its number in entry.state
        self.several = bool(a["entry.several"][0])
        mine = self.state[self.offered & ((self.kind == COUNTY) | (self.kind == PLACE))]
        per = np.bincount(mine, minlength=_NO_STATE + 1).tolist()
        self.in_state = {s: per[i] for s, i in self.code.items() if per[i]}  # counties and places
        self._last: tuple[str, float, I64, F64] | None = None

    def close(self, query: str, cutoff: float) -> tuple[I64, F64]:
        """The names scoring at least `cutoff` against the folded query, and their `fuzz.ratio`
        scores: best first, ties in name order; scored by rapidfuzz, as scoring them all would.
        (The last query's answer is kept: the typo reader and the suggestions ask the same.)"""
        last = self._last
        if last is not None and last[0] == query and last[1] == cutoff:
            return last[2], last[3]
        names, scores = self._close(query, cutoff)
        self._last = (query, cutoff, names, scores)
        return names, scores

    def _close(self, query: str, cutoff: float) -> tuple[I64, F64]:
        from rapidfuzz import fuzz, process  # only misses need it

        none = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        q = len(query)
        # the bound needs 200 * shared >= cutoff * (q + len), and shared <= len <= longest
        if not q or not self.longest or cutoff * q > (200 - cutoff) * self.longest + 1:
            return none
        mask, extra = 0, 0
        for letter, k in enumerate(np.bincount(_codes(query), minlength=_LETTERS).tolist()):
            for level in range(min(k, _LEVELS)):
                mask |= 1 << (level * _LETTERS + letter)
            extra += max(k - _LEVELS, 0)  # a name may have as many more as the query: bound kept
        shared = np.zeros(len(self.lengths), dtype=np.uint8)
        for word in range(_WORDS):
            bits = (mask >> (64 * word)) & 0xFFFFFFFFFFFFFFFF
            if bits:
                shared += np.bitwise_count(self.bits[word] & np.uint64(bits))
        # kept: 200 * (shared + extra) + 1 >= cutoff * (q + len), the one point of slack so that
        # rounding in rapidfuzz never meets a name left out; as the least shared for each length
        need = np.ceil((cutoff * (q + np.arange(self.longest + 1)) - 1) / 200) - extra
        least = np.clip(need, 0, 255).astype(np.uint8)
        keep = np.flatnonzero(shared >= least[self.lengths])
        if not len(keep):
            return none
        names = self._names
        if names is None:
            names = self._names = self.names.tolist()
        hits = process.extract(query, [names[i] for i in keep.tolist()], scorer=fuzz.ratio,
                               score_cutoff=cutoff, limit=None)  # fmt: skip
        if not hits:
            return none
        found = keep[np.fromiter((h[2] for h in hits), dtype=np.int64, count=len(hits))]
        scores = np.fromiter((h[1] for h in hits), dtype=np.float64, count=len(hits))
        order = np.lexsort((found, -scores))
        return found[order], scores[order]

    def entries_of(self, names: I64, scores: F64) -> tuple[I64, F64]:
        """Every entry under these names, with its name's score (in the names' order)."""
        start = self.first[names].astype(np.int64)
        count = self.first[names + 1].astype(np.int64) - start
        run = np.cumsum(count) - count  # where each name's entries begin in the answer
        at = np.arange(int(count.sum())) + np.repeat(start - run, count)
        return self.entries[at].astype(np.int64), np.repeat(scores, count)


def one_per_name(labels: Iterable[str]) -> list[str]:
    """Labels, each name once however it is written ("McAllen, TX", "Mcallen, TX" and "Mc Allen,
    TX" are one offer: the first)."""
    seen: dict[str, str] = {}
    for label in labels:
        seen.setdefault(squeeze(fold(label)), label)
    return list(seen.values())


class Suggester:
    """Suggestions for a miss, and misspellings read, from the tables in order."""

    def __init__(self, tables: Sequence[NameTable]) -> None:
        self.tables = list(tables)
        self._in_state: dict[str, int] = {}
        for t in self.tables:
            for s, k in t.in_state.items():
                self._in_state[s] = self._in_state.get(s, 0) + k

    def suggest(
        self,
        query: str,
        state: str | None = None,
        *,
        limit: int = 5,
        kinds: frozenset[int] = SUGGESTED,
    ) -> list[str]:
        """Real names close to what was typed: most similar first, then the larger place; none
        padded in when nothing is close. With `state` (the one the query ends with), only names in
        that state, if it has any counties or places. Names are judged without their state."""
        if state is not None and not self._in_state.get(state):
            state = None
        folded = name_part(query)
        wanted = np.zeros(OFFICE + 1, dtype=bool)
        wanted[list(kinds)] = True
        hits: list[tuple[float, int, int]] = []  # score, table, entry
        for t, table in enumerate(self.tables):
            names, scores = table.close(folded, SUGGEST_CUTOFF)
            if not len(names):
                continue
            entries, scores = table.entries_of(names, scores)
            ok = table.offered[entries] & wanted[table.kind[entries]]
            if state is not None:
                ok &= table.state[entries] == table.code.get(state, _NO_STATE)
            entries, scores = entries[ok], scores[ok]
            if table.several:  # an entry under several names counts once, by its best
                entries, first = np.unique(entries, return_index=True)
                scores = scores[first]
            hits += zip(scores.tolist(), [t] * len(entries), entries.tolist(), strict=True)
        # the old path kept rapidfuzz.extract's best max(10 * limit, 50), ties in choice order,
        # then ranked those by rounded score, the larger place, the name
        hits.sort(key=lambda h: (-h[0], h[1], h[2]))
        ranked = sorted(
            (-round(s), -int(self.tables[t].size[e]), self.tables[t].labels[e])
            for s, t, e in hits[: max(limit * 10, 50)]
        )
        return list(dict.fromkeys(label for _, _, label in ranked))[:limit]

    def read_as(self, folded: str, state: str, accept: float, margin: float) -> str | None:
        """The place in `state` whose folded name `folded` is a clear misspelling of, as written:
        its `fuzz.ratio` is at least `accept` and `margin` more than any other place's in the
        state; else None."""
        found: list[tuple[float, str]] = []
        cutoff = min(max(accept - margin, 0.0), SUGGEST_CUTOFF)  # the suggestions' search, kept
        for table in self.tables:
            code = table.code.get(state)
            if code is None:
                continue
            names, scores = table.close(folded, cutoff)
            if not len(names):
                continue
            entries, scores = table.entries_of(names, scores)
            ok = (table.kind[entries] == PLACE) & (table.state[entries] == code)
            names_seen: set[str] = set()
            for e, s in zip(entries[ok].tolist(), scores[ok].tolist(), strict=True):
                name = table.labels[e][:-4]  # "Reno, NV" -> "Reno"
                if fold(name) not in names_seen:  # a postal name and the place it serves: one
                    names_seen.add(fold(name))
                    found.append((s, name))
                if len(names_seen) == 2:
                    break
        found.sort(key=lambda h: -h[0])
        if not found or found[0][0] < accept:
            return None
        if len(found) > 1 and found[0][0] - found[1][0] < margin:
            return None
        return found[0][1]


def _lines_matching(lines: Sequence[str], pattern: re.Pattern[str]) -> set[int]:
    """The numbers of the lines `pattern` finds something in, in one scan of them all (the pattern
    must not match across a newline)."""
    if not lines:
        return set()
    text = "\n".join(lines)
    starts = np.zeros(len(lines), dtype=np.int64)
    np.cumsum([len(s) + 1 for s in lines[:-1]], out=starts[1:])
    found = np.fromiter((m.start() for m in pattern.finditer(text)), dtype=np.int64)
    return set((np.searchsorted(starts, found, side="right") - 1).tolist())
