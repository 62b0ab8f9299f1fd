"""Writes in one transaction: a cycle's bookkeeping is recorded whole or not at all."""

from __future__ import annotations

import pytest

from syncd.store import StateStore, TrackerCursor
from tests.store.conftest import build_item
from tests.store.mirror_records import T0, build_base, build_link


def test_writes_together_commit_when_the_block_ends(store: StateStore) -> None:
    with store.together("record a test") as tx:
        tx.save_items("payments", [build_item("item-1")], seen_at=T0)
        run_id = tx.start_run("payments", at=T0)
        tx.finish_run(run_id, at=T0, outcome="ok", counts={"items": 1})
        assert [i.id for i in tx.stored_items("payments")] == ["item-1"]
    assert [i.id for i in store.stored_items("payments")] == ["item-1"]
    last = store.last_run("payments")
    assert last is not None and last.outcome == "ok"


def test_writes_together_are_all_undone_when_one_fails(store: StateStore) -> None:
    with pytest.raises(ValueError, match="sync run outcome"), store.together("record") as tx:
        tx.save_items("payments", [build_item("item-1")], seen_at=T0)
        run_id = tx.start_run("payments", at=T0)
        tx.finish_run(run_id, at=T0, outcome="not-an-outcome", counts={})
    assert store.stored_items("payments") == []
    assert store.last_run("payments") is None


def test_a_cycle_s_mirror_state_is_recorded_in_one_write(store: StateStore) -> None:
    link = build_link("item-1", team="payments")
    cursor = TrackerCursor(
        team="payments", system="jira", last_updated_seen=T0, etag=None, last_full_scan_at=T0
    )
    store.record_mirror_state(
        "payments", links=[link], bases={"item-1": build_base()}, cursor=cursor, at=T0
    )
    assert store.links("payments") == {"item-1": link}
    assert store.bases("payments")["item-1"] == build_base()
    assert store.cursor("payments", "jira") == cursor


def test_a_mirror_state_with_a_link_of_another_team_saves_nothing(store: StateStore) -> None:
    with pytest.raises(ValueError, match="belongs to team"):
        store.record_mirror_state(
            "payments",
            links=[build_link("item-1", team="search")],
            bases={"item-2": build_base()},
            cursor=None,
            at=T0,
        )
    assert store.bases("payments") == {}
