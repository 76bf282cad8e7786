"""Work on a hostile page in a forked child that is killed at a time limit.

A C parser or a regular expression cannot be interrupted in-process, so reading a page runs in a
child process: it has `parse_seconds` until it calls mark() (the page is read), then
`check_seconds`, and is killed at the limit; its address space may grow by CHILD_MEMORY at most.
Its result, or the error it raised, comes back through a pipe as itself. The child dies with its
parent, SIGKILL included. The CLI's `ingest` and the site's uploads (from a thread of the
server's upload lane) both come here.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from fieldoffice.core.errors import FieldOfficeError, InvalidInput

T = TypeVar("T")
_MARK = b"P"  # what the child writes when the page is read, before its result
CHILD_MEMORY = 1 << 30  # what a child may add to the address space it starts with


def run_limited(
    work: Callable[[Callable[[], None]], T], parse_seconds: float, check_seconds: float
) -> T:
    """`work(mark)` in a forked child: `parse_seconds` until it calls mark(), `check_seconds`
    after; InvalidInput when a limit passes. Where there is no fork the work runs here, without a
    limit. (A fork from a thread is safe here: CPython and logging reset their locks in the child,
    and the child only reads, then exits without cleanup.)"""
    if not hasattr(os, "fork"):
        return work(lambda: None)
    import selectolax.lexbor  # noqa: F401  (imported once, before the fork)

    rfd, wfd = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        _child(work, rfd, wfd, parent, parse_seconds + check_seconds + 1)
    os.close(wfd)
    try:
        buf = _collect(rfd, parse_seconds, check_seconds)
    finally:
        os.close(rfd)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)  # (it has exited, or it is stopped here)
        _, status = os.waitpid(pid, 0)
    result: T = _unpack(buf, status)
    return result


def _child(work: Callable[[Callable[[], None]], Any], rfd: int, wfd: int, parent: int,
           seconds: float) -> NoReturn:  # fmt: skip
    """The child: do the work, send the result, exit without running any cleanup."""
    code = 0
    try:
        os.close(rfd)
        _child_setup(parent, seconds)

        def mark() -> None:
            os.write(wfd, _MARK)

        try:
            payload: tuple[Any, ...] = ("ok", work(mark))
        except FieldOfficeError as exc:
            payload = ("error", type(exc), exc.message, exc.hint)
        except MemoryError:
            payload = ("error", InvalidInput, "reading the page needed more memory than a "
                       "contact page can; refused", "save the page as it is published")  # fmt: skip
        except BaseException as exc:  # (re-raised in the parent)
            payload = ("raise", exc)
        try:
            data = pickle.dumps(payload)
        except Exception:
            data = pickle.dumps(("raise", RuntimeError(repr(payload[-1]))))
        view = memoryview(data)
        while view:
            view = view[os.write(wfd, view) :]
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _child_setup(parent: int, seconds: float) -> None:
    """Die with the parent (SIGKILL included) and at the latest after `seconds`; cap memory."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the kernel ends the child at the alarm
    signal.setitimer(signal.ITIMER_REAL, seconds)
    with contextlib.suppress(OSError, ValueError):
        size = int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (size + CHILD_MEMORY, size + CHILD_MEMORY))
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG (Linux)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent was gone before prctl
        os._exit(1)


def _collect(rfd: int, parse_seconds: float, check_seconds: float) -> bytearray:
    """What the child sends, read until it closes the pipe; InvalidInput at a time limit."""
    buf = bytearray()
    phase, limit = "read", parse_seconds
    deadline = time.monotonic() + limit
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise InvalidInput(
                f"reading the page took longer than {limit:g} s; refused"
                if phase == "read"
                else f"checking what was read from the page took longer than {limit:g} s; refused",
                hint="a contact page reads in well under a second: save the page as it is published",
            )
        ready, _, _ = select.select([rfd], [], [], left)
        if not ready:
            continue
        chunk = os.read(rfd, 1 << 20)
        if not chunk:
            return buf
        buf += chunk
        if phase == "read" and buf[:1] == _MARK:
            phase, limit = "check", check_seconds
            deadline = time.monotonic() + limit


def _unpack(buf: bytearray, status: int) -> Any:
    """The child's result, or its error raised here."""
    if buf[:1] == _MARK:
        del buf[:1]
    if not buf:
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0
        why = (
            f"signal {signal.Signals(sig).name}"
            if sig
            else f"exit {os.waitstatus_to_exitcode(status)}"
        )
        raise InvalidInput(f"reading the page stopped unexpectedly ({why}); refused",
                           hint="save the page as it is published")  # fmt: skip
    payload = pickle.loads(bytes(buf))
    if payload[0] == "ok":
        return payload[1]
    if payload[0] == "error":
        _, cls, message, hint = payload
        raise cls(message, hint=hint)
    raise payload[1]
