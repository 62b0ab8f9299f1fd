"""PostgreSQL: a team is written by whoever holds its lease, ``syncd run`` or a command.

A command (``sync``, ``digest``) takes the team's lease as a replica would, under its own
holder name (host, pid, a random suffix) and command, renews it every third of a period while
it works, and gives it back at the end. A running ``syncd run`` keeps the leases of its teams,
so a command beside it waits a bounded time, then reports the replica holding the team.

The lease's epoch fences the command: every store write is conditional on it (the store is
``fenced``), and :meth:`LeaseTeamWriter.guard` confirms the lease before every tracker write.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from syncd.fencing import Fence, LeaseLostError
from syncd.output.logs import get_logger
from syncd.store import StateStoreError
from syncd.store.roles import LeaseStore
from syncd.writers.claim import Holder, TeamBusyError

POLL_SECONDS = 0.2


def lease_name(team: str) -> str:
    return f"team:{team}"


def holder_of(store: LeaseStore, team: str) -> Holder | None:
    """Who holds ``team``'s lease, parsed from its holder name ``host:pid:random``."""
    lease = store.lease(lease_name(team))
    if lease is None or lease.released_at is not None:
        return None
    host, _, rest = lease.holder.partition(":")
    pid_text = rest.partition(":")[0]
    return Holder(
        command=lease.holder_command,
        pid=int(pid_text) if pid_text.isdigit() else None,
        host=host or None,
        since=lease.acquired_at,
    )


class LeaseTeamWriter:
    """A team's lease held for one command (or one cycle of a replica); see the module."""

    def __init__(
        self,
        store: LeaseStore,
        fence: Fence,
        *,
        team: str,
        period: timedelta,
        clock: Callable[[], datetime],
        renew: bool,
    ) -> None:
        self.team = team
        self.fence: Fence | None = fence
        self.period: timedelta | None = period
        self._fence = fence
        self._store = store
        self._clock = clock
        self._stop = threading.Event()
        self._lost = False
        self._renewer: threading.Thread | None = None
        if renew:
            self._renewer = threading.Thread(
                target=self._renew_loop, name=f"syncd-lease-{team}", daemon=True
            )
            self._renewer.start()

    def guard(self) -> None:
        """Confirm (and renew) the lease at its epoch, or raise :class:`LeaseLostError`."""
        if self._lost:
            raise LeaseLostError(self._fence, None)
        self._store.confirm_lease(self._fence, at=self._clock(), duration=self._period())

    def release(self) -> None:
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join(timeout=5)
            try:
                self._store.release_lease(self._fence.name, holder=self._fence.holder)
            except StateStoreError as exc:  # it runs out on its own within one period
                get_logger(team=self.team).warning("writer.release_failed", error=str(exc))

    def _period(self) -> timedelta:
        assert self.period is not None
        return self.period

    def _renew_loop(self) -> None:
        while not self._stop.wait(self._period().total_seconds() / 3):
            try:
                self._store.confirm_lease(self._fence, at=self._clock(), duration=self._period())
            except LeaseLostError:
                self._lost = True
                get_logger(team=self.team).error("writer.lease_lost", lease=self._fence.name)
                return
            except StateStoreError as exc:  # the guard confirms again before any write
                get_logger(team=self.team).warning("writer.lease_renew_failed", error=str(exc))


def take_lease_writer(
    store: LeaseStore,
    team: str,
    *,
    holder: str,
    command: str,
    period: timedelta,
    wait: timedelta,
    clock: Callable[[], datetime],
) -> LeaseTeamWriter:
    """Take ``team``'s lease for ``holder``, waiting up to ``wait``; else raise
    :class:`TeamBusyError` naming who holds it."""
    name = lease_name(team)
    deadline = time.monotonic() + wait.total_seconds()
    pause = threading.Event()
    while True:
        epoch = store.take_lease(name, holder=holder, at=clock(), duration=period, command=command)
        if epoch is not None:
            fence = Fence(name, holder, epoch)
            return LeaseTeamWriter(store, fence, team=team, period=period, clock=clock, renew=True)
        if time.monotonic() >= deadline:
            raise TeamBusyError(team, holder_of(store, team), wait)
        pause.wait(POLL_SECONDS)
