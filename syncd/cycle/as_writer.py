"""A cycle as its team's writer runs it: the fenced store, the tracker write guard, and how
other holders' open intents are settled (``syncd.writers``, ``syncd.execute.intent_settling``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from syncd.config.loader import LoadedTeam
from syncd.execute.intent_settling import IntentSettling
from syncd.http.policy import HttpPolicy
from syncd.store import StateStore
from syncd.test_hooks import freeze_point
from syncd.writers import TeamWriter
from syncd.writers.take import wall_now


def cycle_store(store: StateStore, writer: TeamWriter | None) -> StateStore:
    """The store the cycle writes through: fenced by the writer's lease, when it has one."""
    if writer is None or writer.fence is None:
        return store
    return store.fenced(writer.fence)


def cycle_tracker_context(
    extras: Mapping[str, Any] | None, writer: TeamWriter | None
) -> dict[str, Any] | None:
    """The tracker context's extras, with the write guard of ``writer`` when there is one."""
    if writer is None:
        return dict(extras) if extras is not None else None
    return {**(extras or {}), "write_guard": write_guard(writer)}


def write_guard(writer: TeamWriter) -> Callable[[], None]:
    def guard() -> None:
        freeze_point("tracker_write")  # tests: a pause before the check, as a stalled VM
        writer.guard()

    return guard


def cycle_settling(team: LoadedTeam, writer: TeamWriter | None) -> IntentSettling | None:
    """How long another holder's open intent is left alone: a lease period plus the longest
    a request of theirs can still be in flight (the tracker's connect and read timeouts)."""
    if writer is None or writer.fence is None or writer.period is None:
        return None
    policy = HttpPolicy()
    read_timeout = getattr(team.config.tracker.settings, "timeout_seconds", policy.read_timeout)
    in_flight = timedelta(seconds=float(read_timeout) + policy.connect_timeout)
    return IntentSettling(
        holder=writer.fence.holder,
        settle_after=writer.period + in_flight,
        wall_clock=wall_now,
    )
