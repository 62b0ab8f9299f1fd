"""Builders for the planner's inputs, and an executor stand-in that applies a plan's records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from syncd.mirror import (
    AdoptIssue,
    CreateIssue,
    DesiredIssue,
    IssueFields,
    IssueSnapshot,
    MarkDone,
    MarkReopened,
    MirrorRecord,
    Plan,
    SetBase,
    UpdateIssue,
)

LABELS = frozenset({"postmortem-action"})
UPDATED = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)


def issue_fields(**overrides: object) -> IssueFields:
    values: dict[str, object] = {
        "summary": "Add an alert on replication lag > 30 s",
        "description": "Add an alert on replication lag > 30 s\n\nKept in step by syncd.",
        "assignee": "acc-alice",
        "due": date(2026, 6, 1),
        "priority": "High",
        "labels": LABELS,
    }
    values.update(overrides)
    return IssueFields(**values)  # type: ignore[arg-type]


def desired(item_id: str = "it-1", **overrides: object) -> DesiredIssue:
    values: dict[str, object] = {
        "item_id": item_id,
        "marker": f"syncd-{item_id}",
        "fields": issue_fields(),
        "assignee_known": True,
        "done_in_source": False,
        "referenced_key": None,
        "create_if_missing": True,
    }
    values.update(overrides)
    return DesiredIssue(**values)  # type: ignore[arg-type]


def record(item_id: str = "it-1", key: str = "PAY-1", **overrides: object) -> MirrorRecord:
    values: dict[str, object] = {
        "item_id": item_id,
        "key": key,
        "base": issue_fields(),
        "tracker_done": False,
        "resolution": None,
    }
    values.update(overrides)
    return MirrorRecord(**values)  # type: ignore[arg-type]


def snapshot(
    key: str = "PAY-1", item_id: str | None = "it-1", **overrides: object
) -> IssueSnapshot:
    values: dict[str, object] = {
        "key": key,
        "item_id": item_id,
        "fields": issue_fields(),
        "status_category": "indeterminate",
        "resolution": None,
        "closure_explained": False,
        "updated": UPDATED,
        "url": f"https://acme.example/browse/{key}",
    }
    values.update(overrides)
    return IssueSnapshot(**values)  # type: ignore[arg-type]


def apply_records(
    records: Mapping[str, MirrorRecord],
    plan: Plan,
    *,
    issues: Mapping[str, IssueFields] | None = None,
    new_keys: Mapping[str, str] | None = None,
) -> dict[str, MirrorRecord]:
    """The records after an executor performed ``plan`` with every write succeeding.

    ``issues`` gives an adopted issue's fields as the executor would read them; ``new_keys``
    the keys the tracker gives created issues.
    """
    result = dict(records)
    for op in plan.operations:
        match op:
            case CreateIssue(item_id=item_id, fields=fields):
                key = (new_keys or {}).get(item_id, f"NEW-{item_id}")
                result[item_id] = MirrorRecord(item_id, key, fields, False, None)
            case AdoptIssue(
                item_id=item_id, key=key, add_labels=add, source=source, fill=fill, own=own
            ):
                current = (issues or {})[key]
                filled: dict[str, Any] = fill.as_dict()
                base = replace(current, labels=current.labels | add, **filled)
                result[item_id] = MirrorRecord(
                    item_id,
                    key,
                    base,
                    False,
                    None,
                    source_base=None if source == base else source,
                    adopted=not own,
                )
            case SetBase(item_id=item_id, base=base, source_base=src, conflicts=conflicts):
                result[item_id] = replace(
                    result[item_id], base=base, source_base=src, conflicts=conflicts
                )
            case MarkDone(item_id=item_id, resolution=resolution):
                result[item_id] = replace(result[item_id], tracker_done=True, resolution=resolution)
            case MarkReopened(item_id=item_id):
                result[item_id] = replace(result[item_id], tracker_done=False, resolution=None)
            case UpdateIssue():
                pass  # the new base comes with the item's SetBase
            case _:
                pass  # reports change no record
    return result
