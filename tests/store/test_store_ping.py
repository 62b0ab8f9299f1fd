"""The readiness ping: it fails when the store cannot do work, not merely when it cannot connect."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from syncd.store import StateStore, StateStoreError


def _store(tmp_path: Path) -> StateStore:
    store = StateStore.open(f"sqlite:///{tmp_path / 'state.db'}")
    store.migrate()
    store.ping()  # healthy to start with
    return store


def test_a_deleted_sqlite_file_fails_the_ping(tmp_path: Path) -> None:
    store = _store(tmp_path)
    try:
        (tmp_path / "state.db").unlink()
        with pytest.raises(StateStoreError, match="deleted or replaced while syncd ran"):
            store.ping()
    finally:
        store.close()


def test_a_replaced_sqlite_file_fails_the_ping(tmp_path: Path) -> None:
    store = _store(tmp_path)
    try:
        (tmp_path / "state.db").rename(tmp_path / "old.db")
        sqlite3.connect(tmp_path / "state.db").close()  # an empty file in its place
        with pytest.raises(StateStoreError, match="deleted or replaced"):
            store.ping()
    finally:
        store.close()


def test_an_exclusively_locked_sqlite_file_fails_the_ping_quickly(tmp_path: Path) -> None:
    store = _store(tmp_path)
    holder = sqlite3.connect(tmp_path / "state.db", isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
        started = time.monotonic()
        with pytest.raises(StateStoreError, match="locked"):
            store.ping()
        assert time.monotonic() - started < 5  # not the 10 s busy timeout of a cycle
    finally:
        holder.close()
        store.close()


@pytest.mark.postgres
def test_a_postgres_store_pings(postgres_url: str) -> None:
    with StateStore.open(postgres_url) as store:
        store.migrate()
        store.ping()
