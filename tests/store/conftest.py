"""Fixtures for the state store suite: every test runs against SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine

from syncd.model import (
    ActionItem,
    DueDate,
    DueOrigin,
    Flag,
    ItemType,
    Owner,
    Postmortem,
    Priority,
    Status,
    TrackerRef,
)
from syncd.store import StateStore
from syncd.store.database_url import parse_database_url
from syncd.store.engine import build_engine

ItemFactory = Callable[..., ActionItem]


@pytest.fixture
def store(migrated_store_url: str) -> Iterator[StateStore]:
    """A migrated, empty, writable store."""
    with StateStore.open(migrated_store_url) as opened:
        opened.migrate()
        yield opened


@pytest.fixture
def raw_engine(store_url: str) -> Iterator[Engine]:
    """An engine on the same database, for tests that look beneath the interface."""
    engine = build_engine(parse_database_url(store_url), readonly=False)
    try:
        yield engine
    finally:
        engine.dispose()


def build_item(item_id: str = "item-1", **changes: Any) -> ActionItem:
    """An item with every field set; ``changes`` replaces fields (``postmortem__title=...``)."""
    postmortem = Postmortem(
        source="pm-repo",
        document="2026/2026-02-20-db-outage.md",
        title="Primary database outage",
        date=date(2026, 2, 20),
        date_origin="front_matter",
        severity="SEV1",
        incident="INC-4211",
        service="payments-db",
        team="payments",
        url="https://git.example.com/pm/2026-02-20-db-outage.md",
    )
    nested = {key: changes.pop(key) for key in list(changes) if key.startswith("postmortem__")}
    if nested:
        postmortem = dataclasses.replace(
            postmortem, **{key.removeprefix("postmortem__"): value for key, value in nested.items()}
        )
    item = ActionItem(
        id=item_id,
        team="payments",
        postmortem=postmortem,
        title="Add an alert on replication lag above 30s",
        section="Action Items",
        line=42,
        owner=Owner(written="Alice Smith", person="alice", via="alias", unresolved_reason=None),
        due=DueDate(
            date=date(2026, 4, 30),
            origin=DueOrigin.DOCUMENT,
            written="end of April",
            ambiguous=False,
        ),
        priority=Priority.P1,
        type=ItemType.DETECT,
        status=Status.OPEN,
        tracker_ref=TrackerRef(
            system="jira", key="PAY-123", url="https://acme.atlassian.net/browse/PAY-123"
        ),
        flags=frozenset({Flag.DUE_SOON, Flag.STALE}),
        detail="Page the on-call; dashboards are not enough.",
        priority_written="high",
        type_written="Detect",
    )
    return dataclasses.replace(item, **changes)


@pytest.fixture
def make_item() -> ItemFactory:
    return build_item
