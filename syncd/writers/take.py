"""Take a team for a command, the way its state store allows (see the package)."""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from syncd.store import StateStore
from syncd.store.database_url import parse_database_url
from syncd.writers.claim import TeamWriter
from syncd.writers.file_lock import take_file_lock
from syncd.writers.lease_writer import take_lease_writer

DEFAULT_LEASE = timedelta(seconds=60)
LEASE_ENV_VAR = "SYNCD_LEASE_SECONDS"


def holder_name() -> str:
    """Unique per process, readable in the leases table: host, pid and a random suffix
    (a pid is reused by a restarted container with the same host name)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def wall_now() -> datetime:
    """Leases and locks measure real durations between processes: never a pinned clock."""
    return datetime.now(UTC)


def take_team(
    store: StateStore,
    database_url: str,
    team: str,
    *,
    command: str,
    holder: str,
    wait: timedelta,
    period: timedelta = DEFAULT_LEASE,
) -> TeamWriter:
    """Hold ``team`` for ``command`` or raise ``TeamBusyError`` after ``wait``. ``period``:
    how long the lease lasts unrenewed (PostgreSQL), ``SYNCD_LEASE_SECONDS``."""
    path = parse_database_url(database_url).sqlite_path
    if path is not None:
        return take_file_lock(path, team, command=command, wait=wait, clock=wall_now)
    return take_lease_writer(
        store,
        team,
        holder=holder,
        command=command,
        period=period,
        wait=wait,
        clock=wall_now,
    )


def lease_period(env: Mapping[str, str]) -> timedelta:
    """``SYNCD_LEASE_SECONDS`` (positive seconds), default 60; as the service reads it."""
    raw = env.get(LEASE_ENV_VAR, "").strip()
    if not raw:
        return DEFAULT_LEASE
    try:
        seconds = float(raw)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:
        raise ValueError(f"{LEASE_ENV_VAR} must be a positive number of seconds, not {raw!r}")
    return timedelta(seconds=seconds)
