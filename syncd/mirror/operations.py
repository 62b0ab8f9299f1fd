"""What the planner asks the executor to do: a closed union of frozen operations.

Writes to the tracker are ``CreateIssue``, ``AdoptIssue`` (adds labels and the marker only),
``UpdateIssue`` and ``CloseIssue`` (a follow-up review whose items are all done). Everything
else is bookkeeping in the state store (``SetBase``, ``MarkDone``, ``MarkReopened``) or a
report for people (``ReportConflict``, ``ReportStatusMismatch``, ``ReportOrphan``); none of
those touches the tracker.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from syncd.mirror.field_changes import KEEP as KEEP
from syncd.mirror.field_changes import LABELS_TO_ADD as LABELS_TO_ADD
from syncd.mirror.field_changes import NO_CHANGES as NO_CHANGES
from syncd.mirror.field_changes import FieldChanges as FieldChanges
from syncd.mirror.field_changes import Keep as Keep
from syncd.mirror.model import IssueFields, IssueOrigin


@dataclass(frozen=True, slots=True)
class CreateIssue:
    """Open a new issue carrying ``marker``; its fields become the record's base.

    The executor records an intent (item id, marker) before sending it, so creates of one plan
    can go out in bulk and a crash never leads to a second issue.
    """

    item_id: str
    marker: str
    fields: IssueFields
    origin: IssueOrigin | None = None  # recorded in the tracker too: the store's backup


@dataclass(frozen=True, slots=True)
class AdoptIssue:
    """Link the item to an existing issue: one the document names, or one found by its marker.

    A person's issue is never overwritten on adoption: only the missing configured labels (and
    the marker, when absent) are added, and ``fill`` writes the fields the issue leaves empty
    (no assignee, no due date, an empty description). The record's base becomes the issue's
    values as they are after that, and its source side becomes ``source`` (the item's values
    now). ``own``: the issue is one syncd wrote for this item (found again by its marker after
    the state store was lost), not a person's; it is mirrored like one syncd created.
    ``checked``: the issue was read while planning and belongs to no other item; otherwise
    the executor reads it and checks before writing anything.
    """

    item_id: str
    key: str
    add_labels: frozenset[str]
    add_marker: bool
    source: IssueFields | None = None
    fill: FieldChanges = NO_CHANGES
    own: bool = False
    checked: bool = False


@dataclass(frozen=True, slots=True)
class RefuseAdoption:
    """An issue the document names is not adopted, and the item is held back (nothing created).

    ``reason`` is ``claimed`` (the issue carries another item's marker, or syncd mirrors
    another item to it) or ``shared`` (other items without an issue name it too);
    ``others`` are those items. A person settles it by correcting the document.
    """

    item_id: str
    key: str
    reason: str
    others: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UpdateIssue:
    """Write the fields that must change, and only those.

    ``changes`` holds the new value of each field written; labels appear as
    ``labels_to_add``, never as a full list, so a person's labels stay.
    The record's new base comes with the item's ``SetBase`` in the same plan.
    """

    item_id: str
    key: str
    changes: FieldChanges


@dataclass(frozen=True, slots=True)
class SetBase:
    """Record the item's new base, source side and open conflicts.

    It holds the record's complete state after this cycle, including the values the item's
    ``UpdateIssue`` of the same plan writes. The executor records it only once every write of
    the plan for that item succeeded; when a write failed, it leaves the record as it was and
    the next cycle plans again from there.
    """

    item_id: str
    key: str
    base: IssueFields
    source_base: IssueFields | None = None  # None: equal to base
    conflicts: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class ReportConflict:
    """A field changed on both sides to different values; the tracker's value is kept."""

    item_id: str
    key: str
    field: str
    source_value: object
    tracker_value: object


@dataclass(frozen=True, slots=True)
class MarkDone:
    """The issue is done (status category Done): the item is done.

    ``won_t_do`` when the resolution means it will not be done (Won't Do, Duplicate, not
    planned, ...); such a closure without ``explained`` (a comment or resolution text giving
    the reason) is to be flagged.
    """

    item_id: str
    key: str
    resolution: str | None
    won_t_do: bool
    explained: bool


@dataclass(frozen=True, slots=True)
class MarkReopened:
    """The issue was done in the tracker and is open again: so is the item."""

    item_id: str
    key: str


@dataclass(frozen=True, slots=True)
class ReportStatusMismatch:
    """The document says done, the issue is open. Status belongs to the tracker: report only."""

    item_id: str
    key: str
    detail: str


@dataclass(frozen=True, slots=True)
class ReportOrphan:
    """The item is gone from its document; its issue is left alone."""

    item_id: str
    key: str


@dataclass(frozen=True, slots=True)
class CloseIssue:
    """Close an issue syncd owns the status of: a follow-up review whose items are all done
    (``syncd.mirror.review``). An item's issue is never closed: its status is the tracker's."""

    item_id: str
    key: str


Operation = (
    CreateIssue
    | AdoptIssue
    | UpdateIssue
    | SetBase
    | ReportConflict
    | MarkDone
    | MarkReopened
    | ReportStatusMismatch
    | ReportOrphan
    | RefuseAdoption
    | CloseIssue
)

# Writes to the tracker: everything else is state-store bookkeeping or a report.
TRACKER_WRITES = (CreateIssue, AdoptIssue, UpdateIssue, CloseIssue)

_NAMES: dict[type[Any], str] = {
    CreateIssue: "create",
    AdoptIssue: "adopt",
    UpdateIssue: "update",
    SetBase: "set_base",
    ReportConflict: "conflict",
    MarkDone: "mark_done",
    MarkReopened: "mark_reopened",
    ReportStatusMismatch: "status_mismatch",
    ReportOrphan: "orphan",
    RefuseAdoption: "refuse_adoption",
    CloseIssue: "close",
}


def operation_name(operation: Operation) -> str:
    """The operation's stable name, as ``sync --dry-run --json`` and logs show it."""
    return _NAMES[type(operation)]


def operation_as_json(operation: Operation) -> dict[str, Any]:
    """The operation as a JSON object: ``{"op": "update", "item": …, "key": …, …}``."""
    result: dict[str, Any] = {"op": operation_name(operation), "item": operation.item_id}
    match operation:
        case CreateIssue(marker=marker, fields=fields):
            result |= {"marker": marker, "fields": fields_as_json(fields)}
        case AdoptIssue(key=key, add_labels=add_labels, add_marker=add_marker, fill=fill):
            result |= {"key": key, "add_labels": sorted(add_labels), "add_marker": add_marker}
            if fill:
                result["fill"] = {k: _json_value(v) for k, v in fill.items()}
        case RefuseAdoption(key=key, reason=reason, others=others):
            result |= {"key": key, "reason": reason, "others": list(others)}
        case UpdateIssue(key=key, changes=changes):
            result |= {"key": key, "changes": {k: _json_value(v) for k, v in changes.items()}}
        case SetBase(key=key, base=base, source_base=source_base, conflicts=conflicts):
            result |= {
                "key": key,
                "base": fields_as_json(base),
                "source_base": None if source_base is None else fields_as_json(source_base),
                "conflicts": sorted(conflicts),
            }
        case ReportConflict(key=key, field=name, source_value=ours, tracker_value=theirs):
            result |= {
                "key": key,
                "field": name,
                "source_value": _json_value(ours),
                "tracker_value": _json_value(theirs),
            }
        case MarkDone(key=key, resolution=resolution, won_t_do=won_t_do, explained=explained):
            result |= {
                "key": key,
                "resolution": resolution,
                "won_t_do": won_t_do,
                "explained": explained,
            }
        case ReportStatusMismatch(key=key, detail=detail):
            result |= {"key": key, "detail": detail}
        case MarkReopened(key=key) | ReportOrphan(key=key) | CloseIssue(key=key):
            result["key"] = key
    return result


def fields_as_json(fields: IssueFields) -> dict[str, Any]:
    """The fields as a JSON object (dates in ISO form, labels sorted)."""
    return {
        "summary": fields.summary,
        "description": fields.description,
        "assignee": fields.assignee,
        "due": _json_value(fields.due),
        "priority": fields.priority,
        "labels": sorted(fields.labels),
    }


def fields_from_json(value: Mapping[str, Any]) -> IssueFields:
    """The inverse of ``fields_as_json``; KeyError or ValueError when ``value`` is not one."""
    due = value["due"]
    return IssueFields(
        summary=str(value["summary"]),
        description=str(value["description"]),
        assignee=None if value["assignee"] is None else str(value["assignee"]),
        due=None if due is None else date.fromisoformat(str(due)),
        priority=None if value["priority"] is None else str(value["priority"]),
        labels=frozenset(str(label) for label in value["labels"]),
    )


def _json_value(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(str(element) for element in value)
    return value
