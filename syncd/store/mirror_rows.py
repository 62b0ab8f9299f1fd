"""Translation between the mirror's records and table rows; pure.

JSON columns are written in one canonical form (keys sorted, tuples as lists), so that equal
values compare equal in the database too, and a value that is not JSON is refused before any
statement runs, with a message that says which item it came from.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping

from syncd.store.records import Intent, TrackerCursor, TrackerLink
from syncd.store.statements import require_aware
from syncd.store.tables import ITEM_ID_LENGTH


def check_item_id(item_id: str) -> None:
    if not item_id:
        raise ValueError("an empty item id was given to the state store")
    if len(item_id) > ITEM_ID_LENGTH:
        raise ValueError(f"item id {item_id!r} is longer than {ITEM_ID_LENGTH} characters")


def canonical_json(value: Mapping[str, Any], *, what: str) -> dict[str, Any]:
    """``value`` as the JSON object it will be stored as; ValueError when it is not JSON."""
    if not isinstance(value, Mapping):
        raise ValueError(f"{what} must be a mapping, not {type(value).__name__}")
    try:
        text = json.dumps(value, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} cannot be stored as JSON: {exc}") from None
    decoded: dict[str, Any] = json.loads(text)
    return decoded


def link_row(link: TrackerLink) -> dict[str, Any]:
    check_item_id(link.item_id)
    require_aware(link.created_at)
    require_aware(link.updated_at)
    if link.last_activity is not None:
        require_aware(link.last_activity)
    last_reported = (
        canonical_json(link.last_reported, what=f"last_reported of item {link.item_id}")
        if link.last_reported is not None
        else None
    )
    return {
        "item_id": link.item_id,
        "team": link.team,
        "system": link.system,
        "key": link.key,
        "url": link.url,
        "adopted": link.adopted,
        "created_at": link.created_at,
        "updated_at": link.updated_at,
        "tracker_done": link.tracker_done,
        "resolution": link.resolution,
        "won_t_do_explained": link.won_t_do_explained,
        "last_reported": last_reported,
        "last_activity": link.last_activity,
        "assignee": link.assignee,
        "assignee_name": link.assignee_name,
    }


def tracker_link(row: RowMapping) -> TrackerLink:
    explained = row["won_t_do_explained"]
    return TrackerLink(
        item_id=row["item_id"],
        team=row["team"],
        system=row["system"],
        key=row["key"],
        url=row["url"],
        adopted=bool(row["adopted"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        tracker_done=bool(row["tracker_done"]),
        resolution=row["resolution"],
        won_t_do_explained=bool(explained) if explained is not None else None,
        last_reported=row["last_reported"],
        last_activity=row["last_activity"],
        assignee=row["assignee"],
        assignee_name=row["assignee_name"],
    )


def base_row(team: str, item_id: str, base: Mapping[str, Any], *, at: datetime) -> dict[str, Any]:
    check_item_id(item_id)
    return {
        "item_id": item_id,
        "team": team,
        "base": canonical_json(base, what=f"the base of item {item_id}"),
        "updated_at": at,
    }


def intent_row(
    team: str,
    item_id: str,
    marker: str,
    *,
    system: str,
    at: datetime,
    replica: str | None,
    epoch: int | None = None,
) -> dict[str, Any]:
    check_item_id(item_id)
    if not marker:
        raise ValueError(f"the intent for item {item_id} has an empty marker")
    return {
        "item_id": item_id,
        "team": team,
        "marker": marker,
        "system": system,
        "started_at": at,
        "claimed_by": replica,
        "epoch": epoch,
    }


def intent(row: RowMapping) -> Intent:
    return Intent(
        item_id=row["item_id"],
        team=row["team"],
        marker=row["marker"],
        system=row["system"],
        started_at=row["started_at"],
        claimed_by=row["claimed_by"],
        epoch=row["epoch"],
    )


def cursor_row(cursor: TrackerCursor) -> dict[str, Any]:
    require_aware(cursor.last_updated_seen)
    if cursor.last_full_scan_at is not None:
        require_aware(cursor.last_full_scan_at)
    return {
        "team": cursor.team,
        "system": cursor.system,
        "last_updated_seen": cursor.last_updated_seen,
        "etag": cursor.etag,
        "last_full_scan_at": cursor.last_full_scan_at,
    }


def tracker_cursor(row: RowMapping) -> TrackerCursor:
    return TrackerCursor(
        team=row["team"],
        system=row["system"],
        last_updated_seen=row["last_updated_seen"],
        etag=row["etag"],
        last_full_scan_at=row["last_full_scan_at"],
    )
