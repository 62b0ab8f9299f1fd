"""Tracker links: which issue each item is mirrored to, saved whole and upserted by item id."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest

from syncd.store import StateStore, StateStoreError, TrackerLink
from tests.store.mirror_records import T0, build_link

T1 = T0 + timedelta(days=1)
T2 = T0 + timedelta(days=2)


def test_a_link_with_every_field_set_round_trips(store: StateStore) -> None:
    link = build_link()
    store.save_links("payments", [link])

    assert store.links("payments") == {"item-1": link}
    assert store.links("search") == {}


def test_a_link_with_every_optional_field_empty_round_trips(store: StateStore) -> None:
    link = build_link(
        system="github",
        key="acme/pay#45",
        url=None,
        adopted=True,
        tracker_done=False,
        resolution=None,
        won_t_do_explained=None,
        last_reported=None,
    )
    store.save_links("payments", [link])

    (stored,) = store.links("payments").values()
    assert stored == link
    assert stored.won_t_do_explained is None
    assert stored.last_reported is None


def test_link_times_come_back_as_the_same_instant_in_utc(store: StateStore) -> None:
    tokyo = T0.astimezone(timezone(timedelta(hours=9)))
    store.save_links("payments", [build_link(created_at=tokyo, updated_at=tokyo)])

    stored = store.links("payments")["item-1"]

    assert stored.created_at == T0
    assert stored.created_at.utcoffset() == timedelta(0)
    assert stored.updated_at.tzinfo is not None


def test_saving_again_rewrites_the_link_and_keeps_created_at(store: StateStore) -> None:
    store.save_links("payments", [build_link()])
    moved = build_link(
        key="OPS-9",  # the issue was moved to another project
        url="https://acme.atlassian.net/browse/OPS-9",
        created_at=T2,
        updated_at=T2,
        tracker_done=False,
        resolution=None,
        won_t_do_explained=None,
        last_reported={"conflicts": []},
    )
    store.save_links("payments", [moved])

    stored = store.links("payments")["item-1"]
    assert stored.created_at == T0
    assert stored == build_link(
        key="OPS-9",
        url="https://acme.atlassian.net/browse/OPS-9",
        updated_at=T2,
        tracker_done=False,
        resolution=None,
        won_t_do_explained=None,
        last_reported={"conflicts": []},
    )


def test_last_reported_is_stored_as_json(store: StateStore) -> None:
    reported = {"z": (1, 2), "a": {"nested": [None, True, 1.5, "text"]}}
    store.save_links("payments", [build_link(last_reported=reported)])

    stored = store.links("payments")["item-1"].last_reported

    assert stored == {"a": {"nested": [None, True, 1.5, "text"]}, "z": [1, 2]}


def test_several_items_may_link_one_issue_and_link_for_key_prefers_the_created_one(
    store: StateStore,
) -> None:
    store.save_links(
        "payments",
        [
            build_link("named-it-first", adopted=True, created_at=T0),
            build_link("created-it", adopted=False, created_at=T1),
            build_link("named-it-later", adopted=True, created_at=T2),
            build_link("other-issue", key="PAY-7"),
        ],
    )
    store.save_links("search", [build_link("other-team", team="search")])

    every = store.links_for_key("payments", "jira", "PAY-123")
    assert [link.item_id for link in every] == ["created-it", "named-it-first", "named-it-later"]
    chosen = store.link_for_key("payments", "jira", "PAY-123")
    assert chosen is not None and chosen.item_id == "created-it"
    assert store.link_for_key("payments", "github", "PAY-123") is None
    assert store.link_for_key("payments", "jira", "PAY-999") is None
    other = store.link_for_key("search", "jira", "PAY-123")
    assert other is not None and other.item_id == "other-team"


def test_link_for_key_without_a_created_link_gives_the_oldest(store: StateStore) -> None:
    store.save_links(
        "payments",
        [
            build_link("b", adopted=True, created_at=T1),
            build_link("a", adopted=True, created_at=T2),
        ],
    )

    chosen = store.link_for_key("payments", "jira", "PAY-123")

    assert chosen is not None and chosen.item_id == "b"


def test_a_link_of_another_team_is_not_taken_over(store: StateStore) -> None:
    store.save_links("search", [build_link("shared", team="search")])

    with pytest.raises(StateStoreError, match="already belong to another team"):
        store.save_links("payments", [build_link("new"), build_link("shared")])

    assert store.links("payments") == {}  # the whole save was rolled back
    assert store.links("search")["shared"].team == "search"


@pytest.mark.parametrize(
    ("link", "message"),
    [
        (build_link(team="search"), "belongs to team 'search'"),
        (build_link("x" * 41), "longer than 40"),
        (build_link(""), "empty item id"),
        (build_link(last_reported={"when": T0}), "cannot be stored as JSON"),
        (build_link(last_reported={"ratio": float("nan")}), "cannot be stored as JSON"),
        (build_link(created_at=T0.replace(tzinfo=None)), "naive datetime"),
    ],
)
def test_a_bad_link_is_a_caller_error_and_nothing_is_saved(
    store: StateStore, link: TrackerLink, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        store.save_links("payments", [build_link("fine"), link])
    assert store.links("payments") == {}


def test_a_repeated_item_id_in_one_save_is_refused(store: StateStore) -> None:
    with pytest.raises(ValueError, match="appears twice"):
        store.save_links("payments", [build_link(), build_link(key="PAY-2")])
    assert store.links("payments") == {}


def test_saving_no_links_does_nothing(store: StateStore) -> None:
    store.save_links("payments", [build_link()])
    store.save_links("payments", [])
    assert list(store.links("payments")) == ["item-1"]


def test_forgetting_a_link_removes_it_and_its_base_and_only_for_that_issue(
    store: StateStore,
) -> None:
    store.save_links("payments", [build_link()])
    store.save_bases("payments", {"item-1": {"base": {"summary": "x"}}}, at=T1)
    key = store.links("payments")["item-1"].key

    assert not store.forget_link("payments", "item-1", "PAY-999")  # linked elsewhere now
    assert not store.forget_link("search", "item-1", key)  # another team's item
    assert "item-1" in store.links("payments") and "item-1" in store.bases("payments")

    assert store.forget_link("payments", "item-1", key)
    assert store.links("payments") == {} and store.bases("payments") == {}
    assert not store.forget_link("payments", "item-1", key)
