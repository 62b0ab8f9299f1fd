"""Schema migrations: explicit, repeatable, reversible, and in step with the code's tables."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from syncd.model import ActionItem
from syncd.store import (
    SchemaNotCurrentError,
    SchemaStatus,
    SchemaTooNewError,
    StateStore,
    StateStoreError,
    schema_version,
)
from syncd.store.tables import metadata

STORE_TABLES = {
    "items",
    "documents",
    "sync_runs",
    "tracker_links",
    "sync_bases",
    "intents",
    "tracker_cursors",
}
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ItemFactory = Callable[..., ActionItem]


def _schema_snapshot(engine: Engine) -> dict[str, Any]:
    """Tables, columns (name, nullability), indexes and check constraints (name, the words
    of their condition), as the database reports them."""
    with engine.connect() as conn:
        inspector = inspect(conn)
        snapshot: dict[str, Any] = {}
        for table in sorted(inspector.get_table_names()):
            columns = [(c["name"], c["nullable"]) for c in inspector.get_columns(table)]
            indexes = sorted(
                (i["name"] or "", tuple(i["column_names"])) for i in inspector.get_indexes(table)
            )
            checks = sorted(
                (c["name"] or "", tuple(sorted(re.findall(r"'(\w+)'", c["sqltext"]))))
                for c in inspector.get_check_constraints(table)
            )
            snapshot[table] = (columns, indexes, checks)
        return snapshot


def test_a_new_store_reports_it_needs_migration(store_url: str) -> None:
    with StateStore.open(store_url) as store:
        status = store.schema_status()
    assert status == SchemaStatus(current=None, head=schema_version.head_revision())
    assert status.needs_migration
    assert not status.missing


def test_migrate_from_empty_creates_the_tables_and_reaches_head(
    store_url: str, raw_engine: Engine
) -> None:
    with StateStore.open(store_url) as store:
        store.migrate()
        status = store.schema_status()
    assert status.current == schema_version.head_revision()
    assert not status.needs_migration
    assert STORE_TABLES | {schema_version.VERSION_TABLE} <= set(_schema_snapshot(raw_engine))


def test_migrate_is_idempotent_and_keeps_data(
    store_url: str, raw_engine: Engine, make_item: ItemFactory
) -> None:
    with StateStore.open(store_url) as store:
        store.migrate()
        store.save_items("payments", [make_item()], seen_at=T0)
        before = _schema_snapshot(raw_engine)
        store.migrate()
        assert _schema_snapshot(raw_engine) == before
    with StateStore.open(store_url) as reopened:
        assert not reopened.schema_status().needs_migration
        reopened.migrate()
        assert [item.id for item in reopened.stored_items()] == ["item-1"]


def test_the_tables_module_matches_the_migrated_schema(
    store: StateStore, raw_engine: Engine
) -> None:
    # tables.py describes the head schema for the code; the migrations create it. No drift.
    with raw_engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "version_table": schema_version.VERSION_TABLE}
        )
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_every_migration_downgrades_and_upgrades_again(store_url: str, raw_engine: Engine) -> None:
    revisions = list(reversed(list(schema_version.script_directory().walk_revisions())))
    assert revisions, "no migrations found"
    for script in revisions:
        down = script.down_revision
        assert down is None or isinstance(down, str), "merge migrations are not expected"
        with raw_engine.begin() as conn:
            schema_version.upgrade(conn, script.revision)
        upgraded = _schema_snapshot(raw_engine)
        with raw_engine.begin() as conn:
            schema_version.downgrade(conn, down or "base")
            assert schema_version.current_revision(conn) == down
        downgraded = _schema_snapshot(raw_engine)
        assert downgraded != upgraded, f"downgrade of {script.revision} changed nothing"
        with raw_engine.begin() as conn:
            schema_version.upgrade(conn, script.revision)
            assert schema_version.current_revision(conn) == script.revision
        assert _schema_snapshot(raw_engine) == upgraded, f"{script.revision} did not round-trip"
    with StateStore.open(store_url) as store:
        assert not store.schema_status().needs_migration


def test_downgrading_the_first_migration_leaves_no_store_tables(
    store: StateStore, raw_engine: Engine
) -> None:
    with raw_engine.begin() as conn:
        schema_version.downgrade(conn, "base")
    assert not STORE_TABLES & set(_schema_snapshot(raw_engine))


def test_a_store_migrated_by_a_newer_syncd_is_refused(
    store: StateStore, store_url: str, raw_engine: Engine
) -> None:
    with raw_engine.begin() as conn:
        conn.execute(
            text(f"UPDATE {schema_version.VERSION_TABLE} SET version_num = :rev"),
            {"rev": "9999_from_the_future"},
        )
    for readonly in (False, True):
        with pytest.raises(SchemaTooNewError) as refused:
            StateStore.open(store_url, readonly=readonly)
        message = str(refused.value)
        assert "9999_from_the_future" in message
        assert "newer syncd" in message


def test_an_unmigrated_writable_store_refuses_reads_and_writes(
    store_url: str, make_item: ItemFactory
) -> None:
    with StateStore.open(store_url) as store:
        with pytest.raises(SchemaNotCurrentError, match="migrate it first"):
            store.save_items("payments", [make_item()], seen_at=T0)
        with pytest.raises(SchemaNotCurrentError):
            store.known_items("payments")
        with pytest.raises(SchemaNotCurrentError):
            store.start_run("payments", at=T0)


def test_replicas_migrating_at_the_same_time_take_turns(store_url: str) -> None:
    stores = [StateStore.open(store_url) for _ in range(3)]
    barrier = threading.Barrier(len(stores))
    failures: list[BaseException] = []

    def migrate(store: StateStore) -> None:
        barrier.wait()
        try:
            store.migrate()
        except BaseException as exc:  # collected and asserted below
            failures.append(exc)

    threads = [threading.Thread(target=migrate, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert failures == []
        assert all(not store.schema_status().needs_migration for store in stores)
    finally:
        for store in stores:
            store.close()


def test_a_closed_store_refuses_further_use(store: StateStore) -> None:
    store.close()
    with pytest.raises(StateStoreError, match="closed"):
        store.known_items("payments")


def test_the_head_revision_syncd_opens_with_is_the_newest_migration_script() -> None:
    """A store at the head opens without Alembic, by ``HEAD_REVISION``: a new migration must
    move it, or every store would be migrated again at each start, and a new one refused."""
    assert schema_version.scripts_head_revision() == schema_version.HEAD_REVISION


def test_a_current_store_opens_and_migrates_without_importing_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'state.db'}"
    with StateStore.open(url) as store:
        store.migrate()
    probe = (
        "import sys\n"
        "from syncd.store import StateStore\n"
        f"with StateStore.open({url!r}) as store:\n"
        "    store.migrate()\n"
        "    assert store.schema_status().current == store.schema_status().head\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
