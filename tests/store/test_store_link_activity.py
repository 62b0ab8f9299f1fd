"""Migration 0004: the last activity on an item's issue by anyone but syncd."""

from __future__ import annotations

from datetime import timedelta, timezone

from sqlalchemy import Engine, inspect

from syncd.store import StateStore, schema_version
from tests.store.mirror_records import T0, build_link


def _link_columns(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return {c["name"] for c in inspect(conn).get_columns("tracker_links")}


def test_last_activity_round_trips_in_utc(store: StateStore) -> None:
    berlin = timezone(timedelta(hours=1))
    store.save_links(
        "payments", [build_link(last_activity=(T0 + timedelta(hours=2)).astimezone(berlin))]
    )
    (link,) = store.links("payments").values()
    assert link.last_activity == T0 + timedelta(hours=2)
    assert link.last_activity is not None and link.last_activity.utcoffset() == timedelta(0)
    store.save_links("payments", [build_link(last_activity=None)])
    assert store.links("payments")["item-1"].last_activity is None


def test_upgrading_a_0003_store_keeps_its_links(store_url: str, raw_engine: Engine) -> None:
    with raw_engine.begin() as conn:
        schema_version.upgrade(conn, "0003")
    assert "last_activity" not in _link_columns(raw_engine)
    with raw_engine.begin() as conn:
        schema_version.downgrade(conn, "0002")
        schema_version.upgrade(conn, "0003")
    with StateStore.open(store_url) as store:
        store.migrate()
        assert store.schema_status().current == schema_version.head_revision()
        store.save_links("payments", [build_link()])
    with raw_engine.begin() as conn:
        schema_version.downgrade(conn, "0003")
    assert "last_activity" not in _link_columns(raw_engine)
    with StateStore.open(store_url) as store:
        store.migrate()
        (link,) = store.links("payments").values()
        assert link.key == "PAY-123" and link.last_activity is None
