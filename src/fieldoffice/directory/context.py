"""Everything a lookup needs, loaded once: the directory, the geography, regions and territories.

`load_context()` builds all of it once and keeps it as snapshots (snapshot.py) in the cache folder
($FIELDOFFICE_CACHE, else the user cache directory); later processes map the snapshots instead of
building. Three snapshots make a context, each keyed by what it is built from:

- "geo": the gazetteer's tables (counties, states, ZIP codes, places), from the packaged data files;
- "regions": regions.toml resolved to counties;
- "context": a directory file (checked against the schema when built, so not again), with its
  compiled territories, keyed by the file's contents and path. Of a folder of versions only the
  files' effective dates are read (cheaply) to choose one, and only that one is loaded.

The point index and the polygons are snapshots of their own, made when first used, and so are the
arrays other modules derive and keep through `Context.derived_arrays`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from fieldoffice.core import snapshot
from fieldoffice.core.errors import DataError
from fieldoffice.core.models import Claim, Directory, Region
from fieldoffice.directory.territory import TerritoryMap
from fieldoffice.geo.gazetteer import Gazetteer, GeoTables, build_tables, data_path, tables_key

DIRECTORY_ENV = "FIELDOFFICE_DIRECTORY"
T = TypeVar("T")
Arrays = dict[str, npt.NDArray[Any]]
# The code that builds the regions and the context snapshots (a changed file means a new key).
REGIONS_CODE = (
    "fieldoffice.directory.phrase_regions",
    "fieldoffice.geo.names",
    "fieldoffice.core.models",
    __name__,
)
CONTEXT_CODE = (
    "fieldoffice.directory.file",
    "fieldoffice.directory.territory",
    "fieldoffice.core.models",
    __name__,
)


@dataclass(frozen=True, eq=False)
class Context:
    """A directory version with the geography, the regions and its compiled territories.

    `key` names what it was built from (empty when unknown) and `store` is the snapshot folder
    (None when there is none): `derived_arrays` keeps arrays there.
    """

    directory: Directory
    gazetteer: Gazetteer
    regions: dict[str, Region]
    regions_version: dict[str, Any]
    territories: TerritoryMap
    key: str = ""
    store: snapshot.Store | None = field(default=None, repr=False)
    _memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False)
    _locks: dict[str, threading.RLock] = field(default_factory=dict, init=False, repr=False)
    _guard: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def memo(self, name: str, factory: Callable[[], T]) -> T:
        """A per-context object, made once by `factory()` and kept as long as the context.

        For anything a module computes from a context and wants to reuse (a Decider, a Locator,
        batch's key table): `ctx.memo("batch-key-table", lambda: KeyTable(decider(ctx)))`. It
        replaces module-level caches keyed by id(ctx), which outlive their context and can mistake
        a new context for a dead one. Thread-safe: one thread makes an object, others wait for it;
        a factory may ask for other names. Names are shared by all modules: prefix yours.
        """
        try:
            value: T = self._memo[name]
            return value
        except KeyError:
            pass
        with self._guard:
            lock = self._locks.setdefault(name, threading.RLock())
        with lock:
            if name not in self._memo:
                self._memo[name] = factory()
            made: T = self._memo[name]
            return made

    def derived_arrays(
        self,
        name: str,
        build: Callable[[], Mapping[str, npt.ArrayLike]],
        *,
        version: object = 0,
    ) -> Arrays:
        """Numpy arrays derived from this context, built once and kept in its snapshot folder.

        Returns the arrays stored under `name` for this context (memory-mapped, read-only), or
        calls `build()` (a dict of name -> array; numbers, bools or fixed-width strings, no
        objects), stores its result atomically and returns it. Within a process the result is
        also memoised, so a second call costs nothing. The stored copy is keyed by this context's
        key (directory version, regions, data files, format), by `name` and `version`, and by the
        package's source files: bump `version` when what `build` makes changes meaning in a way an
        edit of the package would not show (new data, say). With no usable snapshot folder the
        arrays are built in memory, once per process. The arrays are read-only: never write to them.

            arrays = ctx.derived_arrays("near-index", lambda: build_near().to_arrays())
        """
        if not name or not all(ch.isalnum() or ch in "-_." for ch in name):
            raise ValueError(f"derived array names are letters, digits, '-', '_', '.': {name!r}")
        return self.memo("derived-arrays:" + name, lambda: self._derived(name, build, version))

    def _derived(
        self, name: str, build: Callable[[], Mapping[str, npt.ArrayLike]], version: object
    ) -> Arrays:
        if self.store is None or not self.key:
            return {k: np.asarray(v) for k, v in build().items()}
        key = snapshot.digest("derived", self.key, name, version, snapshot.code_stamp())
        return self.store.arrays("derived-" + name, key, build)


# -- the parts, each from its snapshot ---------------------------------------------------------------
@lru_cache(maxsize=4)
def _store(root: str) -> snapshot.Store | None:
    return snapshot.Store.open(root)


@lru_cache(maxsize=4)
def _gazetteer(root: str) -> Gazetteer:
    store = _store(root)
    data_dir = data_path("")
    if store is None:
        return Gazetteer(data_dir)
    key = tables_key(data_dir)
    snap = store.get("geo", key)
    if snap is None:
        tables = build_tables(data_dir)
        if store.put("geo", key, tables.arrays, tables.meta):
            snap = store.get("geo", key)
        if snap is None:
            return Gazetteer(data_dir, tables=tables, store=store)
    return Gazetteer(data_dir, tables=GeoTables(snap.arrays, snap.meta), store=store)


def _pickled(obj: object) -> npt.NDArray[np.uint8]:
    return np.frombuffer(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL), dtype=np.uint8)


def _unpickled(snap: snapshot.Snapshot | None) -> Any:
    """The object in a snapshot's "pickle" array; None if there is no snapshot or it is unreadable."""
    if snap is None:
        return None
    try:
        return pickle.loads(snap.arrays["pickle"].data)
    except Exception:  # a snapshot from other code: built again
        return None


def _cached_object(
    store: snapshot.Store | None,
    kind: str,
    key: str,
    build: Callable[[], T],
    valid: Callable[[Any], bool],
) -> T:
    """A (small) object from its snapshot (if `valid`), else built and stored as one."""
    if store is not None:
        found = _unpickled(store.get(kind, key))
        if found is not None and valid(found):
            value: T = found
            return value
    built = build()
    if store is not None:
        store.put(kind, key, {"pickle": _pickled(built)})
    return built


@lru_cache(maxsize=4)
def _regions(root: str) -> tuple[dict[str, Any], dict[str, Region], str]:
    """(data_version, regions, key) of the packaged regions file."""
    gaz = _gazetteer(root)
    path = data_path("regions.toml")
    key = snapshot.digest(
        "regions",
        snapshot.FORMAT_VERSION,
        tables_key(gaz.data_dir),
        _content_hash(path),
        snapshot.code_stamp(REGIONS_CODE),
    )

    def build() -> tuple[dict[str, Any], dict[str, Region]]:
        from fieldoffice.directory.phrase_regions import load_regions

        return load_regions(gaz.counties, path, names=gaz.county_names)

    def valid(x: Any) -> bool:
        return isinstance(x, tuple) and len(x) == 2 and all(isinstance(p, dict) for p in x)

    version, regions = _cached_object(_store(root), "regions", key, build, valid)
    return version, regions, key


def _content_hash(path: Path) -> str | None:
    """The file's SHA-256; None if it cannot be read (building then says why)."""
    try:
        return snapshot.content_hash(path)
    except OSError:
        return None


def shared_gazetteer() -> Gazetteer:
    """The gazetteer of the packaged data (one per process and cache folder)."""
    return _gazetteer(snapshot.cache_root())


def shared_regions() -> tuple[dict[str, Any], dict[str, Region]]:
    """The packaged regions: (data_version, regions by id)."""
    version, regions, _ = _regions(snapshot.cache_root())
    return version, regions


def _directory_source(path: Path) -> list[list[str]]:
    """[(path, SHA-256)] of the directory file, read as `load_directory` reads it (a DataError
    for a file that is no regular file, too large or unreadable)."""
    from fieldoffice.directory.file import read_bytes

    return [[str(path), hashlib.sha256(read_bytes(path)).hexdigest()]]


@dataclass(frozen=True)
class _Versions:
    """What a context snapshot holds: every version, and each one's territories (None for a
    version whose territories do not compile: compiled again, to raise, if it is asked for)."""

    versions: list[Directory]
    territories: list[TerritoryMap | None]


def _interned(t: TerritoryMap) -> TerritoryMap:
    """The same map with equal claims shared (a region's claims differ only in the county)."""
    canon: dict[Claim, Claim] = {}
    by_office = {
        o: {f: canon.setdefault(c, c) for f, c in m.items()} for o, m in t.by_office.items()
    }
    by_county = {f: [canon.setdefault(c, c) for c in cl] for f, cl in t.by_county.items()}
    return TerritoryMap(by_office, by_county, t.all_counties)


def _build_version(path: Path, gaz: Gazetteer, regions: dict[str, Region]) -> _Versions:
    from fieldoffice.directory.file import load_directory
    from fieldoffice.directory.territory import compile_territories

    directory = load_directory(path)
    try:
        territories: TerritoryMap | None = _interned(
            compile_territories(directory, gaz.counties, regions)
        )
    except DataError:
        territories = None
    return _Versions([directory], [territories])


@lru_cache(maxsize=8)
def _load_file(path: Path, root: str) -> Context:
    """The context of one directory file, from its snapshot (keyed by its path and contents)."""
    store = _store(root)
    gaz = _gazetteer(root)
    regions_version, regions, regions_key = _regions(root)
    sources = _directory_source(path)
    key = snapshot.digest(
        "context",
        snapshot.FORMAT_VERSION,
        regions_key,
        sources,
        snapshot.code_stamp(CONTEXT_CODE),
    )
    found = None
    if store is not None:
        found = _unpickled(store.get("context", key))
    if not isinstance(found, _Versions) or len(found.versions) != 1:
        found = _build_version(path, gaz, regions)
        # stored only if the file did not change while it was read
        if store is not None and sources == _directory_source(path):
            store.put("context", key, {"pickle": _pickled(found)})
    directory = found.versions[0]
    territories = found.territories[0]
    if territories is None:  # raises the clause's error
        from fieldoffice.directory.territory import compile_territories

        territories = compile_territories(directory, gaz.counties, regions)
    context_key = snapshot.digest(key, 0)
    return Context(directory, gaz, regions, regions_version, territories, context_key, store)


@lru_cache(maxsize=8)
def _load(directory_path: Path | None, as_of: dt.date | None, root: str) -> Context:
    """A folder of versions: only the files' effective dates are read to choose one (cheap, and
    remembered), then only the chosen file is loaded."""
    from fieldoffice.directory.file import (
        choose_version,
        default_path,
        effective_date_of,
        is_folder,
        version_in_effect,
    )

    path = directory_path or default_path()
    if is_folder(path):
        chosen = choose_version(path, as_of)
        ctx = _load_file(chosen, root)
        if ctx.directory.effective_date != effective_date_of(chosen):  # the quick read was wrong
            ctx = _load_file(choose_version(path, as_of, quick=False), root)
    else:
        ctx = _load_file(path, root)
    if as_of is not None and ctx.directory.effective_date > as_of:
        version_in_effect([ctx.directory], as_of)  # raises: nothing was in effect then
    return ctx


def resolve_directory_path(directory_path: Path | str | None = None) -> Path | None:
    chosen = directory_path or os.environ.get(DIRECTORY_ENV) or None
    if not chosen:
        return None
    try:
        return Path(chosen).resolve()
    except (RuntimeError, OSError):  # a symlink loop: reading it says so
        return Path(os.path.abspath(chosen))


def load_context(
    directory_path: Path | str | None = None, *, as_of: dt.date | None = None
) -> Context:
    """The shipped directory, or the one at `directory_path` (or $FIELDOFFICE_DIRECTORY).

    The path may be a folder of versions: the latest is used, or with `as_of` the version in
    effect on that day. Loaded from snapshots when they are there and current (built and stored
    when not); one context per directory, version and cache folder in a process.
    """
    return _load(resolve_directory_path(directory_path), as_of, snapshot.cache_root())


def clear_caches() -> None:
    """Forget the contexts, gazetteers and stores loaded in this process (tests use it)."""
    for f in (_load, _load_file, _regions, _gazetteer, _store):
        f.cache_clear()
