"""The test-only freeze point stops the process before the calling thread runs one more line.

The fencing proofs freeze a ``syncd run`` replica at ``tracker_write:N``, before its lease is
confirmed. The cycle runs in a worker thread; a SIGSTOP sent to the process went to the main
thread, and the worker ran on until the main thread got the CPU: under load, through the lease
check, so the resumed replica sent a create the new holder had made already (an item with two
issues in ``test_frozen_mid_batch_the_rest_of_the_batch_is_created_once[github]``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from syncd import test_hooks
from tests.service.service_support import wait_for

ROOT = Path(__file__).resolve().parents[2]

# A worker thread reaches the freeze point and writes a line right after it, to the pipe named
# by its argument; the main thread waits for it, as ``syncd run``'s does for its cycles.
CHILD = textwrap.dedent("""\
    import os, sys, threading
    from syncd.test_hooks import freeze_point

    def cycle():
        freeze_point("probe")
        os.write(int(sys.argv[1]), b"ran on\\n")

    worker = threading.Thread(target=cycle)
    worker.start()
    worker.join()
    """)


def test_the_stop_is_aimed_at_the_thread_at_the_freeze_point(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Deterministic: the signal goes to the calling thread (a worker here), never to the
    process, which the kernel hands to the main thread."""
    sent: list[tuple[str, int, int]] = []
    monkeypatch.setattr(os, "kill", lambda pid, sig: sent.append(("process", pid, sig)))
    monkeypatch.setattr(
        signal, "pthread_kill", lambda ident, sig: sent.append(("thread", ident, sig))
    )
    monkeypatch.setenv(test_hooks.FREEZE_ENV, "probe:2")
    monkeypatch.setattr(test_hooks, "_reached", type(test_hooks._reached)())
    idents: list[int] = []

    def cycle() -> None:
        idents.append(threading.get_ident())
        test_hooks.freeze_point("probe")  # the first visit: not this one
        test_hooks.freeze_point("probe")

    worker = threading.Thread(target=cycle)
    worker.start()
    worker.join()
    assert sent == [("thread", idents[0], signal.SIGSTOP)]


def test_a_worker_thread_frozen_runs_nothing_past_the_point() -> None:
    """A real process: once every thread of it is stopped, the line after the freeze point
    has not run; it runs after SIGCONT."""
    env = {**os.environ, test_hooks.FREEZE_ENV: "probe:1", "PYTHONPATH": str(ROOT)}
    ours, theirs = os.pipe()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(theirs)],
        env=env,
        pass_fds=(theirs,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(theirs)
    try:
        wait_for("every thread of the child to stop", lambda: _all_stopped(child.pid), 30)
        os.set_blocking(ours, False)
        with pytest.raises(BlockingIOError):  # nothing written, and the pipe still open
            os.read(ours, 100)
        child.send_signal(signal.SIGCONT)
        assert child.wait(timeout=30) == 0
        assert os.read(ours, 100) == b"ran on\n"
    finally:
        os.close(ours)
        if child.poll() is None:
            child.send_signal(signal.SIGCONT)
            child.kill()
            child.wait()


def _all_stopped(pid: int) -> bool:
    """Whether the process has two threads and both are stopped (the kernel's view)."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
        states = [
            Path(f"/proc/{pid}/task/{task}/stat").read_text().rpartition(")")[2].split()[0]
            for task in tasks
        ]
    except OSError:
        return False
    return len(states) == 2 and all(state in ("T", "t") for state in states)
