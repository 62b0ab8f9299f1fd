"""Tracker cursors: where incremental reads of a team's tracker stand."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest

from syncd.store import StateStore, TrackerCursor
from tests.store.mirror_records import T0

T1 = T0 + timedelta(minutes=5)


def test_a_cursor_round_trips(store: StateStore) -> None:
    cursor = TrackerCursor(
        "payments", "jira", last_updated_seen=T0, etag='W/"abc"', last_full_scan_at=T0
    )
    store.save_cursor(cursor)

    assert store.cursor("payments", "jira") == cursor
    assert store.cursor("payments", "github") is None
    assert store.cursor("search", "jira") is None


def test_a_cursor_without_optional_fields_round_trips(store: StateStore) -> None:
    cursor = TrackerCursor("payments", "github", last_updated_seen=T0)
    store.save_cursor(cursor)

    stored = store.cursor("payments", "github")

    assert stored == cursor
    assert stored is not None and stored.etag is None and stored.last_full_scan_at is None


def test_cursor_times_come_back_as_the_same_instant_in_utc(store: StateStore) -> None:
    new_york = T0.astimezone(timezone(timedelta(hours=-5)))
    store.save_cursor(TrackerCursor("payments", "jira", new_york, last_full_scan_at=new_york))

    stored = store.cursor("payments", "jira")

    assert stored is not None
    assert stored.last_updated_seen == T0
    assert stored.last_updated_seen.utcoffset() == timedelta(0)
    assert stored.last_full_scan_at is not None
    assert stored.last_full_scan_at.utcoffset() == timedelta(0)


def test_saving_again_replaces_the_cursor(store: StateStore) -> None:
    store.save_cursor(TrackerCursor("payments", "jira", T0, etag="one", last_full_scan_at=T0))
    store.save_cursor(TrackerCursor("payments", "github", T0, etag="other system"))

    store.save_cursor(TrackerCursor("payments", "jira", T1))

    assert store.cursor("payments", "jira") == TrackerCursor("payments", "jira", T1)
    assert store.cursor("payments", "github") == TrackerCursor(
        "payments", "github", T0, etag="other system"
    )


@pytest.mark.parametrize(
    "cursor",
    [
        TrackerCursor("payments", "jira", T0.replace(tzinfo=None)),
        TrackerCursor("payments", "jira", T0, last_full_scan_at=T0.replace(tzinfo=None)),
    ],
)
def test_a_naive_time_is_refused(store: StateStore, cursor: TrackerCursor) -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        store.save_cursor(cursor)
    assert store.cursor("payments", "jira") is None
