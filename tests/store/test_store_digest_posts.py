"""Digest posts: one per team, schedule slot and channel, whoever tries and however often.

claim (before posting) → mark posted (never again) or mark failed (a later claim retries);
a claim whose replica died is retaken once its lease has run out.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from syncd.store import (
    DigestPost,
    DigestPostStatus,
    ReadOnlyStateStoreError,
    StateStore,
    StateStoreError,
    schema_version,
)
from syncd.store import digest_posts as digest_state

SLOT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NEXT_SLOT = SLOT + timedelta(days=7)
T0 = SLOT + timedelta(seconds=3)
LEASE = timedelta(minutes=10)
CHANNEL = "slack:0"
DEADLINE_S = 10.0


def _claim(
    store: StateStore,
    *,
    replica: str = "replica-1",
    at: datetime = T0,
    slot: datetime = SLOT,
    channel: str = CHANNEL,
    team: str = "payments",
) -> bool:
    return store.claim_digest_post(team, slot, channel, replica=replica, at=at, lease=LEASE)


def test_the_first_claim_wins_and_records_who_and_until_when(store: StateStore) -> None:
    assert _claim(store) is True
    assert _claim(store, replica="replica-2", at=T0 + timedelta(minutes=1)) is False

    assert store.digest_posts("payments") == [
        DigestPost(
            team="payments",
            slot=SLOT,
            channel=CHANNEL,
            status=DigestPostStatus.CLAIMED,
            claimed_by="replica-1",
            claimed_at=T0,
            lease_until=T0 + LEASE,
            posted_at=None,
            attempts=1,
            last_error=None,
        )
    ]
    assert store.digest_posts("search") == []


def test_slots_channels_and_teams_are_claimed_independently(store: StateStore) -> None:
    assert _claim(store)
    assert _claim(store, channel="teams:1")
    assert _claim(store, slot=NEXT_SLOT)
    assert _claim(store, team="search")

    keys = [(post.slot, post.channel) for post in store.digest_posts("payments")]
    assert keys == [(SLOT, CHANNEL), (SLOT, "teams:1"), (NEXT_SLOT, CHANNEL)]
    assert [post.team for post in store.digest_posts("search")] == ["search"]


def test_a_posted_digest_is_never_claimed_again(store: StateStore) -> None:
    assert _claim(store)
    posted_at = T0 + timedelta(seconds=2)
    assert store.mark_digest_posted("payments", SLOT, CHANNEL, at=posted_at) is True

    # Not by a rerun, a restart, another replica, nor long after any lease.
    for replica, at in [("replica-1", T0), ("replica-2", T0 + LEASE * 100)]:
        assert _claim(store, replica=replica, at=at) is False
    # A late failure report (say, from a replica whose lease ran out) does not undo the post.
    assert store.mark_digest_failed("payments", SLOT, CHANNEL, at=posted_at, error="x") is False
    assert store.mark_digest_posted("payments", SLOT, CHANNEL, at=posted_at + LEASE) is False

    (post,) = store.digest_posts("payments")
    assert (post.status, post.posted_at, post.attempts, post.last_error) == (
        DigestPostStatus.POSTED,
        posted_at,
        1,
        None,
    )
    assert post.lease_until == posted_at


def test_a_failed_post_is_retried_by_the_next_claim(store: StateStore) -> None:
    assert _claim(store)
    failed_at = T0 + timedelta(seconds=5)
    error = "Slack answered 404 channel_not_found: the webhook was removed"
    assert store.mark_digest_failed("payments", SLOT, CHANNEL, at=failed_at, error=error)

    (failed,) = store.digest_posts("payments")
    assert (failed.status, failed.last_error, failed.lease_until) == (
        DigestPostStatus.FAILED,
        error,
        failed_at,
    )

    later = T0 + timedelta(minutes=1)
    assert _claim(store, replica="replica-2", at=later) is True
    assert _claim(store, replica="replica-3", at=later) is False
    (retried,) = store.digest_posts("payments")
    assert (retried.status, retried.claimed_by, retried.claimed_at, retried.attempts) == (
        DigestPostStatus.CLAIMED,
        "replica-2",
        later,
        2,
    )
    assert retried.last_error == error  # kept until a post succeeds

    assert store.mark_digest_posted("payments", SLOT, CHANNEL, at=later)
    (posted,) = store.digest_posts("payments")
    assert (posted.status, posted.last_error, posted.attempts) == (
        DigestPostStatus.POSTED,
        None,
        2,
    )


def test_a_claim_is_retaken_only_after_its_lease_runs_out(store: StateStore) -> None:
    assert _claim(store, replica="replica-1")
    # replica-1 dies here, having claimed but neither posted nor failed.

    just_before = T0 + LEASE - timedelta(seconds=1)
    assert _claim(store, replica="replica-2", at=just_before) is False
    assert _claim(store, replica="replica-2", at=T0 + LEASE) is True
    (post,) = store.digest_posts("payments")
    assert (post.claimed_by, post.lease_until, post.attempts) == (
        "replica-2",
        T0 + 2 * LEASE,
        2,
    )


def test_last_posted_slot_is_the_newest_posted_one_per_channel(store: StateStore) -> None:
    assert store.last_posted_slot("payments", CHANNEL) is None
    for slot in (SLOT, NEXT_SLOT):
        assert _claim(store, slot=slot)
        store.mark_digest_posted("payments", slot, CHANNEL, at=slot)
    third = NEXT_SLOT + timedelta(days=7)
    assert _claim(store, slot=third)  # claimed, not posted
    assert _claim(store, slot=third + timedelta(days=7))
    store.mark_digest_failed("payments", third + timedelta(days=7), CHANNEL, at=T0, error="e")

    assert store.last_posted_slot("payments", CHANNEL) == NEXT_SLOT
    assert store.last_posted_slot("payments", "teams:1") is None
    assert store.last_posted_slot("search", CHANNEL) is None


def test_slots_are_compared_as_instants_whatever_their_zone(store: StateStore) -> None:
    paris = timezone(timedelta(hours=1))
    same_instant = SLOT.astimezone(paris)

    assert _claim(store)
    assert _claim(store, slot=same_instant, replica="replica-2") is False
    store.mark_digest_posted("payments", same_instant, CHANNEL, at=T0)

    (post,) = store.digest_posts("payments")
    assert post.slot == SLOT and post.slot.tzinfo == UTC
    assert store.last_posted_slot("payments", CHANNEL) == SLOT


def test_what_is_given_is_checked(store: StateStore) -> None:
    with pytest.raises(ValueError, match="naive"):
        _claim(store, slot=SLOT.replace(tzinfo=None))
    with pytest.raises(ValueError, match="naive"):
        _claim(store, at=T0.replace(tzinfo=None))
    with pytest.raises(ValueError, match="whole second"):
        _claim(store, slot=SLOT + timedelta(microseconds=5))
    with pytest.raises(ValueError, match="empty channel"):
        _claim(store, channel="")
    with pytest.raises(ValueError, match="empty replica"):
        _claim(store, replica="")
    with pytest.raises(ValueError, match="lease must be positive"):
        store.claim_digest_post("payments", SLOT, CHANNEL, replica="r", at=T0, lease=timedelta(0))
    with pytest.raises(StateStoreError, match="never claimed"):
        store.mark_digest_posted("payments", SLOT, CHANNEL, at=T0)
    with pytest.raises(StateStoreError, match="never claimed"):
        store.mark_digest_failed("payments", SLOT, CHANNEL, at=T0, error="e")
    assert store.digest_posts("payments") == []


def test_a_long_error_is_kept_short(store: StateStore) -> None:
    assert _claim(store)
    store.mark_digest_failed("payments", SLOT, CHANNEL, at=T0, error="x" * 10_000)
    (post,) = store.digest_posts("payments")
    assert post.last_error == "x" * 2_000


def test_replicas_claiming_at_once_post_each_digest_exactly_once(
    store: StateStore, store_url: str
) -> None:
    # Several replicas, each with its own connections, race for the same slots and channels;
    # on PostgreSQL this is a real race between sessions.
    keys = [(SLOT + timedelta(days=7 * week), f"slack:{n}") for week in range(3) for n in range(2)]
    replicas = [StateStore.open(store_url) for _ in range(6)]
    barrier = threading.Barrier(len(replicas))
    won: dict[int, list[tuple[datetime, str]]] = {number: [] for number in range(len(replicas))}
    failures: list[BaseException] = []

    def race(number: int, replica: StateStore) -> None:
        try:
            barrier.wait(timeout=10)
            for slot, channel in keys:
                if replica.claim_digest_post(
                    "payments", slot, channel, replica=f"replica-{number}", at=T0, lease=LEASE
                ):
                    won[number].append((slot, channel))
        except BaseException as exc:  # collected and asserted below
            failures.append(exc)

    threads = [
        threading.Thread(target=race, args=(number, replica))
        for number, replica in enumerate(replicas)
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        for replica in replicas:
            replica.close()

    assert failures == []
    all_won = [key for each in won.values() for key in each]
    assert sorted(all_won) == sorted(keys)  # every digest claimed, none twice
    claimed_by = {
        (post.slot, post.channel): post.claimed_by for post in store.digest_posts("payments")
    }
    for number, each in won.items():
        assert all(claimed_by[key] == f"replica-{number}" for key in each)
    assert all(post.attempts == 1 for post in store.digest_posts("payments"))


def test_replicas_retaking_a_failed_post_at_once_retry_it_exactly_once(
    store: StateStore, store_url: str
) -> None:
    assert _claim(store)
    store.mark_digest_failed("payments", SLOT, CHANNEL, at=T0, error="HTTP 503")
    replicas = [StateStore.open(store_url) for _ in range(6)]
    barrier = threading.Barrier(len(replicas))
    results: list[bool] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def race(number: int, replica: StateStore) -> None:
        try:
            barrier.wait(timeout=10)
            claimed = _claim(replica, replica=f"replica-{number}", at=T0 + timedelta(minutes=1))
            with lock:
                results.append(claimed)
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
    assert sorted(results) == [False] * 5 + [True]
    (post,) = store.digest_posts("payments")
    assert (post.status, post.attempts) == (DigestPostStatus.CLAIMED, 2)


def test_a_read_only_store_reads_digest_posts_and_refuses_to_write(
    store: StateStore, store_url: str
) -> None:
    assert _claim(store)
    store.mark_digest_posted("payments", SLOT, CHANNEL, at=T0)

    with StateStore.open(store_url, readonly=True) as readonly:
        assert [post.status for post in readonly.digest_posts("payments")] == [
            DigestPostStatus.POSTED
        ]
        assert readonly.last_posted_slot("payments", CHANNEL) == SLOT
        writes: list[Callable[[], object]] = [
            lambda: _claim(readonly, slot=NEXT_SLOT),
            lambda: readonly.mark_digest_posted("payments", SLOT, CHANNEL, at=T0),
            lambda: readonly.mark_digest_failed("payments", SLOT, CHANNEL, at=T0, error="e"),
        ]
        for write in writes:
            with pytest.raises(ReadOnlyStateStoreError, match="read-only"):
                write()
    assert len(store.digest_posts("payments")) == 1


def test_a_missing_store_opened_read_only_has_no_digest_posts(tmp_path: Path) -> None:
    path = tmp_path / "absent.db"
    with StateStore.open(f"sqlite:///{path}", readonly=True) as readonly:
        assert readonly.digest_posts("payments") == []
        assert readonly.last_posted_slot("payments", CHANNEL) is None
        with pytest.raises(ReadOnlyStateStoreError):
            _claim(readonly)
    assert not path.exists()


# -- migration 0003 --------------------------------------------------------------------------


def _tables(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def test_migration_0003_round_trips(store_url: str, raw_engine: Engine) -> None:
    with raw_engine.begin() as conn:
        schema_version.upgrade(conn, "0002")
    assert "digest_posts" not in _tables(raw_engine)

    with StateStore.open(store_url) as store:
        assert store.schema_status().current == "0002"
        store.migrate()
        assert store.schema_status().current == schema_version.head_revision()
        assert _claim(store)
        store.mark_digest_posted("payments", SLOT, CHANNEL, at=T0)

    with raw_engine.begin() as conn:
        schema_version.downgrade(conn, "0002")
    tables = _tables(raw_engine)
    assert "digest_posts" not in tables
    assert {"items", "tracker_links", "intents"} <= tables

    with StateStore.open(store_url) as reopened:
        assert reopened.schema_status().needs_migration
        reopened.migrate()
        assert reopened.schema_status().current == schema_version.head_revision()
        # The posts went with their table; the store starts them afresh.
        assert reopened.digest_posts("payments") == []
        assert _claim(reopened)

    with raw_engine.connect() as conn:
        inspector = inspect(conn)
        primary_key = inspector.get_pk_constraint("digest_posts")
        checks = {check["name"] for check in inspector.get_check_constraints("digest_posts")}
    assert primary_key["name"] == "pk_digest_posts"
    assert primary_key["constrained_columns"] == ["team", "slot", "channel"]
    assert "ck_digest_posts_status" in checks


def test_a_claim_made_while_another_is_being_committed_waits_and_loses(
    store: StateStore, store_url: str, backend: str, raw_engine: Engine
) -> None:
    # Replica 1's claim is written but not yet committed when replica 2 claims the same post:
    # replica 2 must wait for it, then see it, not slip in beside it.
    first = raw_engine.connect()
    transaction = first.begin()
    assert digest_state.claim(
        first,
        "payments",
        digest_state.slot_key(SLOT),
        CHANNEL,
        replica="replica-1",
        at=T0,
        lease_until=T0 + LEASE,
    )

    result: list[bool] = []
    started = threading.Event()

    def second_replica() -> None:
        with StateStore.open(store_url) as replica:
            started.set()
            result.append(_claim(replica, replica="replica-2"))

    thread = threading.Thread(target=second_replica)
    thread.start()
    try:
        _wait_until_blocked(raw_engine, backend, started)
    finally:
        transaction.commit()
        first.close()
        thread.join(timeout=30)

    assert result == [False]
    (post,) = store.digest_posts("payments")
    assert (post.claimed_by, post.attempts) == ("replica-1", 1)


def _wait_until_blocked(engine: Engine, backend: str, started: threading.Event) -> None:
    """On PostgreSQL, poll (with a deadline) until another session waits for a lock."""
    assert started.wait(DEADLINE_S)
    if backend != "postgres":
        return  # SQLite's writer waits on the file lock; nothing to observe
    deadline = time.monotonic() + DEADLINE_S
    with engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
            conn.rollback()
            if waiting:
                return
            started.wait(0.01)
    raise AssertionError("the second replica never waited for the first one's claim")
