"""Fixtures for the writers' tests: a migrated store, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from syncd.store import StateStore


@pytest.fixture
def store(migrated_store_url: str) -> Iterator[StateStore]:
    with StateStore.open(migrated_store_url) as opened:
        opened.migrate()
        yield opened
