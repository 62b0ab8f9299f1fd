"""SQLite: one OS file lock per team, beside the database, held for the whole command.

``flock`` is released by the kernel when the process ends, however it ends, so a crash never
leaves a stale lock; a paused (SIGSTOPped) process keeps it, so nothing can take a team from
a writer that might resume. The lock file holds who took it (command, pid, host, since), for
the message of a second writer; the lock, not that text, is what counts.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from syncd.fencing import Fence
from syncd.writers.claim import Holder, TeamBusyError

POLL_SECONDS = 0.1


def lock_path(database: Path, team: str) -> Path:
    """``state.db`` → ``state.db.team-payments.lock`` (team names are file-name safe)."""
    return database.with_name(f"{database.name}.team-{team}.lock")


class FileTeamLock:
    """A team held through its lock file; see the module."""

    fence: Fence | None = None
    period: timedelta | None = None

    def __init__(self, team: str, file: IO[str]) -> None:
        self.team = team
        self._file = file

    def guard(self) -> None:
        return None  # the kernel holds the lock for this process until it ends

    def release(self) -> None:
        if not self._file.closed:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()


def take_file_lock(
    database: Path,
    team: str,
    *,
    command: str,
    wait: timedelta,
    clock: Callable[[], datetime],
) -> FileTeamLock:
    """Take ``team``'s lock, waiting up to ``wait``; else raise :class:`TeamBusyError`."""
    path = lock_path(database, team)
    path.parent.mkdir(parents=True, exist_ok=True)
    file = path.open("a+", encoding="utf-8")
    deadline = time.monotonic() + wait.total_seconds()
    pause = threading.Event()
    while True:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                holder = _holder(file)
                file.close()
                raise TeamBusyError(team, holder, wait) from None
            pause.wait(POLL_SECONDS)
    file.seek(0)
    file.truncate()
    record = {
        "command": command,
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": clock().isoformat(),
    }
    file.write(json.dumps(record) + "\n")
    file.flush()
    return FileTeamLock(team, file)


def _holder(file: IO[str]) -> Holder | None:
    try:
        file.seek(0)
        record = json.loads(file.read() or "null")
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict):
        return None
    since = record.get("since")
    pid = record.get("pid")
    return Holder(
        command=str(record["command"]) if record.get("command") else None,
        pid=pid if isinstance(pid, int) else None,
        host=str(record["host"]) if record.get("host") else None,
        since=datetime.fromisoformat(since) if isinstance(since, str) else None,
    )
