"""Leases: atomic acquire, renew, expire and release, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from syncd.store import StateStore

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


def test_a_free_lease_is_taken_and_a_held_one_is_refused(store: StateStore) -> None:
    assert store.acquire_lease("team:payments", holder="a", at=T0, duration=LEASE)
    assert not store.acquire_lease(
        "team:payments", holder="b", at=T0 + timedelta(seconds=29), duration=LEASE
    )
    [lease] = store.leases()
    assert (lease.name, lease.holder, lease.expires_at) == ("team:payments", "a", T0 + LEASE)
    assert lease.held_by("a", T0) and not lease.held_by("b", T0)


def test_renewing_extends_the_expiry_and_keeps_the_acquired_time(store: StateStore) -> None:
    assert store.acquire_lease("team:payments", holder="a", at=T0, duration=LEASE)
    later = T0 + timedelta(seconds=20)
    assert store.acquire_lease("team:payments", holder="a", at=later, duration=LEASE)
    [lease] = store.leases()
    assert lease.acquired_at == T0 and lease.expires_at == later + LEASE
    # Renewed: another replica still cannot take it where the first expiry would have passed.
    assert not store.acquire_lease(
        "team:payments", holder="b", at=T0 + timedelta(seconds=31), duration=LEASE
    )


def test_an_expired_lease_is_taken_over(store: StateStore) -> None:
    assert store.acquire_lease("team:payments", holder="a", at=T0, duration=LEASE)
    takeover = T0 + LEASE
    assert store.acquire_lease("team:payments", holder="b", at=takeover, duration=LEASE)
    [lease] = store.leases()
    assert (lease.holder, lease.acquired_at, lease.expires_at) == ("b", takeover, takeover + LEASE)
    # The old holder, back from a pause, finds it gone and cannot renew it.
    assert not store.acquire_lease(
        "team:payments", holder="a", at=takeover + timedelta(seconds=1), duration=LEASE
    )


def test_release_frees_the_lease_only_for_its_holder(store: StateStore) -> None:
    assert store.acquire_lease("team:payments", holder="a", at=T0, duration=LEASE)
    assert not store.release_lease("team:payments", holder="b")
    assert store.release_lease("team:payments", holder="a")
    assert store.leases() == []
    assert store.acquire_lease("team:payments", holder="b", at=T0, duration=LEASE)


def test_leases_are_independent_by_name(store: StateStore) -> None:
    assert store.acquire_lease("team:payments", holder="a", at=T0, duration=LEASE)
    assert store.acquire_lease("team:search", holder="b", at=T0, duration=LEASE)
    assert [(x.name, x.holder) for x in store.leases()] == [
        ("team:payments", "a"),
        ("team:search", "b"),
    ]


@pytest.mark.parametrize("duration", [timedelta(0), timedelta(seconds=-1)])
def test_a_lease_must_last_a_positive_time(store: StateStore, duration: timedelta) -> None:
    with pytest.raises(ValueError, match="positive"):
        store.acquire_lease("team:payments", holder="a", at=T0, duration=duration)


def test_naive_times_are_refused(store: StateStore) -> None:
    with pytest.raises(ValueError, match="naive"):
        store.acquire_lease("team:x", holder="a", at=datetime(2026, 1, 1), duration=LEASE)


@pytest.mark.parametrize("expired", [False, True], ids=["free", "expired"])
def test_of_many_concurrent_replicas_exactly_one_wins(
    store_url: str, store: StateStore, expired: bool
) -> None:
    """Separate stores (own connection pools) race for one lease; one wins each round."""
    if expired:
        assert store.acquire_lease("team:payments", holder="old", at=T0, duration=LEASE)
    at = T0 + LEASE if expired else T0
    replicas = [StateStore.open(store_url) for _ in range(6)]
    barrier = threading.Barrier(len(replicas))
    won: list[str] = []
    errors: list[BaseException] = []

    def race(index: int, replica: StateStore) -> None:
        try:
            barrier.wait(timeout=10)
            if replica.acquire_lease("team:payments", holder=f"r{index}", at=at, duration=LEASE):
                won.append(f"r{index}")
        except BaseException as exc:  # reported below; a thread's exception is otherwise lost
            errors.append(exc)

    threads = [threading.Thread(target=race, args=(i, r)) for i, r in enumerate(replicas)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        for replica in replicas:
            replica.close()
    assert errors == []
    assert len(won) == 1
    [lease] = store.leases()
    assert lease.holder == won[0]
