"""Read-only mode, for --dry-run: reads work, nothing is written anywhere."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from syncd.model import ActionItem
from syncd.store import (
    DocumentSeen,
    ReadOnlyStateStoreError,
    SchemaStatus,
    StateStore,
    schema_version,
)

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ItemFactory = Callable[..., ActionItem]


def _assert_every_write_is_refused(store: StateStore, item: ActionItem) -> None:
    writes: list[Callable[[], object]] = [
        store.migrate,
        lambda: store.save_items("payments", [item], seen_at=T0),
        lambda: store.save_items("payments", [], seen_at=T0),
        lambda: store.mark_orphaned("payments", [item.id], at=T0),
        lambda: store.record_documents("payments", "pm-repo", {"a.md": DocumentSeen()}, at=T0),
        lambda: store.start_run("payments", at=T0),
        lambda: store.finish_run(1, at=T0, outcome="ok", counts={}),
    ]
    for write in writes:
        with pytest.raises(ReadOnlyStateStoreError, match="read-only"):
            write()


def _assert_reads_as_empty(store: StateStore) -> None:
    assert store.known_items("payments") == []
    assert store.stored_items() == []
    assert store.document_first_seen("payments", "pm-repo") == {}
    assert store.stored_documents() == []
    assert store.last_run("payments") is None


def _directory_fingerprint(directory: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.iterdir())
    }


def test_a_missing_sqlite_file_reads_as_empty_and_is_not_created(
    tmp_path: Path, make_item: ItemFactory
) -> None:
    path = tmp_path / "not-yet" / "state.db"

    with StateStore.open(f"sqlite:///{path}", readonly=True) as store:
        status = store.schema_status()
        _assert_reads_as_empty(store)
        _assert_every_write_is_refused(store, make_item())
        store.ping()

    assert status == SchemaStatus(current=None, head=schema_version.head_revision(), missing=True)
    assert status.needs_migration
    assert not path.exists()
    assert not path.parent.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_store_that_needs_migration_reads_as_empty(
    store_url: str, make_item: ItemFactory
) -> None:
    StateStore.open(store_url).close()  # creates an SQLite file; PostgreSQL: an empty schema

    with StateStore.open(store_url, readonly=True) as store:
        status = store.schema_status()
        _assert_reads_as_empty(store)
        _assert_every_write_is_refused(store, make_item())

    assert status.current is None
    assert status.needs_migration
    assert not status.missing


def test_a_current_store_is_read_and_never_written(
    store: StateStore, store_url: str, make_item: ItemFactory
) -> None:
    store.save_items("payments", [make_item()], seen_at=T0)
    store.record_documents("payments", "pm-repo", {"a.md": DocumentSeen(title="A")}, at=T0)
    run_id = store.start_run("payments", at=T0)

    with StateStore.open(store_url, readonly=True) as readonly:
        assert readonly.readonly
        assert not readonly.schema_status().needs_migration
        assert [item.id for item in readonly.known_items("payments")] == ["item-1"]
        assert readonly.stored_items()[0].to_action_item() == make_item()
        assert readonly.document_first_seen("payments", "pm-repo") == {"a.md": T0}
        last = readonly.last_run("payments")
        assert last is not None and last.id == run_id
        _assert_every_write_is_refused(readonly, make_item("item-2"))

    assert [item.id for item in store.stored_items()] == ["item-1"]
    last = store.last_run("payments")
    assert last is not None and last.finished_at is None


def test_reading_an_sqlite_store_changes_no_file(tmp_path: Path, make_item: ItemFactory) -> None:
    url = f"sqlite:///{tmp_path / 'state.db'}"
    with StateStore.open(url) as store:
        store.migrate()
        store.save_items("payments", [make_item()], seen_at=T0)
    before = _directory_fingerprint(tmp_path)

    with StateStore.open(url, readonly=True) as readonly:
        assert len(readonly.stored_items()) == 1
        assert len(readonly.known_items("payments")) == 1

    # No -wal or -shm beside it, and the database file is byte for byte the same.
    assert _directory_fingerprint(tmp_path) == before
    assert list(before) == ["state.db"]


def test_an_sqlite_store_in_use_by_a_writer_is_read_up_to_date(
    tmp_path: Path, make_item: ItemFactory
) -> None:
    url = f"sqlite:///{tmp_path / 'state.db'}"
    with StateStore.open(url) as writer:
        writer.migrate()
        writer.save_items("payments", [make_item("first")], seen_at=T0)
        writer.ping()  # keeps a pooled connection, so the WAL stays as a running service's would
        writer.save_items("payments", [make_item("second")], seen_at=T0)

        with StateStore.open(url, readonly=True) as readonly:
            assert [item.id for item in readonly.stored_items()] == ["first", "second"]


@pytest.mark.postgres
def test_a_postgres_read_only_session_cannot_write(postgres_url: str) -> None:
    with StateStore.open(postgres_url) as store:
        store.migrate()
    with StateStore.open(postgres_url, readonly=True) as readonly:
        engine = readonly._engine  # the safety net below the interface's own checks
        assert engine is not None
        with engine.connect() as conn:
            assert conn.execute(text("SHOW transaction_read_only")).scalar() == "on"
