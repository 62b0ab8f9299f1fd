"""Daily snapshots: one per team and day, kept by the first writer; a restart or a second
replica the same day changes nothing; read back oldest first, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from syncd.judge.snapshots import DailySnapshot
from syncd.store import StateStore

DAY = date(2026, 12, 4)
AT = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
AGES = (("0-30d", 3), ("31-90d", 2), ("91-180d", 0), ("over_180d", 1))


def _snapshot(day: date = DAY, team: str = "payments", **changes: object) -> DailySnapshot:
    base = DailySnapshot(
        team=team,
        day=day,
        taken_at=datetime.combine(day, AT.timetz()),
        items=10,
        open=6,
        done=4,
        overdue=2,
        due_soon=1,
        on_time=3,
        timed=4,
        open_ages=AGES,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_first_snapshot_of_a_day_is_kept_and_read_back(store: StateStore) -> None:
    assert store.add_snapshot(_snapshot())
    assert not store.add_snapshot(_snapshot(open=99)), "a second snapshot of the day was kept"
    assert store.add_snapshot(_snapshot(team="search", open=1))
    assert store.add_snapshot(_snapshot(day=DAY - timedelta(days=1), open=7))

    read = store.snapshots("payments", since=DAY - timedelta(days=30))
    assert [(s.day, s.open) for s in read] == [(DAY - timedelta(days=1), 7), (DAY, 6)]
    assert read[-1] == _snapshot()
    assert store.snapshots("payments", since=DAY + timedelta(days=1)) == []
    assert [s.open for s in store.snapshots("search", since=DAY)] == [1]


def test_a_naive_time_is_refused(store: StateStore) -> None:
    with pytest.raises(ValueError, match="naive"):
        store.add_snapshot(_snapshot(taken_at=datetime(2026, 12, 4, 9, 0)))


def test_two_writers_of_the_same_day_keep_one_row(store: StateStore) -> None:
    url = store.url
    kept: list[bool] = []
    barrier = threading.Barrier(2)

    def write(open_: int) -> None:
        with StateStore.open(url) as other:
            barrier.wait(timeout=30)
            kept.append(other.add_snapshot(_snapshot(open=open_)))

    threads = [threading.Thread(target=write, args=(n,)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(kept) == [False, True]
    [row] = store.snapshots("payments", since=DAY)
    assert row.open in (1, 2)
