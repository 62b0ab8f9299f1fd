"""Documents (first seen, last read) and sync runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from syncd.store import DocumentSeen, RunOutcome, RunRecord, StateStore, StateStoreError

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
T1 = T0 + timedelta(hours=1)
T2 = T0 + timedelta(hours=2)
T3 = T0 + timedelta(hours=3)


def test_documents_keep_their_first_seen_time(store: StateStore) -> None:
    store.record_documents(
        "payments", "pm-repo", {"a.md": DocumentSeen(title="A", content_hash="h1")}, at=T0
    )
    store.record_documents(
        "payments",
        "pm-repo",
        {
            "a.md": DocumentSeen(title="A, edited", content_hash="h2"),
            "b.md": DocumentSeen(title="B", postmortem_date=date(2026, 2, 1)),
        },
        at=T1,
    )

    assert store.document_first_seen("payments", "pm-repo") == {"a.md": T0, "b.md": T1}
    first, second = store.stored_documents("payments")
    assert (first.document, first.title, first.content_hash) == ("a.md", "A, edited", "h2")
    assert (first.first_seen, first.last_seen) == (T0, T1)
    assert (second.document, second.postmortem_date, second.first_seen) == (
        "b.md",
        date(2026, 2, 1),
        T1,
    )


def test_documents_are_kept_per_team_and_source(store: StateStore) -> None:
    store.record_documents("payments", "pm-repo", {"a.md": DocumentSeen(title="A")}, at=T0)
    store.record_documents("payments", "wiki", {"a.md": DocumentSeen(title="wiki A")}, at=T1)
    store.record_documents("search", "pm-repo", {"a.md": DocumentSeen(title="search A")}, at=T2)

    assert store.document_first_seen("payments", "pm-repo") == {"a.md": T0}
    assert store.document_first_seen("payments", "wiki") == {"a.md": T1}
    assert store.document_first_seen("search", "pm-repo") == {"a.md": T2}
    assert store.document_first_seen("search", "wiki") == {}
    assert len(store.stored_documents()) == 3
    assert [doc.title for doc in store.stored_documents("search")] == ["search A"]


def test_a_failed_read_keeps_what_an_earlier_read_learned(store: StateStore) -> None:
    good = DocumentSeen(title="DB outage", postmortem_date=date(2026, 2, 20), content_hash="h1")
    store.record_documents("payments", "pm-repo", {"a.md": good}, at=T0)

    store.record_documents(
        "payments", "pm-repo", {"a.md": DocumentSeen(last_error="file is not UTF-8")}, at=T1
    )
    (failed,) = store.stored_documents()
    assert failed.last_error == "file is not UTF-8"
    assert (failed.title, failed.postmortem_date, failed.content_hash) == (
        "DB outage",
        date(2026, 2, 20),
        "h1",
    )
    assert (failed.first_seen, failed.last_seen) == (T0, T1)

    store.record_documents("payments", "pm-repo", {"a.md": DocumentSeen(title="Fixed")}, at=T2)
    (recovered,) = store.stored_documents()
    assert recovered.last_error is None
    # A good read states the document as it now is: its date and hash are gone from it.
    assert (recovered.title, recovered.postmortem_date, recovered.content_hash) == (
        "Fixed",
        None,
        None,
    )


def test_a_document_first_seen_failing_is_recorded_too(store: StateStore) -> None:
    store.record_documents(
        "payments", "pm-repo", {"bad.md": DocumentSeen(last_error="binary")}, at=T0
    )

    assert store.document_first_seen("payments", "pm-repo") == {"bad.md": T0}
    assert store.stored_documents()[0].title is None


def test_a_run_is_recorded_from_start_to_finish(store: StateStore) -> None:
    run_id = store.start_run("payments", at=T0)

    running = store.last_run("payments")
    assert running == RunRecord(
        id=run_id,
        team="payments",
        started_at=T0,
        finished_at=None,
        outcome=None,
        counts={},
        error=None,
    )

    store.finish_run(
        run_id,
        at=T1,
        outcome="partial",
        counts={"created": 3, "updated": 1},
        error="1 document failed",
    )

    assert store.last_run("payments") == RunRecord(
        id=run_id,
        team="payments",
        started_at=T0,
        finished_at=T1,
        outcome=RunOutcome.PARTIAL,
        counts={"created": 3, "updated": 1},
        error="1 document failed",
    )


def test_the_last_run_is_the_latest_started_of_the_team(store: StateStore) -> None:
    first = store.start_run("payments", at=T0)
    store.finish_run(first, at=T1, outcome=RunOutcome.OK, counts={})
    other_team = store.start_run("search", at=T3)
    second = store.start_run("payments", at=T2)

    assert len({first, second, other_team}) == 3
    last = store.last_run("payments")
    assert last is not None
    assert (last.id, last.started_at, last.outcome) == (second, T2, None)
    last_search = store.last_run("search")
    assert last_search is not None and last_search.id == other_team
    assert store.last_run("nobody") is None


def test_finishing_a_run_checks_its_arguments(store: StateStore) -> None:
    run_id = store.start_run("payments", at=T0)

    with pytest.raises(ValueError, match="not one of ok, partial, failed"):
        store.finish_run(run_id, at=T1, outcome="fine", counts={})
    with pytest.raises(StateStoreError, match="no sync run with id"):
        store.finish_run(run_id + 1000, at=T1, outcome="ok", counts={})
    last = store.last_run("payments")
    assert last is not None and last.finished_at is None
