"""Migration 0002 (mirror state): an upgrade keeps what 0001 held, and it round-trips."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, inspect

from syncd.model import ActionItem
from syncd.store import StateStore, TrackerCursor, schema_version
from syncd.store.rows import item_row
from syncd.store.tables import items
from tests.store.mirror_records import T0, build_base, build_link

ItemFactory = Callable[..., ActionItem]

MIRROR_TABLES = {"tracker_links", "sync_bases", "intents", "tracker_cursors"}


def _tables(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def _revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return schema_version.current_revision(conn)


def test_upgrading_a_0001_store_keeps_its_items_and_adds_the_mirror_tables(
    store_url: str, raw_engine: Engine, make_item: ItemFactory
) -> None:
    with raw_engine.begin() as conn:
        schema_version.upgrade(conn, "0001")
        row = item_row(make_item(), seen_at=T0)
        del row["co_owners"]  # a column of 0006
        conn.execute(insert(items), [row])
    assert not MIRROR_TABLES & _tables(raw_engine)

    with StateStore.open(store_url) as store:
        assert store.schema_status().current == "0001"
        store.migrate()
        assert store.schema_status().current == schema_version.head_revision()
        (kept,) = store.stored_items()
        assert kept.to_action_item() == make_item()
        assert (kept.first_seen, kept.updated_at) == (T0, T0)
        # The new tables are there, empty, and in use at once.
        assert store.links("payments") == {}
        store.save_links("payments", [build_link()])
        assert store.links("payments") == {"item-1": build_link()}

    assert _tables(raw_engine) >= MIRROR_TABLES


def test_downgrading_0002_drops_only_the_mirror_tables_and_upgrading_again_works(
    store: StateStore, store_url: str, raw_engine: Engine, make_item: ItemFactory
) -> None:
    store.save_items("payments", [make_item()], seen_at=T0)
    store.save_links("payments", [build_link()])
    store.save_bases("payments", {"item-1": build_base()}, at=T0)
    store.begin_intents("payments", [("item-2", "syncd-item-2")], system="jira", at=T0)
    store.save_cursor(TrackerCursor("payments", "jira", last_updated_seen=T0))

    with raw_engine.begin() as conn:
        schema_version.downgrade(conn, "0001")
    assert _revision(raw_engine) == "0001"
    assert not MIRROR_TABLES & _tables(raw_engine)
    assert {"items", "documents", "sync_runs"} <= _tables(raw_engine)

    with StateStore.open(store_url) as reopened:
        assert reopened.schema_status().needs_migration
        reopened.migrate()
        assert [item.id for item in reopened.stored_items()] == ["item-1"]
        # The mirror's state went with its tables; the store starts it afresh.
        assert reopened.links("payments") == {}
        assert reopened.bases("payments") == {}
        assert reopened.open_intents("payments") == []
        assert reopened.cursor("payments", "jira") is None
        later = datetime(2026, 3, 2, tzinfo=UTC)
        reopened.save_cursor(TrackerCursor("payments", "jira", last_updated_seen=later))
        assert reopened.cursor("payments", "jira") == TrackerCursor(
            "payments", "jira", last_updated_seen=later
        )
    assert _revision(raw_engine) == schema_version.head_revision()


def test_the_mirror_tables_have_their_named_indexes(store: StateStore, raw_engine: Engine) -> None:
    with raw_engine.connect() as conn:
        inspector = inspect(conn)
        indexes = {
            table: {
                (index["name"], tuple(index["column_names"]))
                for index in inspector.get_indexes(table)
            }
            for table in MIRROR_TABLES
        }
        primary_keys = {
            table: tuple(inspector.get_pk_constraint(table)["constrained_columns"])
            for table in MIRROR_TABLES
        }
    assert indexes == {
        "tracker_links": {("ix_tracker_links_team_system_key", ("team", "system", "key"))},
        "sync_bases": {("ix_sync_bases_team", ("team",))},
        "intents": {("ix_intents_team_started_at", ("team", "started_at"))},
        "tracker_cursors": set(),
    }
    assert primary_keys == {
        "tracker_links": ("item_id",),
        "sync_bases": ("item_id",),
        "intents": ("item_id",),
        "tracker_cursors": ("team", "system"),
    }
