"""Intents: the exactly-once protocol around creating an issue.

begin (before the create request) → complete (the key is known: link saved, intent closed, in
one transaction) or, after a crash, found open and resolved by a marker search.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, delete, event, insert, text

from syncd.store import Intent, StateStore, StateStoreError
from syncd.store.mirror_rows import link_row
from syncd.store.tables import intents, tracker_links
from tests.store.mirror_records import T0, build_link

T1 = T0 + timedelta(minutes=1)
LOCK_WAIT_DEADLINE_S = 10.0


def _pairs(*ids: str) -> list[tuple[str, str]]:
    return [(item_id, f"syncd-{item_id}") for item_id in ids]


def test_begun_intents_are_open_until_completed(store: StateStore) -> None:
    not_claimed = store.begin_intents(
        "payments", _pairs("b", "a"), system="jira", at=T0, replica="replica-1"
    )

    assert not_claimed == frozenset()
    assert store.open_intents("payments") == [
        Intent("a", "payments", "syncd-a", "jira", T0, "replica-1"),
        Intent("b", "payments", "syncd-b", "jira", T0, "replica-1"),
    ]
    assert store.open_intents("search") == []

    store.complete_intent("payments", "a", build_link("a", key="PAY-1"))

    assert [intent.item_id for intent in store.open_intents("payments")] == ["b"]
    assert store.links("payments")["a"] == build_link("a", key="PAY-1")


def test_an_intent_left_by_a_crash_is_found_on_restart(store_url: str) -> None:
    with StateStore.open(store_url) as before_crash:
        before_crash.migrate()
        before_crash.begin_intents("payments", _pairs("a"), system="jira", at=T0)
        # ... the create request is sent, and the process dies before the key is recorded.

    with StateStore.open(store_url) as after_restart:
        (found,) = after_restart.open_intents("payments")
        assert (found.item_id, found.marker, found.started_at) == ("a", "syncd-a", T0)
        assert found.claimed_by is None
        assert after_restart.links("payments") == {}
        # Until it is resolved, nothing may be created for the item again.
        not_claimed = after_restart.begin_intents("payments", _pairs("a"), system="jira", at=T1)
        assert not_claimed == {"a"}


def test_an_open_intent_is_never_taken_over(store: StateStore) -> None:
    store.begin_intents("payments", _pairs("a"), system="jira", at=T0, replica="replica-1")

    not_claimed = store.begin_intents(
        "payments", _pairs("a", "b"), system="jira", at=T1, replica="replica-2"
    )

    assert not_claimed == {"a"}
    assert {(i.item_id, i.claimed_by, i.started_at) for i in store.open_intents("payments")} == {
        ("a", "replica-1", T0),
        ("b", "replica-2", T1),
    }


def test_a_linked_item_is_not_claimed(store: StateStore) -> None:
    store.save_links("payments", [build_link("linked")])

    not_claimed = store.begin_intents("payments", _pairs("linked", "new"), system="jira", at=T0)

    assert not_claimed == {"linked"}
    assert [intent.item_id for intent in store.open_intents("payments")] == ["new"]


def test_an_intent_of_another_team_is_not_claimed(store: StateStore) -> None:
    store.begin_intents("search", _pairs("shared"), system="jira", at=T0)

    assert store.begin_intents("payments", _pairs("shared"), system="jira", at=T1) == {"shared"}
    assert store.open_intents("payments") == []
    assert [intent.team for intent in store.open_intents("search")] == ["search"]
    assert not store.drop_intent("payments", "shared")  # nor dropped by another team
    assert len(store.open_intents("search")) == 1


def test_dropping_an_intent_lets_the_item_be_claimed_again(store: StateStore) -> None:
    store.begin_intents("payments", _pairs("a"), system="jira", at=T0)

    assert store.drop_intent("payments", "a") is True
    assert store.drop_intent("payments", "a") is False
    assert store.open_intents("payments") == []
    assert store.links("payments") == {}
    assert store.begin_intents("payments", _pairs("a"), system="jira", at=T1) == frozenset()


def test_a_batch_of_fifty_is_recorded_in_one_transaction(store: StateStore) -> None:
    ids = [f"item-{n:02d}" for n in range(50)]

    assert store.begin_intents("payments", _pairs(*ids), system="jira", at=T0) == frozenset()
    assert [intent.item_id for intent in store.open_intents("payments")] == ids

    # A bad pair anywhere in a batch records none of it.
    with pytest.raises(ValueError, match="empty marker"):
        store.begin_intents(
            "payments", [("late-1", "syncd-late-1"), ("late-2", "")], system="jira", at=T1
        )
    with pytest.raises(ValueError, match="appears twice"):
        store.begin_intents("payments", _pairs("late-1", "late-1"), system="jira", at=T1)
    assert len(store.open_intents("payments")) == 50


@contextmanager
def _failing(statement_prefix: str) -> Iterator[None]:
    """Make the next statement starting with ``statement_prefix`` fail, as a crash would."""

    def fail(
        _conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
    ) -> None:
        if statement.lstrip().upper().startswith(statement_prefix):
            raise RuntimeError("simulated crash")

    event.listen(Engine, "before_cursor_execute", fail)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", fail)


@pytest.mark.parametrize("failing", ["DELETE FROM INTENTS", "INSERT INTO TRACKER_LINKS"])
def test_completing_is_atomic(store: StateStore, failing: str) -> None:
    store.begin_intents("payments", _pairs("a"), system="jira", at=T0)

    with _failing(failing), pytest.raises(RuntimeError, match="simulated crash"):
        store.complete_intent("payments", "a", build_link("a"))

    # Neither the link nor the intent's closing happened: the intent is still open, to be
    # resolved by a marker search, and completing again works.
    assert store.links("payments") == {}
    assert [intent.item_id for intent in store.open_intents("payments")] == ["a"]
    store.complete_intent("payments", "a", build_link("a"))
    assert store.open_intents("payments") == []
    assert list(store.links("payments")) == ["a"]


def test_completing_checks_what_it_is_given(store: StateStore) -> None:
    store.begin_intents("payments", _pairs("a"), system="jira", at=T0)
    store.save_links("search", [build_link("theirs", team="search")])

    with pytest.raises(ValueError, match="is for item b"):
        store.complete_intent("payments", "a", build_link("b"))
    with pytest.raises(ValueError, match="belongs to team 'search'"):
        store.complete_intent("payments", "a", build_link("a", team="search"))
    with pytest.raises(StateStoreError, match="another team"):
        store.complete_intent("payments", "theirs", build_link("theirs"))

    assert [intent.item_id for intent in store.open_intents("payments")] == ["a"]
    assert store.links("payments") == {}


def test_completing_without_an_open_intent_still_saves_the_link(store: StateStore) -> None:
    # An intent resolved by a marker search that found the issue, after another replica
    # already closed it: saving the same link again is harmless.
    store.complete_intent("payments", "a", build_link("a"))
    store.complete_intent("payments", "a", build_link("a"))

    assert list(store.links("payments")) == ["a"]
    assert store.open_intents("payments") == []


def test_replicas_beginning_the_same_items_at_once_claim_each_exactly_once(
    store: StateStore, store_url: str
) -> None:
    ids = [f"item-{n:02d}" for n in range(40)]
    replicas = [StateStore.open(store_url) for _ in range(4)]
    barrier = threading.Barrier(len(replicas))
    not_claimed: dict[int, frozenset[str]] = {}
    failures: list[BaseException] = []

    def begin(number: int, replica: StateStore) -> None:
        barrier.wait()
        try:
            not_claimed[number] = replica.begin_intents(
                "payments", _pairs(*ids), system="jira", at=T0, replica=f"replica-{number}"
            )
        except BaseException as exc:  # collected and asserted below
            failures.append(exc)

    threads = [
        threading.Thread(target=begin, args=(number, replica))
        for number, replica in enumerate(replicas)
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        for replica in replicas:
            replica.close()

    assert failures == []
    claimed = [set(ids) - not_claimed[number] for number in range(len(replicas))]
    assert sum(len(each) for each in claimed) == len(ids)  # no item claimed twice
    assert set().union(*claimed) == set(ids)
    owners = {intent.item_id: intent.claimed_by for intent in store.open_intents("payments")}
    for number, each in enumerate(claimed):
        assert all(owners[item_id] == f"replica-{number}" for item_id in each)


def _wait_until_blocked_on_a_lock(engine: Engine, backend: str, started: threading.Event) -> None:
    """On PostgreSQL, wait (with a deadline) until another session waits for our row lock."""
    assert started.wait(LOCK_WAIT_DEADLINE_S)
    if backend != "postgres":
        return  # SQLite's writer waits on the file lock; nothing to observe
    deadline = threading.Event()
    timer = threading.Timer(LOCK_WAIT_DEADLINE_S, deadline.set)
    timer.start()
    try:
        with engine.connect() as conn:
            while not deadline.is_set():
                waiting = conn.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                ).scalar_one()
                conn.rollback()
                if waiting:
                    return
                deadline.wait(0.01)
        raise AssertionError("the second replica never waited for the first one's lock")
    finally:
        timer.cancel()


def test_an_intent_begun_while_another_replica_completes_it_is_not_claimed(
    store: StateStore, store_url: str, backend: str, raw_engine: Engine
) -> None:
    # Replica 1 created the issue and is committing complete_intent (link in, intent out)
    # when replica 2, whose view is stale, asks to create the same item.
    store.begin_intents("payments", _pairs("a"), system="jira", at=T0, replica="replica-1")
    completing = raw_engine.connect()
    transaction = completing.begin()
    completing.execute(insert(tracker_links), [link_row(build_link("a"))])
    completing.execute(delete(intents).where(intents.c.item_id == "a"))

    result: list[frozenset[str]] = []
    started = threading.Event()

    def second_replica() -> None:
        with StateStore.open(store_url) as replica:
            started.set()
            result.append(
                replica.begin_intents(
                    "payments", _pairs("a"), system="jira", at=T1, replica="replica-2"
                )
            )

    thread = threading.Thread(target=second_replica)
    thread.start()
    try:
        _wait_until_blocked_on_a_lock(raw_engine, backend, started)
    finally:
        transaction.commit()
        completing.close()
        thread.join()

    assert result == [{"a"}]
    assert store.open_intents("payments") == []
    assert list(store.links("payments")) == ["a"]
