"""The writer of one scheduled cycle of ``syncd run`` (``syncd.writers``).

PostgreSQL: the replica holds the team's lease already; the cycle is fenced by the epoch it
held when the cycle began, and confirms it before every tracker write. SQLite: the cycle takes
the team's OS file lock, so that a ``syncd sync`` or ``syncd digest`` beside the service never
writes the team at the same time; a team another process holds past ``team_lock_wait`` skips
this cycle (``service.team_busy``) and is tried again on the next.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from syncd.config.loader import LoadedConfig
from syncd.output.logs import get_logger
from syncd.service.leases import TeamLeases
from syncd.store import StateStore
from syncd.store.database_url import parse_database_url
from syncd.writers import TeamBusyError, TeamWriter
from syncd.writers.file_lock import take_file_lock
from syncd.writers.lease_writer import LeaseTeamWriter


def cycle_writer(
    team: str,
    loaded: LoadedConfig,
    leases: TeamLeases,
    control_store: StateStore,
    clock: Callable[[], datetime],
) -> TeamWriter | None:
    """The team held for one cycle, or None (not ours, or busy: logged) to skip it."""
    fence = leases.fence(team)
    if fence is not None:
        return LeaseTeamWriter(
            control_store, fence, team=team, period=leases.period, clock=clock, renew=False
        )
    path = parse_database_url(loaded.service.database_url).sqlite_path
    if path is None:
        return None  # a lease this replica does not hold (any more)
    try:
        return take_file_lock(
            path, team, command="run", wait=loaded.service.team_lock_wait, clock=clock
        )
    except TeamBusyError as exc:
        get_logger(team=team).warning(
            "service.team_busy",
            held_by=exc.holder.describe() if exc.holder else None,
            error=str(exc),
        )
        return None
