"""Nudge claims: at most one counted nudge per issue per period, a failed one retaken, and
replicas racing for the same nudge on SQLite and PostgreSQL: one wins."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from syncd.store import StateStore

T0 = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
DAY = date(2026, 12, 4)
WEEK_START = DAY - timedelta(days=6)


def _claim(store: StateStore, day: date = DAY, reason: str = "overdue", item: str = "it1") -> bool:
    return store.claim_nudge(
        "payments",
        item,
        reason,
        day=day,
        not_since=day - timedelta(days=6),
        issue_key="PAY-1",
        at=datetime.combine(day, T0.timetz()),
    )


def test_one_nudge_per_issue_in_a_period_whatever_the_reason(store: StateStore) -> None:
    assert _claim(store)
    store.finish_nudge("payments", "it1", "overdue", day=DAY, outcome="sent", at=T0)

    assert not _claim(store), "the same nudge twice on one day"
    assert not _claim(store, reason="stale"), "a second nudge of the issue for another reason"
    assert not _claim(store, day=DAY + timedelta(days=6))
    assert _claim(store, item="it2"), "another issue is not held back"
    assert _claim(store, day=DAY + timedelta(days=7))

    [first, week_on] = [n for n in store.nudges("payments") if n.item_id == "it1"]
    assert (first.status, first.day, first.issue_key) == ("sent", DAY, "PAY-1")
    assert (week_on.status, week_on.finished_at) == ("claimed", None)


def test_a_failed_nudge_is_retaken_and_a_lost_answer_counts_as_posted(store: StateStore) -> None:
    assert _claim(store)
    store.finish_nudge("payments", "it1", "overdue", day=DAY, outcome="failed", at=T0, error="503")
    assert _claim(store), "a failed nudge must be tried again"

    store.finish_nudge("payments", "it1", "overdue", day=DAY, outcome="unknown", at=T0)
    assert not _claim(store, day=DAY + timedelta(days=1)), "a maybe-posted nudge was doubled"
    [row] = store.nudges("payments")
    assert row.counted and row.status == "unknown"


def test_finishing_refuses_an_unknown_outcome(store: StateStore) -> None:
    assert _claim(store)
    with pytest.raises(ValueError, match="outcome"):
        store.finish_nudge("payments", "it1", "overdue", day=DAY, outcome="posted", at=T0)


def test_replicas_claiming_at_once_post_each_nudge_once(store: StateStore, store_url: str) -> None:
    replicas = [StateStore.open(store_url) for _ in range(6)]
    barrier = threading.Barrier(len(replicas))
    won: list[int] = []
    failures: list[BaseException] = []

    def race(number: int, replica: StateStore) -> None:
        try:
            barrier.wait(timeout=10)
            if _claim(replica):
                won.append(number)
        except BaseException as exc:  # collected and asserted below
            failures.append(exc)

    threads = [threading.Thread(target=race, args=pair) for pair in enumerate(replicas)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        for replica in replicas:
            replica.close()

    assert failures == []
    assert len(won) == 1
    assert len(store.nudges("payments")) == 1
