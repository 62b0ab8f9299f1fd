"""Translation between domain records and table rows; pure."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import RowMapping

from syncd.model import ActionItem, CoOwner, DueOrigin, Flag, ItemType, Priority, Status
from syncd.store.records import (
    DocumentSeen,
    RunOutcome,
    RunRecord,
    StoredDocument,
    StoredItem,
)
from syncd.store.tables import ITEM_ID_LENGTH

_E = TypeVar("_E", DueOrigin, Priority, ItemType)

# Columns an upsert rewrites from the item; a change in any of them moves ``updated_at``.
ITEM_CONTENT_COLUMNS = (
    "team",
    "source",
    "document",
    "postmortem_title",
    "postmortem_date",
    "postmortem_date_origin",
    "postmortem_severity",
    "postmortem_incident",
    "postmortem_service",
    "postmortem_team",
    "postmortem_url",
    "title",
    "detail",
    "section",
    "line",
    "owner_written",
    "assignee",
    "owner_via",
    "owner_unresolved_reason",
    "co_owners",
    "due",
    "due_origin",
    "due_written",
    "ambiguous_date",
    "priority",
    "priority_written",
    "type",
    "type_written",
    "status",
    "tracker_system",
    "tracker_key",
    "tracker_url",
    "flags",
)


def item_row(item: ActionItem, *, seen_at: datetime) -> dict[str, Any]:
    """The full ``items`` row for ``item`` as first inserted at ``seen_at``."""
    if len(item.id) > ITEM_ID_LENGTH:
        raise ValueError(f"item id {item.id!r} is longer than {ITEM_ID_LENGTH} characters")
    postmortem = item.postmortem
    tracker = item.tracker_ref
    return {
        "id": item.id,
        "team": item.team,
        "source": postmortem.source,
        "document": postmortem.document,
        "postmortem_title": postmortem.title,
        "postmortem_date": postmortem.date,
        "postmortem_date_origin": postmortem.date_origin,
        "postmortem_severity": postmortem.severity,
        "postmortem_incident": postmortem.incident,
        "postmortem_service": postmortem.service,
        "postmortem_team": postmortem.team,
        "postmortem_url": postmortem.url,
        "title": item.title,
        "detail": item.detail,
        "section": item.section,
        "line": item.line,
        "owner_written": item.owner.written,
        "assignee": item.owner.person,
        "owner_via": item.owner.via,
        "owner_unresolved_reason": item.owner.unresolved_reason,
        "co_owners": [{"written": c.written, "person": c.person} for c in item.owner.co_owners],
        "due": item.due.date,
        "due_origin": _value(item.due.origin),
        "due_written": item.due.written,
        "ambiguous_date": item.due.ambiguous,
        "priority": _value(item.priority),
        "priority_written": item.priority_written,
        "type": _value(item.type),
        "type_written": item.type_written,
        "status": item.status.value,
        "tracker_system": tracker.system if tracker else None,
        "tracker_key": tracker.key if tracker else None,
        "tracker_url": tracker.url if tracker else None,
        # Sorted, so that equal sets compare equal in the database as well.
        "flags": sorted(flag.value for flag in item.flags),
        "first_seen": seen_at,
        "last_seen": seen_at,
        "orphaned_at": None,
        "updated_at": seen_at,
    }


def stored_item(row: RowMapping) -> StoredItem:
    return StoredItem(
        id=row["id"],
        team=row["team"],
        source=row["source"],
        document=row["document"],
        postmortem_title=row["postmortem_title"],
        postmortem_date=row["postmortem_date"],
        postmortem_date_origin=row["postmortem_date_origin"],
        postmortem_severity=row["postmortem_severity"],
        postmortem_incident=row["postmortem_incident"],
        postmortem_service=row["postmortem_service"],
        postmortem_team=row["postmortem_team"],
        postmortem_url=row["postmortem_url"],
        title=row["title"],
        detail=row["detail"],
        section=row["section"],
        line=row["line"],
        owner_written=row["owner_written"],
        assignee=row["assignee"],
        owner_via=row["owner_via"],
        owner_unresolved_reason=row["owner_unresolved_reason"],
        co_owners=tuple(
            CoOwner(written=str(c["written"]), person=c.get("person"))
            for c in row["co_owners"] or ()
        ),
        due=row["due"],
        due_origin=_optional(DueOrigin, row["due_origin"]),
        due_written=row["due_written"],
        ambiguous_date=bool(row["ambiguous_date"]),
        priority=_optional(Priority, row["priority"]),
        priority_written=row["priority_written"],
        type=_optional(ItemType, row["type"]),
        type_written=row["type_written"],
        status=Status(row["status"]),
        tracker_system=row["tracker_system"],
        tracker_key=row["tracker_key"],
        tracker_url=row["tracker_url"],
        flags=frozenset(Flag(flag) for flag in row["flags"]),
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        orphaned_at=row["orphaned_at"],
        updated_at=row["updated_at"],
    )


def document_row(
    team: str, source: str, document: str, seen: DocumentSeen, *, at: datetime
) -> dict[str, Any]:
    return {
        "team": team,
        "source": source,
        "document": document,
        "first_seen": at,
        "last_seen": at,
        "title": seen.title,
        "postmortem_date": seen.postmortem_date,
        "content_hash": seen.content_hash,
        "last_error": seen.last_error,
    }


def stored_document(row: RowMapping) -> StoredDocument:
    return StoredDocument(
        team=row["team"],
        source=row["source"],
        document=row["document"],
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        title=row["title"],
        postmortem_date=row["postmortem_date"],
        content_hash=row["content_hash"],
        last_error=row["last_error"],
    )


def run_record(row: RowMapping) -> RunRecord:
    counts: Mapping[str, int] = dict(row["counts"] or {})
    outcome = row["outcome"]
    return RunRecord(
        id=row["id"],
        team=row["team"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        outcome=RunOutcome(outcome) if outcome is not None else None,
        counts=counts,
        error=row["error"],
    )


def _value(member: DueOrigin | Priority | ItemType | None) -> str | None:
    return member.value if member is not None else None


def _optional(enum: type[_E], value: str | None) -> _E | None:
    return enum(value) if value is not None else None
