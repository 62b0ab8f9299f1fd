"""Pure: the listed follow-ups grouped by their incident, each follow-up once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Unattributed:
    """A listed follow-up that names no incident: it belongs to no document."""

    id: str
    error: str


@dataclass(slots=True)
class Grouped:
    by_incident: dict[str, list[Mapping[str, Any]]] = field(default_factory=dict)
    unattributed: list[Unattributed] = field(default_factory=list)


def group_by_incident(listed: Iterable[Any]) -> Grouped:
    """Follow-ups by incident id, each incident's in the order of their ids (incident.io's ids
    sort by creation, and v2 promises no order: an item's ``line`` stays put from one cycle to
    the next); one listed twice (in two incident modes' listings) counts once."""
    grouped = Grouped()
    seen: set[str] = set()
    for place, follow_up in enumerate(listed, start=1):
        if not isinstance(follow_up, Mapping):
            grouped.unattributed.append(
                Unattributed(f"#{place}", f"follow-up #{place} of the listing is not an object")
            )
            continue
        native_id = follow_up.get("id")
        label = native_id if isinstance(native_id, str) and native_id else f"#{place}"
        incident_id = follow_up.get("incident_id")
        if not isinstance(incident_id, str) or not incident_id.strip():
            grouped.unattributed.append(
                Unattributed(label, f"follow-up {label} names no incident (incident_id)")
            )
            continue
        if isinstance(native_id, str) and native_id in seen:
            continue
        if isinstance(native_id, str):
            seen.add(native_id)
        grouped.by_incident.setdefault(incident_id.strip(), []).append(follow_up)
    for follow_ups in grouped.by_incident.values():
        follow_ups.sort(key=lambda f: str(f.get("id")))
    return grouped
