"""Read-only mode (--dry-run) and the mirror's state: read as it is, never written."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from syncd.store import ReadOnlyStateStoreError, StateStore, TrackerCursor
from tests.store.mirror_records import T0, build_base, build_link


def _assert_every_mirror_write_is_refused(store: StateStore) -> None:
    writes: list[Callable[[], object]] = [
        lambda: store.save_links("payments", [build_link()]),
        lambda: store.save_links("payments", []),
        lambda: store.save_bases("payments", {"item-1": build_base()}, at=T0),
        lambda: store.save_bases("payments", {}, at=T0),
        lambda: store.begin_intents("payments", [("item-2", "syncd-item-2")], system="jira", at=T0),
        lambda: store.begin_intents("payments", [], system="jira", at=T0),
        lambda: store.complete_intent("payments", "item-2", build_link("item-2")),
        lambda: store.drop_intent("payments", "item-2"),
        lambda: store.save_cursor(TrackerCursor("payments", "jira", T0)),
    ]
    for write in writes:
        with pytest.raises(ReadOnlyStateStoreError, match="read-only"):
            write()


def _assert_mirror_state_reads_as_empty(store: StateStore) -> None:
    assert store.links("payments") == {}
    assert store.link_for_key("payments", "jira", "PAY-123") is None
    assert store.links_for_key("payments", "jira", "PAY-123") == []
    assert store.bases("payments") == {}
    assert store.open_intents("payments") == []
    assert store.cursor("payments", "jira") is None


def test_a_missing_sqlite_file_reads_as_empty_and_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "not-yet" / "state.db"

    with StateStore.open(f"sqlite:///{path}", readonly=True) as store:
        _assert_mirror_state_reads_as_empty(store)
        _assert_every_mirror_write_is_refused(store)

    assert list(tmp_path.iterdir()) == []


def test_a_store_that_needs_migration_reads_as_empty(store_url: str) -> None:
    StateStore.open(store_url).close()

    with StateStore.open(store_url, readonly=True) as store:
        assert store.schema_status().needs_migration
        _assert_mirror_state_reads_as_empty(store)
        _assert_every_mirror_write_is_refused(store)


def test_a_current_store_is_read_and_never_written(store: StateStore, store_url: str) -> None:
    store.save_links("payments", [build_link()])
    store.save_bases("payments", {"item-1": build_base()}, at=T0)
    store.begin_intents("payments", [("item-2", "syncd-item-2")], system="jira", at=T0)
    store.save_cursor(TrackerCursor("payments", "jira", T0, etag="e"))

    with StateStore.open(store_url, readonly=True) as readonly:
        assert readonly.links("payments") == {"item-1": build_link()}
        assert readonly.link_for_key("payments", "jira", "PAY-123") == build_link()
        assert readonly.bases("payments") == {"item-1": build_base()}
        assert [intent.item_id for intent in readonly.open_intents("payments")] == ["item-2"]
        assert readonly.cursor("payments", "jira") == TrackerCursor("payments", "jira", T0, "e")
        _assert_every_mirror_write_is_refused(readonly)

    # Nothing the refused writes asked for happened.
    assert list(store.links("payments")) == ["item-1"]
    assert [intent.item_id for intent in store.open_intents("payments")] == ["item-2"]


def test_reading_the_mirror_state_of_an_sqlite_store_changes_no_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'state.db'}"
    with StateStore.open(url) as store:
        store.migrate()
        store.save_links("payments", [build_link()])
        store.save_bases("payments", {"item-1": build_base()}, at=T0)
    before = {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in tmp_path.iterdir()
    }

    with StateStore.open(url, readonly=True) as readonly:
        assert len(readonly.links("payments")) == 1
        assert len(readonly.bases("payments")) == 1
        assert readonly.open_intents("payments") == []

    after = {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in tmp_path.iterdir()
    }
    assert after == before
    assert list(before) == ["state.db"]
