"""Items: saved whole, upserted by id, orphaned and brought back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from syncd.model import (
    ActionItem,
    DueDate,
    DueOrigin,
    Flag,
    KnownItem,
    Owner,
    Status,
)
from syncd.store import StateStore, StateStoreError
from tests.store.statement_counter import count_statements

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
T1 = T0 + timedelta(days=1)
T2 = T0 + timedelta(days=2)
T3 = T0 + timedelta(days=3)
ItemFactory = Callable[..., ActionItem]


def _by_id(store: StateStore, team: str | None = None) -> dict[str, Any]:
    return {item.id: item for item in store.stored_items(team)}


def test_an_item_with_every_field_set_round_trips(
    store: StateStore, make_item: ItemFactory
) -> None:
    item = make_item()
    store.save_items("payments", [item], seen_at=T0)

    (stored,) = store.stored_items("payments")

    assert stored.to_action_item() == item
    assert stored.postmortem_date == date(2026, 2, 20)
    assert stored.due == date(2026, 4, 30)
    assert stored.flags == frozenset({Flag.DUE_SOON, Flag.STALE})
    assert (stored.first_seen, stored.last_seen, stored.updated_at) == (T0, T0, T0)
    assert stored.orphaned_at is None


def test_an_item_with_every_optional_field_empty_round_trips(
    store: StateStore, make_item: ItemFactory
) -> None:
    item = make_item(
        "bare",
        postmortem__date=None,
        postmortem__date_origin=None,
        postmortem__severity=None,
        postmortem__incident=None,
        postmortem__service=None,
        postmortem__team=None,
        postmortem__url=None,
        owner=Owner(written=None, person=None, unresolved_reason="no owner written"),
        due=DueDate(date=None, origin=None, written=None, ambiguous=True),
        priority=None,
        type=None,
        status=Status.DONE,
        tracker_ref=None,
        flags=frozenset(),
        detail=None,
        priority_written=None,
        type_written=None,
    )
    store.save_items("payments", [item], seen_at=T0)

    (stored,) = store.stored_items()

    assert stored.to_action_item() == item
    assert stored.tracker_ref is None
    assert stored.ambiguous_date is True
    assert stored.flags == frozenset()


def test_timestamps_come_back_as_the_same_instant_in_utc(
    store: StateStore, make_item: ItemFactory
) -> None:
    berlin_morning = datetime(2026, 3, 1, 10, 30, 15, 123456, tzinfo=timezone(timedelta(hours=1)))
    store.save_items("payments", [make_item()], seen_at=berlin_morning)

    (stored,) = store.stored_items()

    assert stored.first_seen == berlin_morning
    assert stored.first_seen.utcoffset() == timedelta(0)
    assert stored.first_seen.hour == 9
    assert stored.first_seen.microsecond == 123456


def test_a_naive_timestamp_is_refused(store: StateStore, make_item: ItemFactory) -> None:
    with pytest.raises(ValueError, match="naive datetime"):
        store.save_items("payments", [make_item()], seen_at=datetime(2026, 3, 1, 9, 0))
    assert store.stored_items() == []


def test_saving_again_updates_the_item_and_keeps_first_seen(
    store: StateStore, make_item: ItemFactory
) -> None:
    store.save_items("payments", [make_item()], seen_at=T0)
    edited = make_item(
        title="Alert on replication lag above 10s",
        line=44,
        due=DueDate(date=date(2026, 5, 15), origin=DueOrigin.POLICY, written="TBD"),
        flags=frozenset({Flag.UNDATED}),
        status=Status.DONE,
    )
    store.save_items("payments", [edited], seen_at=T1)

    (stored,) = store.stored_items()

    assert stored.to_action_item() == edited
    assert stored.first_seen == T0
    assert stored.last_seen == T1
    assert stored.updated_at == T1


def test_saving_an_unchanged_item_moves_last_seen_but_not_updated_at(
    store: StateStore, make_item: ItemFactory
) -> None:
    store.save_items("payments", [make_item()], seen_at=T0)
    store.save_items("payments", [make_item()], seen_at=T1)

    (stored,) = store.stored_items()

    assert (stored.first_seen, stored.last_seen, stored.updated_at) == (T0, T1, T0)


def test_items_of_many_teams_are_kept_apart(store: StateStore, make_item: ItemFactory) -> None:
    store.save_items("payments", [make_item("p-1"), make_item("p-2")], seen_at=T0)
    store.save_items("search", [make_item("s-1", team="search")], seen_at=T0)

    assert sorted(_by_id(store, "payments")) == ["p-1", "p-2"]
    assert sorted(_by_id(store, "search")) == ["s-1"]
    assert sorted(_by_id(store)) == ["p-1", "p-2", "s-1"]
    assert [known.id for known in store.known_items("search")] == ["s-1"]


def test_an_id_of_another_team_is_not_taken_over(store: StateStore, make_item: ItemFactory) -> None:
    store.save_items("search", [make_item("shared", team="search")], seen_at=T0)

    with pytest.raises(StateStoreError, match="already belong to another team"):
        store.save_items("payments", [make_item("new"), make_item("shared")], seen_at=T1)

    assert sorted(_by_id(store)) == ["shared"]  # the whole save was rolled back
    assert _by_id(store)["shared"].team == "search"


def test_an_item_of_another_team_or_a_repeated_id_is_a_caller_error(
    store: StateStore, make_item: ItemFactory
) -> None:
    with pytest.raises(ValueError, match="belongs to team 'search'"):
        store.save_items("payments", [make_item(team="search")], seen_at=T0)
    with pytest.raises(ValueError, match="appears twice"):
        store.save_items("payments", [make_item("x"), make_item("x")], seen_at=T0)
    with pytest.raises(ValueError, match="longer than 40"):
        store.save_items("payments", [make_item("x" * 41)], seen_at=T0)
    assert store.stored_items() == []


def test_known_items_hold_what_matching_needs(store: StateStore, make_item: ItemFactory) -> None:
    store.save_items(
        "payments",
        [make_item("b", line=9, postmortem__document="b.md"), make_item("a", line=3)],
        seen_at=T0,
    )
    store.mark_orphaned("payments", ["b"], at=T1)

    known = store.known_items("payments")

    assert known == [
        KnownItem(
            id="a",
            source="pm-repo",
            document="2026/2026-02-20-db-outage.md",
            title="Add an alert on replication lag above 30s",
            section="Action Items",
            line=3,
            status=Status.OPEN,
            orphaned_at=None,
            postmortem_title="Primary database outage",
            postmortem_date=date(2026, 2, 20),
        ),
        KnownItem(
            id="b",
            source="pm-repo",
            document="b.md",
            title="Add an alert on replication lag above 30s",
            section="Action Items",
            line=9,
            status=Status.OPEN,
            orphaned_at=T1,
            postmortem_title="Primary database outage",
            postmortem_date=date(2026, 2, 20),
        ),
    ]
    assert [item.to_known_item() for item in store.stored_items()] == known


def test_orphaning_sets_the_date_once_and_only_for_the_team(
    store: StateStore, make_item: ItemFactory
) -> None:
    store.save_items("payments", [make_item("gone"), make_item("kept")], seen_at=T0)
    store.save_items("search", [make_item("other", team="search")], seen_at=T0)

    store.mark_orphaned("payments", ["gone", "other", "never-saved"], at=T1)
    store.mark_orphaned("payments", ["gone"], at=T2)

    items = _by_id(store)
    assert items["gone"].orphaned_at == T1
    assert items["gone"].updated_at == T1
    assert items["kept"].orphaned_at is None
    assert items["other"].orphaned_at is None  # another team's item, even with its id given


def test_an_orphaned_item_seen_again_is_no_longer_orphaned(
    store: StateStore, make_item: ItemFactory
) -> None:
    store.save_items("payments", [make_item()], seen_at=T0)
    store.mark_orphaned("payments", ["item-1"], at=T1)

    store.save_items("payments", [make_item()], seen_at=T2)

    (stored,) = store.stored_items()
    assert stored.orphaned_at is None
    assert stored.first_seen == T0
    assert stored.updated_at == T2
    store.mark_orphaned("payments", ["item-1"], at=T3)
    assert store.stored_items()[0].orphaned_at == T3


def test_empty_saves_and_orphanings_do_nothing(store: StateStore, make_item: ItemFactory) -> None:
    store.save_items("payments", [make_item()], seen_at=T0)
    store.save_items("payments", [], seen_at=T1)
    store.mark_orphaned("payments", [], at=T1)

    (stored,) = store.stored_items()
    assert (stored.last_seen, stored.orphaned_at) == (T0, None)


def test_thousands_of_items_are_saved_in_a_few_statements(
    store: StateStore, make_item: ItemFactory
) -> None:
    items = [
        make_item(f"item-{n:05d}", line=n, postmortem__document=f"pm-{n % 50}.md")
        for n in range(5_000)
    ]

    with count_statements() as first_save:
        store.save_items("payments", items, seen_at=T0)
    with count_statements() as second_save:
        store.save_items("payments", [make_item(i.id, line=i.line + 1) for i in items], seen_at=T1)

    assert 1 <= len(first_save) <= 20, first_save
    assert 1 <= len(second_save) <= 20
    stored = store.stored_items("payments")
    assert len(stored) == 5_000
    assert {item.first_seen for item in stored} == {T0}
    assert {item.updated_at for item in stored} == {T1}
    assert stored[0].line == 1  # "item-00000", moved one line down

    with count_statements() as orphaning:
        store.mark_orphaned("payments", [item.id for item in items], at=T2)
    assert len(orphaning) <= 10
    assert {item.orphaned_at for item in store.stored_items()} == {T2}
