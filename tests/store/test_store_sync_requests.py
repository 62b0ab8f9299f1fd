"""Sync requests: recorded once per delivery and team by any writer, bounded, settled by the
sync that covers them, pruned. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from syncd.store import StateStore
from syncd.webhooks.debounce import ACCEPTED, COALESCED, DROPPED, QueueLimits, admission

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LIMITS = QueueLimits(per_team=3, total=4)


def _request(store: StateStore, delivery: str, team: str, at: datetime = T0) -> str:
    return store.request_sync(
        delivery, team, endpoint="github", at=at, admit=lambda t, a: admission(t, a, LIMITS)
    )


def test_a_delivery_is_recorded_once_per_team_and_its_repeat_is_a_duplicate(
    store: StateStore,
) -> None:
    assert _request(store, "d-1", "payments") == ACCEPTED
    assert _request(store, "d-1", "payments", T0 + timedelta(seconds=5)) == "duplicate"
    assert _request(store, "d-1", "search") == ACCEPTED  # one push, two teams
    assert _request(store, "d-2", "payments", T0 + timedelta(seconds=1)) == COALESCED
    pending = {p.team: p for p in store.pending_sync_requests()}
    assert pending["payments"].requests == 2 and pending["payments"].first_received == T0
    assert pending["search"].requests == 1


def test_the_queue_is_bounded_per_team_and_in_total(store: StateStore) -> None:
    outcomes = [_request(store, f"d-{i}", "payments") for i in range(5)]
    assert outcomes == [ACCEPTED, COALESCED, COALESCED, DROPPED, DROPPED]
    assert _request(store, "s-1", "search") == ACCEPTED
    assert _request(store, "c-1", "checkout") == DROPPED  # four pending in all
    assert sum(p.requests for p in store.pending_sync_requests()) == 4
    # A dropped delivery was not recorded: sent again later, it is taken in.
    store.settle_sync_requests("payments", received_by=T0, at=T0)
    assert _request(store, "d-4", "payments") == ACCEPTED


def test_a_sync_settles_the_requests_received_before_it_started_and_no_later_ones(
    store: StateStore,
) -> None:
    for second in range(3):
        _request(store, f"d-{second}", "payments", T0 + timedelta(seconds=second))
    started = T0 + timedelta(seconds=1)
    received = store.settle_sync_requests("payments", received_by=started, at=T0 + timedelta(9))
    assert sorted(received) == [T0, started]
    [left] = store.pending_sync_requests()
    assert left.first_received == T0 + timedelta(seconds=2) and left.requests == 1
    assert store.settle_sync_requests("payments", received_by=started, at=T0) == []
    # Settled deliveries are remembered: a redelivery is still a duplicate.
    assert _request(store, "d-0", "payments", T0 + timedelta(minutes=5)) == "duplicate"


def test_old_requests_are_pruned_and_recent_ones_kept(store: StateStore) -> None:
    _request(store, "old-done", "payments", T0)
    store.settle_sync_requests("payments", received_by=T0, at=T0)
    _request(store, "old-pending", "gone", T0)
    _request(store, "recent", "search", T0 + timedelta(days=2))
    pruned = store.prune_sync_requests(
        done_before=T0 + timedelta(days=1), received_before=T0 + timedelta(days=1)
    )
    assert pruned == 2
    assert [p.team for p in store.pending_sync_requests()] == ["search"]
    assert _request(store, "old-done", "payments", T0 + timedelta(days=2)) == ACCEPTED


def test_naive_times_and_empty_keys_are_refused(store: StateStore) -> None:
    with pytest.raises(ValueError, match="naive"):
        _request(store, "d", "payments", datetime(2026, 3, 1))
    with pytest.raises(ValueError, match="delivery id"):
        _request(store, "", "payments")


def test_one_delivery_posted_to_two_replicas_at_once_is_recorded_once(
    store: StateStore, migrated_store_url: str
) -> None:
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def replica() -> None:
        with StateStore.open(migrated_store_url) as own:
            barrier.wait(timeout=30)
            outcomes.append(_request(own, "same-delivery", "payments"))

    threads = [threading.Thread(target=replica) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == [ACCEPTED] + ["duplicate"] * 3
    assert [p.requests for p in store.pending_sync_requests()] == [1]
