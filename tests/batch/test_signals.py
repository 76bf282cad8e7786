"""Issue 23, item 9: `assign` could exit 0 after SIGINT. Arrow's long operations (read_csv) swap
the process's SIGINT/SIGTERM handlers for their own while they run and keep a signal in a global
stop source that a later operation resets, so a signal could be lost and the run went on to
write its output. The batch package turns Arrow's handlers off: a signal always reaches Python's
handler, even while Arrow is working."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import os, signal, time
import pyarrow as pa
import fieldoffice.batch.files  # turns Arrow's signal handlers off
seen = []
signal.signal(signal.SIGINT, lambda signum, frame: seen.append(signum))
with pa.lib.SignalStopHandler():  # what read_csv wraps its work in
    os.kill(os.getpid(), signal.SIGINT)
    deadline = time.monotonic() + 5
    while not seen and time.monotonic() < deadline:
        time.sleep(0.01)
    print("python" if seen else "arrow")
"""


def test_a_signal_during_an_arrow_operation_reaches_python_at_once() -> None:
    r = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "python"
