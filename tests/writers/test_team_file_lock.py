"""SQLite's one writer per team: an OS file lock per team, a bounded wait, and a message
naming the holder. A second process is a real one (flock is per open file, and the kernel
frees it when its holder ends, however it ends)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from syncd.writers import Holder, TeamBusyError
from syncd.writers.file_lock import lock_path, take_file_lock

T0 = datetime(2026, 12, 3, 1, 2, 3, tzinfo=UTC)


def _clock() -> datetime:
    return T0


def _hold_in_another_process(database: Path, team: str) -> subprocess.Popen[str]:
    """A process that takes the team's lock as ``syncd run`` would and keeps it."""
    code = textwrap.dedent(f"""
        import sys
        from datetime import UTC, datetime, timedelta
        from pathlib import Path
        from syncd.writers.file_lock import take_file_lock
        held = take_file_lock(Path({str(database)!r}), {team!r}, command="run",
                       wait=timedelta(0), clock=lambda: datetime(2026, 12, 3, 1, 2, 3, tzinfo=UTC))
        print("held", flush=True)
        sys.stdin.read()
    """)
    process = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "held"
    return process


def test_a_free_team_is_taken_and_its_file_says_who_holds_it(tmp_path: Path) -> None:
    database = tmp_path / "state.db"
    lock = take_file_lock(database, "payments", command="sync", wait=timedelta(0), clock=_clock)
    try:
        record = json.loads(lock_path(database, "payments").read_text())
        assert record["command"] == "sync" and record["pid"] == os.getpid()
        assert record["since"] == T0.isoformat()
        # Another team is independent.
        other = take_file_lock(database, "search", command="sync", wait=timedelta(0), clock=_clock)
        other.release()
    finally:
        lock.release()
    again = take_file_lock(database, "payments", command="sync", wait=timedelta(0), clock=_clock)
    again.release()


def test_a_held_team_is_refused_after_the_wait_naming_the_holder(tmp_path: Path) -> None:
    database = tmp_path / "state.db"
    holder = _hold_in_another_process(database, "payments")
    try:
        started = time.monotonic()
        with pytest.raises(TeamBusyError) as caught:
            take_file_lock(
                database, "payments", command="sync", wait=timedelta(seconds=0.5), clock=_clock
            )
        assert time.monotonic() - started >= 0.5  # it waited the time it was given
        assert caught.value.holder is not None
        assert (caught.value.holder.command, caught.value.holder.pid) == ("run", holder.pid)
        message = str(caught.value)
        assert f"team payments is being written by `syncd run` (pid {holder.pid} on " in message
        assert "since 2026-12-03 01:02:03 UTC" in message and "waited 0.5 s" in message
        assert "SYNCD_TEAM_LOCK_WAIT" in message
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    database = tmp_path / "state.db"
    holder = _hold_in_another_process(database, "payments")
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    lock = take_file_lock(database, "payments", command="sync", wait=timedelta(0), clock=_clock)
    lock.release()


def test_a_waiting_writer_gets_the_team_once_the_holder_ends(tmp_path: Path) -> None:
    database = tmp_path / "state.db"
    holder = _hold_in_another_process(database, "payments")
    assert holder.stdin is not None
    holder.stdin.close()  # the holder ends as soon as it reads end of input
    lock = take_file_lock(
        database, "payments", command="sync", wait=timedelta(seconds=60), clock=_clock
    )
    lock.release()
    holder.wait(timeout=10)


def test_a_holder_description_leaves_out_what_is_unknown() -> None:
    assert Holder("sync", None, None, None).describe() == "`syncd sync`"
    assert Holder(None, 7, "h", None).describe() == "another syncd (pid 7 on h)"
    said = str(TeamBusyError("payments", None, timedelta(seconds=5)))
    assert said.startswith("team payments is being written by another syncd process; waited 5 s")
