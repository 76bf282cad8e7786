"""Snapshots: what loading builds (tables, regions, compiled territories, derived arrays), kept in
files that the next process maps into memory instead of building again.

A snapshot file holds named numpy arrays and a little JSON. Its name carries part of its *key*, a
hash of everything it was built from (file contents or size and modification time, the format
version below, the code that builds it); the full key is inside, and a file whose key differs is
not used. Files are written to a temporary name and renamed into place, so a reader sees a whole
file or none, whatever happens to the writer (kill -9 included); concurrent writers each rename a
whole file of the same content. Every file carries a CRC-32 of its header and of its data, checked
when it is opened: a truncated or damaged file is removed and built again. Nothing here ever fails
a lookup: a cache directory that cannot be created or written only means building in memory.

Where: $FIELDOFFICE_CACHE, else platformdirs' user cache directory for "fieldoffice".

Layout of a file: MAGIC (8 bytes), then little-endian u64 header length, u32 header CRC, u32 data
CRC, then the header (JSON: key, meta, arrays as [name, dtype, shape, offset, nbytes], data size),
then the data, each array at a 64-byte aligned offset from the start of the data.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import mmap
import os
import struct
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from fieldoffice.core.files import write_whole

CACHE_ENV = "FIELDOFFICE_CACHE"
# Bump when anything stored changes shape or meaning (the code stamps catch most edits anyway).
FORMAT_VERSION = 1
MAGIC = b"FOSNAP\x00\x01"
_PREFIX = struct.Struct("<8sQII")
_ALIGN = 64
KEEP_PER_KIND = 8  # older snapshots of one kind (other keys) beyond this many are removed
_TEMP_MAX_AGE_S = 3600.0  # a temporary file this old is a dead writer's: removed
_TOUCH_AFTER_S = 3600.0  # a snapshot used again this long after it was written is marked as used

Arrays = dict[str, npt.NDArray[Any]]
PACKAGE_DIR = Path(__file__).resolve().parent.parent  # the fieldoffice package


class SnapshotError(Exception):
    """A snapshot file that cannot be used: missing parts, a bad checksum, another key."""


# -- keys ------------------------------------------------------------------------------------------
def digest(*parts: object) -> str:
    """A hex key for any JSON-able parts."""
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def stamp(path: Path) -> list[object]:
    """A file's identity without reading it: name, size and modification time (None if missing)."""
    try:
        st = path.stat()
    except OSError:
        return [path.name, None]
    return [path.name, st.st_size, st.st_mtime_ns]


def content_hash(path: Path) -> str:
    """SHA-256 of a (small) file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def code_stamp(modules: Iterable[str] | None = None) -> list[list[object]]:
    """Stamps of the source files of the named modules ("fieldoffice.geo.gazetteer"), found where
    they live now, or of every .py file in the package when none are named: an edited builder
    means a new key. A name that no longer resolves to a file is an error, never a missing stamp."""
    if modules is None:
        files = sorted(PACKAGE_DIR.rglob("*.py"))
    else:
        # the reader and writer of every snapshot count too: a snapshot laid out by an older
        # version of them must not be read by a newer one
        always = [__name__, "fieldoffice.geo.gazetteer"]
        files = [module_file(m) for m in dict.fromkeys([*modules, *always])]
    return [stamp(f) for f in files]


def module_file(name: str) -> Path:
    """The source file of a module of this package, without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise SnapshotError(
            f"no source file for module {name!r}: a snapshot key names a moved module"
        )
    return Path(spec.origin)


# -- one file --------------------------------------------------------------------------------------
def _aligned(n: int) -> int:
    return (n + _ALIGN - 1) // _ALIGN * _ALIGN


def encode(key: str, arrays: Mapping[str, npt.ArrayLike], meta: Any = None) -> list[bytes]:
    """The bytes of a snapshot file, in pieces (written one after another)."""
    entries: list[list[Any]] = []
    chunks: list[bytes] = []
    offset = 0
    crc = 0
    for name, value in arrays.items():
        a = np.asarray(value)
        if a.dtype.hasobject or a.dtype.fields is not None:
            raise TypeError(f"array {name!r}: dtype {a.dtype} cannot be stored")
        pad = _aligned(offset) - offset
        if pad:
            chunks.append(b"\0" * pad)
            crc = zlib.crc32(chunks[-1], crc)
            offset += pad
        data = a.tobytes(order="C")
        chunks.append(data)
        crc = zlib.crc32(data, crc)
        entries.append([name, a.dtype.str, list(a.shape), offset, len(data)])
        offset += len(data)
    header = json.dumps(
        {"key": key, "meta": meta, "arrays": entries, "size": offset}, separators=(",", ":")
    ).encode()
    head_len = _aligned(_PREFIX.size + len(header)) - _PREFIX.size
    header = header.ljust(head_len, b" ")
    prefix = _PREFIX.pack(MAGIC, head_len, zlib.crc32(header), crc)
    return [prefix, header, *chunks]


@dataclass(frozen=True)
class Snapshot:
    """An opened snapshot file: its arrays (read-only views of the mapped file) and its meta."""

    path: Path
    key: str
    meta: Any
    arrays: Arrays


def read(path: Path, key: str) -> Snapshot:
    """Open, check and map a snapshot file. Raises OSError or SnapshotError."""
    with open(path, "rb") as f:
        st = os.fstat(f.fileno())
        if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
            raise SnapshotError("written by another user")  # it may hold a pickle: not trusted
        size = st.st_size
        prefix = f.read(_PREFIX.size)
        if len(prefix) < _PREFIX.size:
            raise SnapshotError("truncated")
        magic, head_len, head_crc, data_crc = _PREFIX.unpack(prefix)
        if magic != MAGIC or _PREFIX.size + head_len > size:
            raise SnapshotError("not a snapshot of this format")
        header = f.read(head_len)
        if len(header) != head_len or zlib.crc32(header) != head_crc:
            raise SnapshotError("damaged header")
        try:
            head = json.loads(header)
        except ValueError as exc:
            raise SnapshotError("damaged header") from exc
        if head.get("key") != key:
            raise SnapshotError("built from something else")
        base = _PREFIX.size + head_len
        if base + int(head["size"]) != size:
            raise SnapshotError("truncated or overlong")
        mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    view = memoryview(mm)
    if zlib.crc32(view[base:]) != data_crc:
        raise SnapshotError("damaged data")
    arrays: Arrays = {}
    for name, dtype, shape, offset, nbytes in head["arrays"]:
        dt = np.dtype(dtype)
        count = int(np.prod(shape, dtype=np.int64))
        if count * dt.itemsize != nbytes or offset + nbytes > int(head["size"]):
            raise SnapshotError(f"array {name!r} does not fit")
        if nbytes == 0:
            a = np.empty(shape, dtype=dt)
            a.flags.writeable = False
        else:
            a = np.frombuffer(mm, dtype=dt, count=count, offset=base + offset).reshape(shape)
        arrays[name] = a
    return Snapshot(path, key, head.get("meta"), arrays)


def write(path: Path, key: str, arrays: Mapping[str, npt.ArrayLike], meta: Any = None) -> None:
    """Write a snapshot file whole or not at all (`files.write_whole`). Raises OSError."""
    write_whole(path, encode(key, arrays, meta))


def _is_kind(name: str, kind: str) -> bool:
    """Is this file name `kind-<24 hex digits>.snap`?"""
    head, ext = name[: len(kind) + 1], name[len(kind) + 1 :]
    key = ext.removesuffix(".snap")
    return (
        head == kind + "-" and ext.endswith(".snap") and len(key) == 24
        and all(ch in "0123456789abcdef" for ch in key)
    )  # fmt: skip


# -- the cache folder ------------------------------------------------------------------------------
def cache_root() -> str:
    """$FIELDOFFICE_CACHE, else the user cache directory (not created here)."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return chosen
    from platformdirs import user_cache_dir

    return user_cache_dir("fieldoffice", appauthor=False)


def version_file(toml: str) -> Path:
    """A published version's text as a directory file in the cache folder, named by its content
    and written once, whole: every process and command that answers from that version (`serve`,
    `locate --database`) loads the same file, so they share its snapshots."""
    path = (
        Path(cache_root()) / "published" / f"{hashlib.sha256(toml.encode()).hexdigest()[:32]}.toml"
    )
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_whole(path, toml)
    return path


class Store:
    """A folder of snapshot files. Reading and writing never raise: a miss means build."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.builds = 0  # snapshot files this store has written (tests count them)

    @classmethod
    def open(cls, root: str | Path | None = None) -> Store | None:
        """The store at `root` (default: `cache_root()`), created if need be; None if unusable."""
        try:
            path = Path(root if root is not None else cache_root()).expanduser()
            path.mkdir(parents=True, exist_ok=True)
            if not path.is_dir():
                return None
        except (OSError, ValueError, RuntimeError):
            return None
        return cls(path)

    def path(self, kind: str, key: str) -> Path:
        return self.root / f"{kind}-{key[:24]}.snap"

    def get(self, kind: str, key: str) -> Snapshot | None:
        """The snapshot of this kind and key, or None; a damaged one is removed."""
        path = self.path(kind, key)
        try:
            snap = read(path, key)
        except FileNotFoundError:
            return None
        except (OSError, SnapshotError, ValueError, TypeError, KeyError):
            self._discard(path)
            return None
        self._touch(path)
        return snap

    def put(
        self, kind: str, key: str, arrays: Mapping[str, npt.ArrayLike], meta: Any = None
    ) -> bool:
        """Store a snapshot; False (and nothing else) if it cannot be written."""
        path = self.path(kind, key)
        try:
            write(path, key, arrays, meta)
        except OSError:
            return False
        self.builds += 1
        self._prune(kind, keep=path)
        return True

    def arrays(
        self, kind: str, key: str, build: Callable[[], Mapping[str, npt.ArrayLike]]
    ) -> Arrays:
        """The arrays stored under (kind, key), mapped; or built, stored and returned."""
        snap = self.get(kind, key)
        if snap is not None:
            return snap.arrays
        built = {k: np.asarray(v) for k, v in build().items()}
        if self.put(kind, key, built):
            again = self.get(kind, key)
            if again is not None:
                return again.arrays
        return built

    # -- housekeeping ------------------------------------------------------------------------------
    def _discard(self, path: Path) -> None:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)

    def _touch(self, path: Path) -> None:
        try:
            if time.time() - path.stat().st_mtime > _TOUCH_AFTER_S:
                os.utime(path)
        except OSError:
            pass

    def _prune(self, kind: str, keep: Path) -> None:
        """Old snapshots of this kind beyond the newest few, and dead writers' temporary files."""
        try:
            now = time.time()
            mine = []
            for p in self.root.iterdir():
                name = p.name
                if name.startswith(".") and name.endswith(".tmp"):
                    if now - p.stat().st_mtime > _TEMP_MAX_AGE_S:
                        self._discard(p)
                elif p != keep and _is_kind(name, kind):
                    mine.append((p.stat().st_mtime, p))
            mine.sort(reverse=True)
            for _, p in mine[KEEP_PER_KIND - 1 :]:
                self._discard(p)
        except OSError:
            pass
