"""Which teams this replica works: leases in PostgreSQL, or every team with SQLite.

A replica renews its leases every third of a lease period, in a thread of its own, so a long
sync never lets its team's lease lapse. A replica that dies stops renewing; its leases expire
and the next refresh of another replica takes them (within one lease period plus one refresh).
A replica that cannot reach the store stops counting its leases as held once they expire by its
own clock, so it never works a team another replica may have taken.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from syncd.logs import get_logger
from syncd.store import StateStore, StateStoreError

DEFAULT_LEASE = timedelta(seconds=60)
LEASE_ENV_VAR = "SYNCD_LEASE_SECONDS"


def lease_name(team: str) -> str:
    return f"team:{team}"


def replica_id() -> str:
    """Unique per process, readable in the leases table: host, pid and a random suffix
    (a pid is reused by a restarted container with the same host name)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def lease_duration(env: dict[str, str] | os._Environ[str]) -> timedelta:
    """``SYNCD_LEASE_SECONDS`` (positive seconds), default 60."""
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


@dataclass(frozen=True, slots=True)
class LeaseChanges:
    gained: frozenset[str]
    lost: frozenset[str]


class TeamLeases(Protocol):
    period: timedelta  # how long a lease lasts; refresh a third as often

    def refresh(self, teams: Iterable[str]) -> LeaseChanges: ...
    def holds(self, team: str) -> bool: ...
    def held(self) -> frozenset[str]: ...
    def held_since(self, team: str) -> datetime | None: ...
    def release(self, teams: Iterable[str]) -> None: ...
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

    def held_since(self, team: str) -> datetime | None:
        return self._since.get(team)

    def release(self, teams: Iterable[str]) -> None:
        for team in teams:
            self._since.pop(team, None)

    def close(self, keep: Iterable[str] = ()) -> None:
        self.release(self.held() - set(keep))


@dataclass(slots=True)
class _Held:
    since: datetime
    until: datetime  # by this replica's clock, as last renewed


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
                won = self._store.acquire_lease(
                    lease_name(team), holder=self.replica, at=now, duration=self.period
                )
            except StateStoreError as exc:
                # Keep what is held until it runs out by our own clock: a short outage of the
                # store must not stop work, and a long one stops it before anyone takes over.
                get_logger().warning("service.lease_renew_failed", team=team, error=str(exc))
                continue
            if won:
                held = self._held.get(team)
                self._held[team] = _Held(since=held.since if held else now, until=now + self.period)
            else:
                self._held.pop(team, None)
        after = self.held()
        return LeaseChanges(after - before, before - after)

    def holds(self, team: str) -> bool:
        held = self._held.get(team)
        return held is not None and held.until > self._clock()

    def held(self) -> frozenset[str]:
        return frozenset(team for team in self._held if self.holds(team))

    def held_since(self, team: str) -> datetime | None:
        held = self._held.get(team)
        return held.since if held is not None else None

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
