"""The plan of what a cycle changes in the state store, and nothing else. Pure.

Each operation says what happens to one item's record: ``track`` a new item, ``update`` the
fields that changed in its document, ``orphan`` an item gone from its document, ``restore`` an
orphaned item that came back. The same plan is printed by ``--dry-run`` and applied by a sync.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from syncd.model import ActionItem
from syncd.reconcile.team_items import TeamItems


class OpKind(StrEnum):
    TRACK = "track"
    UPDATE = "update"
    ORPHAN = "orphan"
    RESTORE = "restore"


@dataclass(frozen=True, slots=True)
class StoreOperation:
    """A change to the state store's record of an item; the tracker's side has its own
    operations (``syncd.mirror.operations``)."""

    kind: OpKind
    item: str  # item id
    title: str
    changes: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)  # field → (old, new)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"op": self.kind.value, "item": self.item, "title": self.title}
        if self.changes:
            out["changes"] = {
                name: {"from": _jsonable(old), "to": _jsonable(new)}
                for name, (old, new) in self.changes.items()
            }
        return out


@dataclass(frozen=True, slots=True)
class RecordPlanCounts:
    """How many operations of each kind a state-store plan holds."""

    tracked: int = 0
    changed: int = 0
    orphaned: int = 0
    restored: int = 0


def count_plan(plan: Sequence[StoreOperation]) -> RecordPlanCounts:
    """The one count of a plan, read by the run record, ``--json`` and the console alike."""
    by_kind = dict.fromkeys(OpKind, 0)
    for op in plan:
        by_kind[op.kind] += 1
    return RecordPlanCounts(
        tracked=by_kind[OpKind.TRACK],
        changed=by_kind[OpKind.UPDATE],
        orphaned=by_kind[OpKind.ORPHAN],
        restored=by_kind[OpKind.RESTORE],
    )


@dataclass(frozen=True, slots=True)
class RecordedItem:
    """The fields of an item as the store last recorded them; what a change is measured against."""

    id: str
    fields: Mapping[str, Any]
    orphaned: bool


def recorded_fields(item: ActionItem) -> dict[str, Any]:
    """The fields whose change is worth an ``update`` (a moved line is not)."""
    return {
        "title": item.title,
        "section": item.section,
        "owner": item.owner.written,
        "assignee": item.owner.person,
        "co_owners": tuple(c.written for c in item.owner.co_owners),
        "due": item.due.date,
        "due_origin": item.due.origin.value if item.due.origin else None,
        "priority": item.priority.value if item.priority else None,
        "type": item.type.value if item.type else None,
        "status": item.status.value,
        "tracker_ref": item.tracker_ref.key if item.tracker_ref else None,
        "flags": tuple(sorted(f.value for f in item.flags)),
    }


def plan_record_changes(
    reading: TeamItems, recorded: Sequence[RecordedItem]
) -> tuple[StoreOperation, ...]:
    by_id = {r.id: r for r in recorded}
    ops: list[StoreOperation] = []
    for item in reading.items:
        before = by_id.get(item.id)
        if before is None:
            ops.append(StoreOperation(OpKind.TRACK, item.id, item.title))
            continue
        now = recorded_fields(item)
        changes = {
            name: (before.fields.get(name), value)
            for name, value in now.items()
            if before.fields.get(name) != value
        }
        if before.orphaned:
            ops.append(StoreOperation(OpKind.RESTORE, item.id, item.title, changes))
        elif changes:
            ops.append(StoreOperation(OpKind.UPDATE, item.id, item.title, changes))
    for gone in reading.orphaned:
        previous = by_id.get(gone.id)
        if previous is not None and not previous.orphaned:
            ops.append(StoreOperation(OpKind.ORPHAN, gone.id, gone.title))
    return tuple(ops)


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value
