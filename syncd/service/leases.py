"""Which teams this replica works: leases in PostgreSQL, or every team with SQLite.

A replica renews its leases every third of a lease period, in a thread of its own, so a long
sync never lets its team's lease lapse. A replica that dies stops renewing; its leases expire
and the next refresh of another replica takes them (within one lease period plus one refresh).
A replica that cannot reach the store stops counting its leases as held once they expire by its
own clock, so it never works a team another replica may have taken.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from syncd.fencing import Fence
from syncd.output.logs import get_logger
from syncd.store import StateStore, StateStoreError
from syncd.writers import take as writer_take
from syncd.writers.lease_writer import lease_name

# One definition for the service and the commands that take a team (``syncd.writers``).
DEFAULT_LEASE = writer_take.DEFAULT_LEASE
LEASE_ENV_VAR = writer_take.LEASE_ENV_VAR
replica_id = writer_take.holder_name


def lease_duration(env: dict[str, str] | os._Environ[str]) -> timedelta:
    """``SYNCD_LEASE_SECONDS`` (positive seconds), default 60."""
    return writer_take.lease_period(env)


@dataclass(frozen=True, slots=True)
class LeaseChanges:
    gained: frozenset[str]
    lost: frozenset[str]


class TeamLeases(Protocol):
    period: timedelta  # how long a lease lasts; refresh a third as often

    def refresh(self, teams: Iterable[str]) -> LeaseChanges: ...
    def holds(self, team: str) -> bool: ...
    def held(self) -> frozenset[str]: ...
    def release(self, teams: Iterable[str]) -> None: ...
    def fence(self, team: str) -> Fence | None:
        """The lease and epoch a cycle of ``team`` starting now is fenced by; None when the
        team is not held, or (SQLite) when leases cannot be taken from a live process."""
        ...

    def close(self, keep: Iterable[str] = ()) -> None:
        """Give back every lease but ``keep``'s, and take none from now on (at stop)."""
        ...


class SoleLeases:
    """SQLite: this process is the only service on the store (the instance lock sees to it),
    so it holds every team."""

    def __init__(self, clock: Callable[[], datetime], period: timedelta = DEFAULT_LEASE) -> None:
        self._clock = clock
        self.period = period
        self._since: dict[str, datetime] = {}

    def refresh(self, teams: Iterable[str]) -> LeaseChanges:
        wanted = set(teams)
        gained = wanted - set(self._since)
        lost = set(self._since) - wanted
        now = self._clock()
        self._since = {team: self._since.get(team, now) for team in wanted}
        return LeaseChanges(frozenset(gained), frozenset(lost))

    def holds(self, team: str) -> bool:
        return team in self._since

    def held(self) -> frozenset[str]:
        return frozenset(self._since)

    def release(self, teams: Iterable[str]) -> None:
        for team in teams:
            self._since.pop(team, None)

    def fence(self, team: str) -> Fence | None:
        return None  # each cycle takes the team's OS file lock (``syncd.writers``) instead

    def close(self, keep: Iterable[str] = ()) -> None:
        self.release(self.held() - set(keep))


@dataclass(slots=True)
class _Held:
    since: datetime
    until: datetime  # by this replica's clock, as last renewed
    epoch: int  # the lease's fencing token while this replica holds it


class StoreLeases:
    """PostgreSQL: a lease row per team, taken and renewed by :meth:`refresh`.

    The lease thread refreshes while the main thread may reload or stop: one lock keeps them
    apart, and once closed nothing is taken again. Without that, a refresh still in flight at
    SIGTERM re-took a lease just given back, and the other replicas waited a lease period for it.
    """

    CLOSE_WAIT_SECONDS = 2.0  # a refresh stuck on the store must not hold up SIGTERM

    def __init__(
        self,
        store: StateStore,
        *,
        replica: str,
        period: timedelta,
        clock: Callable[[], datetime],
    ) -> None:
        self._store = store
        self.replica = replica
        self.period = period
        self._clock = clock
        self._held: dict[str, _Held] = {}
        self._lock = threading.RLock()
        self._closed = threading.Event()

    def refresh(self, teams: Iterable[str]) -> LeaseChanges:
        """Take or renew the lease of each of ``teams``; give back those no longer configured."""
        with self._lock:
            return self._refresh(sorted(set(teams)))

    def _refresh(self, wanted: list[str]) -> LeaseChanges:
        before = self.held()
        if self._closed.is_set():
            return LeaseChanges(frozenset(), frozenset())
        for team in set(self._held) - set(wanted):
            self.release([team])
        for team in wanted:
            if self._closed.is_set():
                break
            now = self._clock()
            try:
                epoch = self._store.take_lease(
                    lease_name(team),
                    holder=self.replica,
                    at=now,
                    duration=self.period,
                    command="run",
                )
            except StateStoreError as exc:
                # Keep what is held until it runs out by our own clock: a short outage of the
                # store must not stop work, and a long one stops it before anyone takes over.
                get_logger().warning("service.lease_renew_failed", team=team, error=str(exc))
                continue
            if epoch is not None:
                held = self._held.get(team)
                # Another epoch means the team was lost and taken back in between (this
                # replica was paused): a new holding, and a cycle of the old one is fenced off.
                since = held.since if held is not None and held.epoch == epoch else now
                self._held[team] = _Held(since=since, until=now + self.period, epoch=epoch)
            else:
                self._held.pop(team, None)
        after = self.held()
        return LeaseChanges(after - before, before - after)

    def holds(self, team: str) -> bool:
        held = self._held.get(team)
        return held is not None and held.until > self._clock()

    def held(self) -> frozenset[str]:
        return frozenset(team for team in self._held if self.holds(team))

    def fence(self, team: str) -> Fence | None:
        held = self._held.get(team)
        if held is None or not self.holds(team):
            return None
        return Fence(lease_name(team), self.replica, held.epoch)

    def release(self, teams: Iterable[str]) -> None:
        with self._lock:
            for team in teams:
                if self._held.pop(team, None) is None:
                    continue
                try:
                    self._store.release_lease(lease_name(team), holder=self.replica)
                except StateStoreError as exc:
                    get_logger().warning("service.lease_release_failed", team=team, error=str(exc))

    def close(self, keep: Iterable[str] = ()) -> None:
        self._closed.set()  # a refresh in flight stops before its next team
        if not self._lock.acquire(timeout=self.CLOSE_WAIT_SECONDS):
            get_logger().warning("service.lease_close_timed_out", held=sorted(self._held))
            return  # the leases run out on their own within one period
        try:
            self.release(set(self._held) - set(keep))
        finally:
            self._lock.release()
