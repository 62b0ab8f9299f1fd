"""Records of the mirror's state, with every field set, for the state store's tests."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from syncd.store import TrackerLink

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def build_link(item_id: str = "item-1", **changes: Any) -> TrackerLink:
    """A link with every field set; ``changes`` replaces fields."""
    link = TrackerLink(
        item_id=item_id,
        team="payments",
        system="jira",
        key="PAY-123",
        url="https://acme.atlassian.net/browse/PAY-123",
        adopted=False,
        created_at=T0,
        updated_at=T0,
        tracker_done=True,
        resolution="Won't Do",
        won_t_do_explained=False,
        last_reported={"conflicts": ["assignee", "due"], "status_mismatch": None, "n": 2},
    )
    return dataclasses.replace(link, **changes)


def build_base(summary: str = "Add an alert on replication lag above 30s") -> dict[str, Any]:
    """A base as the mirror writes one: the mirrored fields, JSON-able."""
    return {
        "summary": summary,
        "description": "Add an alert on replication lag above 30s.\n\nPostmortem: DB outage",
        "assignee": "5b10a2844c20165700ede21g",
        "due": "2026-04-30",
        "priority": "High",
        "labels": ["postmortem", "sre"],
    }
