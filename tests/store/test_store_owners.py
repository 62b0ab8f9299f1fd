"""Migration 0006: an item's co-owners, and who holds its issue in the tracker now."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from syncd.model import CoOwner, Owner
from syncd.store import StateStore, schema_version
from tests.store.conftest import ItemFactory
from tests.store.mirror_records import T0, build_link


def _columns(engine: Engine, table: str) -> set[str]:
    with engine.connect() as conn:
        return {c["name"] for c in inspect(conn).get_columns(table)}


def test_co_owners_round_trip_in_order(store: StateStore, make_item: ItemFactory) -> None:
    owner = Owner(
        written="Alice Smith, zed & @carol",
        person="alice",
        via="alias",
        co_owners=(CoOwner("zed", None), CoOwner("@carol", "carol")),
    )
    store.save_items("payments", [make_item(owner=owner)], seen_at=T0)
    (stored,) = store.stored_items("payments")
    assert stored.to_action_item().owner == owner


def test_a_change_of_co_owners_is_a_change_of_the_item(
    store: StateStore, make_item: ItemFactory
) -> None:
    store.save_items("payments", [make_item()], seen_at=T0)
    later = T0.replace(hour=10)
    owner = Owner(written="Alice Smith, bob", person="alice", co_owners=(CoOwner("bob", "bob"),))
    store.save_items("payments", [make_item(owner=owner)], seen_at=later)
    (stored,) = store.stored_items("payments")
    assert stored.co_owners == (CoOwner("bob", "bob"),)
    assert stored.updated_at == later


def test_the_trackers_assignee_round_trips(store: StateStore) -> None:
    store.save_links(
        "payments", [build_link(assignee="5b10ac8d82e05b22cc7d4ef6", assignee_name="Bob Jones")]
    )
    (link,) = store.links("payments").values()
    assert (link.assignee, link.assignee_name) == ("5b10ac8d82e05b22cc7d4ef6", "Bob Jones")
    store.save_links("payments", [build_link(assignee=None, assignee_name=None)])
    (link,) = store.links("payments").values()
    assert (link.assignee, link.assignee_name) == (None, None)


def test_upgrading_a_0005_store_keeps_items_and_links(
    store_url: str, raw_engine: Engine, make_item: ItemFactory
) -> None:
    with StateStore.open(store_url) as store:
        store.migrate()
        store.save_items("payments", [make_item()], seen_at=T0)
        store.save_links("payments", [build_link()])
    with raw_engine.begin() as conn:
        schema_version.downgrade(conn, "0005")
    assert "co_owners" not in _columns(raw_engine, "items")
    assert not {"assignee", "assignee_name"} & _columns(raw_engine, "tracker_links")
    with StateStore.open(store_url) as store:
        assert store.schema_status().needs_migration
        store.migrate()
        (stored,) = store.stored_items("payments")
        assert stored.co_owners == ()  # filled in by the next sync
        assert stored.to_action_item() == make_item()
        (link,) = store.links("payments").values()
        assert link.key == "PAY-123" and (link.assignee, link.assignee_name) == (None, None)
