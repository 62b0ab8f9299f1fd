"""Leases at stop: a refresh still in flight never takes back what the stop gave back."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from syncd.service.leases import StoreLeases
from syncd.store import StateStore

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
PERIOD = timedelta(seconds=30)
TEAMS = [f"team{n}" for n in range(5)]


class SlowLeaseTable:
    """A lease table whose ``take_lease`` can be held mid-refresh, to stop in between."""

    def __init__(self) -> None:
        self.rows: dict[str, str] = {}
        self.lock = threading.Lock()
        self.entered = threading.Event()
        self.go_on = threading.Event()
        self.hold_at: str | None = None

    def take_lease(
        self,
        name: str,
        *,
        holder: str,
        at: datetime,
        duration: timedelta,
        command: str | None = None,
    ) -> int | None:
        if name == self.hold_at:
            self.entered.set()
            assert self.go_on.wait(10), "the test never let the refresh go on"
        with self.lock:
            if self.rows.get(name, holder) != holder:
                return None
            self.rows[name] = holder
            return 1  # the epoch: nobody else ever takes these

    def release_lease(self, name: str, *, holder: str) -> bool:
        with self.lock:
            if self.rows.get(name) != holder:
                return False
            del self.rows[name]
            return True


def leases_on(table: SlowLeaseTable) -> StoreLeases:
    store: StateStore = table  # type: ignore[assignment]  # the two methods leases use
    return StoreLeases(store, replica="r1", period=PERIOD, clock=lambda: T0)


def test_a_stop_during_a_refresh_leaves_no_lease_behind() -> None:
    table = SlowLeaseTable()
    leases = leases_on(table)
    leases.refresh(TEAMS[:2])
    table.hold_at = "team:team3"  # the next refresh stops inside its fourth team
    refresher = threading.Thread(target=leases.refresh, args=(TEAMS,))
    refresher.start()
    assert table.entered.wait(10)
    closer = threading.Thread(target=leases.close)
    closer.start()
    table.go_on.set()
    refresher.join(10)
    closer.join(10)
    assert not refresher.is_alive() and not closer.is_alive()
    assert table.rows == {}  # team3 was won after the stop began, and given back too
    assert leases.held() == frozenset()
    leases.refresh(TEAMS)  # a closed replica takes nothing again
    assert table.rows == {}


def test_close_keeps_the_leases_of_abandoned_teams() -> None:
    table = SlowLeaseTable()
    leases = leases_on(table)
    leases.refresh(TEAMS)
    leases.close(keep=["team1"])
    assert table.rows == {"team:team1": "r1"}


@pytest.mark.parametrize("rounds", [50])
def test_refreshes_and_a_stop_racing_leave_nothing_behind(rounds: int) -> None:
    for _ in range(rounds):
        table = SlowLeaseTable()
        leases = leases_on(table)
        threads = [threading.Thread(target=leases.refresh, args=(TEAMS,)) for _ in range(3)]
        for thread in threads:
            thread.start()
        leases.close()
        for thread in threads:
            thread.join(10)
        assert table.rows == {}
