"""Files written whole or not at all, and the signals that stop a run on the way.

Every file the package writes (directory files, exports, snapshots, stored versions, batch output)
goes through a temporary file in the same folder and a rename, so a reader never sees half a file
and a failure or a signal leaves the old file. A run killed with SIGKILL leaves its temporary file
behind; the next write to the same target removes it once its process is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import FrameType

from fieldoffice.core.errors import InvalidInput

STOPPING_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Interrupted(Exception):
    """A stopping signal (SIGTERM, SIGHUP) arrived during a run; `signum` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def signals_interrupt() -> Iterator[None]:
    """SIGTERM and SIGHUP raise Interrupted inside the block, so `finally` clauses clean up.

    Signal handlers can only be set on the main thread; elsewhere the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise Interrupted(signum)

    old = {s: signal.signal(s, stop) for s in STOPPING_SIGNALS}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)


def interrupted_by(exc: BaseException) -> int | None:
    """The signal behind `exc` when an Interrupted is somewhere in its chain (a signal that lands
    inside an import or a library comes back wrapped in another exception)."""
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, Interrupted):
            return e.signum
        e = e.__cause__ or e.__context__
    return None


def checked_target(path: Path, *, hint: str = "give a file name") -> Path:
    """`path` if a file may be written there; else InvalidInput saying what is in the way."""
    if str(path).endswith(("/", "\\")) or path.is_dir():
        raise InvalidInput(f"{path} is a folder", hint=hint)
    if (path.exists() and not path.is_file()) or path.is_symlink():
        raise InvalidInput(f"{path} is not a regular file", hint="write to a regular file instead")
    if not path.parent.is_dir():
        raise InvalidInput(f"the folder {path.parent} does not exist", hint="create it first")
    return path


def temp_path(target: Path) -> Path:
    """A temporary file beside `target`, named for this process (so a dead run's can be found)."""
    remove_stale_temps(target)
    return target.with_name(f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")


def write_atomically(
    target: Path, data: str | bytes | Iterable[bytes], *, hint: str = "give a file name"
) -> None:
    """Write `data` (text as UTF-8, bytes, or pieces of bytes) to a file the user named: checked
    first (`checked_target`), then written whole (`write_whole`). A failure to write is an
    InvalidInput naming the file; on any failure or interruption the old file stays."""
    target = checked_target(Path(target), hint=hint)
    try:
        write_whole(target, data)
    except OSError as exc:
        raise InvalidInput(
            f"cannot write {target}: {exc.strerror or exc}", hint="check that you may write there"
        ) from exc


def write_whole(target: Path, data: str | bytes | Iterable[bytes]) -> None:
    """Write `data` to `target` through a temporary file beside it, flushed to disk before the
    rename and the rename made durable after it. On any failure (an OSError, raised as it is) or
    interruption the old file stays and the temporary file is removed."""
    target = Path(target)
    tmp = temp_path(target)
    pieces = (
        [data.encode("utf-8")]
        if isinstance(data, str)
        else [data]
        if isinstance(data, bytes)
        else data
    )
    try:
        with open(tmp, "xb") as f:
            for piece in pieces:
                f.write(piece)
        commit(tmp, target)
    except BaseException:  # OSError, Interrupted, KeyboardInterrupt: the old file, no temp file
        tmp.unlink(missing_ok=True)
        raise


def commit(tmp: Path, target: Path) -> None:
    """Put a finished temporary file (from `temp_path`) in place of `target`: flushed to disk,
    renamed, the rename made durable. Writers that stream into `tmp` themselves (pyarrow) end
    with this; on failure the caller removes `tmp`."""
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, target)
    sync_folder(target.parent)


def sync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (where the system allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_TEMP = re.compile(r"\.(?P<name>.+)\.(?P<pid>\d+)(?:\.[0-9a-f]{8})?\.tmp")


def remove_stale_temps(target: Path) -> None:
    """Remove temporary files for `target` whose writer is gone (SIGKILL leaves no chance to)."""
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        m = _TEMP.fullmatch(name)
        if m is None or m["name"] != target.name or int(m["pid"]) == os.getpid():
            continue
        try:
            os.kill(int(m["pid"]), 0)
            continue  # that writer is still running
        except ProcessLookupError:
            pass
        except OSError:
            continue  # another user's process: alive
        (target.parent / name).unlink(missing_ok=True)
