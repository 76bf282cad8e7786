"""The forked, time-limited child (`ingest.sandbox.run_limited`): results and errors come back
as themselves, each limit stops the work with its own message, a child that dies is one error;
and the package's limits are the ones read when it is called."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from fieldoffice.core.errors import DataError, InvalidInput
from fieldoffice.editing import ingest
from fieldoffice.editing.ingest.sandbox import run_limited


def test_the_result_comes_back() -> None:
    assert run_limited(lambda mark: (mark(), {"a": [1, 2]})[1], 5, 5) == {"a": [1, 2]}


def test_an_error_comes_back_as_itself_with_its_hint() -> None:
    def work(mark: object) -> None:
        raise DataError("the file is torn", hint="save it again")

    with pytest.raises(DataError, match="the file is torn") as info:
        run_limited(work, 5, 5)
    assert info.value.hint == "save it again"
    with pytest.raises(ZeroDivisionError):
        run_limited(lambda mark: 1 // 0, 5, 5)


def test_each_limit_has_its_message() -> None:
    started = time.monotonic()
    with pytest.raises(InvalidInput, match=r"reading the page took longer than 0\.2 s"):
        run_limited(lambda mark: time.sleep(30), 0.2, 30)
    with pytest.raises(InvalidInput, match=r"checking what was read .* longer than 0\.2 s"):
        run_limited(lambda mark: (mark(), time.sleep(30)), 30, 0.2)
    assert time.monotonic() - started < 10


def test_a_child_that_dies_is_one_error() -> None:
    with pytest.raises(InvalidInput, match=r"stopped unexpectedly \(exit 3\)"):
        run_limited(lambda mark: os._exit(3), 5, 5)
    with pytest.raises(InvalidInput, match=r"stopped unexpectedly \(signal SIGKILL\)"):
        run_limited(lambda mark: os.kill(os.getpid(), signal.SIGKILL), 5, 5)


def test_the_package_reads_its_limits_when_called(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "PARSE_SECONDS", 0.2)
    with pytest.raises(InvalidInput, match=r"longer than 0\.2 s"):
        ingest._run_limited(lambda mark: time.sleep(30))  # type: ignore[arg-type,return-value]


def test_a_child_forked_from_a_thread_is_limited_as_well() -> None:
    """The site reads uploads from a lane's thread: the limit holds there too."""
    outcome: list[BaseException | object] = []

    def upload() -> None:
        try:
            outcome.append(run_limited(lambda mark: time.sleep(30), 0.2, 30))
        except BaseException as exc:
            outcome.append(exc)

    started = time.perf_counter()
    t = threading.Thread(target=upload)
    t.start()
    t.join(20)
    assert isinstance(outcome[0], InvalidInput) and time.perf_counter() - started < 5


def test_a_child_that_runs_out_of_memory_is_one_worded_refusal() -> None:
    with pytest.raises(InvalidInput, match="more memory than a contact page can"):
        run_limited(lambda mark: bytearray(3 << 30), 5, 5)
