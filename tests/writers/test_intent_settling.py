"""After a takeover, another holder's open intents are left alone until they are older than a
lease period plus the tracker timeout, then claimed and resolved (issue 10, point 7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from syncd.execute.intent_settling import IntentSettling, intent_time, intents_to_resolve
from syncd.fencing import Fence
from syncd.store import StateStore

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)
SETTLE = timedelta(seconds=95)  # 60 s lease + 30 s read + 5 s connect


def _stores(store: StateStore) -> tuple[StateStore, StateStore]:
    old = store.take_lease("team:payments", holder="old", at=T0, duration=LEASE)
    assert old is not None
    a = store.fenced(Fence("team:payments", "old", old))
    a.begin_intents("payments", [("young", "m-y")], system="jira", at=T0 + timedelta(seconds=50))
    a.begin_intents("payments", [("ripe", "m-r")], system="jira", at=T0)
    new = store.take_lease("team:payments", holder="new", at=T0 + LEASE, duration=LEASE)
    assert new == old + 1
    b = store.fenced(Fence("team:payments", "new", new))
    b.begin_intents("payments", [("mine", "m-m")], system="jira", at=T0 + LEASE)
    return a, b


def test_only_old_enough_intents_of_others_and_its_own_are_resolved(store: StateStore) -> None:
    _, b = _stores(store)
    settling = IntentSettling("new", SETTLE, lambda: T0 + timedelta(seconds=100))
    chosen = intents_to_resolve("payments", b, b.open_intents("payments"), settling)
    assert sorted(i.item_id for i in chosen) == ["mine", "ripe"]
    # The ripe one now belongs to the new holder, so the old one can no longer complete it.
    owners = {i.item_id: (i.claimed_by, i.epoch) for i in store.open_intents("payments")}
    assert owners["ripe"] == ("new", 2) and owners["young"] == ("old", 1)


def test_later_the_young_one_ripens_too(store: StateStore) -> None:
    _, b = _stores(store)
    settling = IntentSettling("new", SETTLE, lambda: T0 + timedelta(seconds=146))
    chosen = intents_to_resolve("payments", b, b.open_intents("payments"), settling)
    assert sorted(i.item_id for i in chosen) == ["mine", "ripe", "young"]


def test_without_fencing_every_open_intent_is_resolved_at_once(store: StateStore) -> None:
    _stores(store)
    chosen = intents_to_resolve("payments", store, store.open_intents("payments"), None)
    assert sorted(i.item_id for i in chosen) == ["mine", "ripe", "young"]


def test_a_fenced_writer_records_its_intents_at_the_real_time() -> None:
    real = T0 + timedelta(hours=3)
    assert intent_time(IntentSettling("x", SETTLE, lambda: real), T0) == real
    assert intent_time(None, T0) == T0
