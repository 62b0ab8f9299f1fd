"""A cycle of ``syncd run``: on SQLite it takes the team's file lock, and skips the cycle when
a command holds the team past the wait; on PostgreSQL it is fenced by the lease it holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from syncd.config.loader import LoadedConfig
from syncd.fencing import Fence
from syncd.service.cycle_writer import cycle_writer
from syncd.service.leases import SoleLeases
from syncd.store import StateStore
from syncd.writers.file_lock import take_file_lock
from syncd.writers.lease_writer import LeaseTeamWriter

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def _loaded(url: str, wait: float = 0.2) -> LoadedConfig:
    service = SimpleNamespace(database_url=url, team_lock_wait=timedelta(seconds=wait))
    return cast(LoadedConfig, SimpleNamespace(service=service))


def test_on_sqlite_a_cycle_takes_the_team_and_skips_it_while_a_command_holds_it(
    tmp_path: Path,
) -> None:
    database = tmp_path / "state.db"
    loaded = _loaded(f"sqlite:///{database}")
    leases = SoleLeases(lambda: T0)
    store = cast(StateStore, None)  # not used with SQLite
    writer = cycle_writer("payments", loaded, leases, store, lambda: T0)
    assert writer is not None and writer.fence is None
    writer.release()

    held = take_file_lock(database, "payments", command="sync", wait=timedelta(0), clock=lambda: T0)
    try:
        assert cycle_writer("payments", loaded, leases, store, lambda: T0) is None
    finally:
        held.release()


class _HeldLeases:
    period = timedelta(seconds=60)

    def fence(self, team: str) -> Fence | None:
        return Fence(f"team:{team}", "replica-1", 7) if team == "payments" else None


def test_on_postgresql_a_cycle_is_fenced_by_the_lease_the_replica_holds() -> None:
    loaded = _loaded("postgresql://syncd@db.invalid/syncd")
    leases: Any = _HeldLeases()
    store = cast(StateStore, None)
    writer = cycle_writer("payments", loaded, leases, store, lambda: T0)
    assert isinstance(writer, LeaseTeamWriter)
    assert writer.fence == Fence("team:payments", "replica-1", 7)
    assert writer.period == timedelta(seconds=60)
    writer.release()  # a replica's lease outlives its cycles: nothing is given back
    assert cycle_writer("search", loaded, leases, store, lambda: T0) is None  # not held here
