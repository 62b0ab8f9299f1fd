"""One ``syncd run`` per SQLite file: an OS-level lock held for the life of the process.

SQLite has no way to say which of two processes works which team, so a second service on the
same file would sync every team twice over. ``flock`` is released by the kernel when the
process ends, however it ends, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO


class InstanceLockedError(Exception):
    """Another process holds the store's lock; the message says why that matters and what to do."""


class InstanceLock:
    def __init__(self, file: IO[str], path: Path) -> None:
        self._file = file
        self.path = path

    def release(self) -> None:
        if not self._file.closed:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()


def lock_sqlite_store(database: Path) -> InstanceLock:
    """Take ``<database>.lock`` for this process, or raise :class:`InstanceLockedError`."""
    path = database.with_name(database.name + ".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    file = path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        file.seek(0)
        holder = file.read().strip()
        file.close()
        who = f" (process {holder})" if holder.isdigit() else ""
        raise InstanceLockedError(
            f"another `syncd run`{who} is already using the SQLite state store {database}: "
            "SQLite cannot coordinate several replicas, so only one service may use a database "
            "file. Stop the other one, or run several replicas on PostgreSQL: set "
            "SYNCD_DATABASE_URL=postgresql://USER@HOST/DATABASE for every replica."
        ) from None
    # Who holds it, for the message above; the lock, not this text, is what counts.
    file.seek(0)
    file.truncate()
    file.write(f"{os.getpid()}\n")
    file.flush()
    return InstanceLock(file, path)
