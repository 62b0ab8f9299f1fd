"""Pure: incident.io's JSON (an incident, its follow-ups) as a postmortem and its items.

No I/O here. Every field read is checked: a follow-up with garbage in it becomes a problem of
its document naming the follow-up and the field, and the other follow-ups are read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from syncd.connector.model import DocumentProblem, ExtractedDocument, Postmortem, RawItem

SECTION = "Follow-ups"
# Trackers whose issues syncd can adopt: incident.io's provider ids for them.
ADOPTABLE_PROVIDERS = frozenset({"jira", "jira_server", "github"})
_STATUS_TEXT = {"outstanding": "outstanding", "completed": "completed", "not_doing": "not doing"}


class BadIncident(ValueError):
    """An incident answer without what a postmortem needs (its id, name or reference)."""


@dataclass(frozen=True, slots=True)
class Incident:
    """What a postmortem shows of an incident, as cached between cycles."""

    id: str
    reference: str  # "INC-123"
    name: str
    created: dt.date | None
    severity: str | None
    incident_type: str | None
    mode: str | None
    url: str | None  # its permalink

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "reference": self.reference,
            "name": self.name,
            "created": self.created.isoformat() if self.created else None,
            "severity": self.severity,
            "incident_type": self.incident_type,
            "mode": self.mode,
            "url": self.url,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Incident:
        """Back from ``as_json`` (the cache); raises ValueError/KeyError/TypeError if mangled."""
        created = data["created"]
        values = {k: data[k] for k in ("severity", "incident_type", "mode", "url")}
        if not all(v is None or isinstance(v, str) for v in values.values()):
            raise TypeError("a cached incident field is not a string")
        if not all(isinstance(data[k], str) and data[k] for k in ("id", "reference", "name")):
            raise TypeError("a cached incident lacks its id, reference or name")
        return cls(
            id=data["id"],
            reference=data["reference"],
            name=data["name"],
            created=dt.date.fromisoformat(created) if created is not None else None,
            **values,
        )


def incident_from_answer(data: Any) -> Incident:
    """An incident from ``GET /v2/incidents/{id}``'s ``incident`` object."""
    if not isinstance(data, Mapping):
        raise BadIncident("the answer holds no incident object")
    missing = [k for k in ("id", "reference", "name") if not _text(data.get(k))]
    if missing:
        raise BadIncident(f"the incident has no {', '.join(missing)}")
    return Incident(
        id=str(data["id"]),
        reference=str(data["reference"]).strip(),
        name=str(data["name"]).strip(),
        created=_date(data.get("created_at")),
        severity=_named(data.get("severity")),
        incident_type=_named(data.get("incident_type")),
        mode=_text(data.get("mode")),
        url=_text(data.get("permalink")),
    )


def document_id(incident_id: str) -> str:
    """A document's stable id: the incident's, which survives any rename of the incident."""
    return f"incident.io:{incident_id}"


def postmortem_of(source: str, incident: Incident) -> Postmortem:
    return Postmortem(
        source=source,
        document=document_id(incident.id),
        title=incident.name,
        date=incident.created,
        date_origin="incident" if incident.created else None,
        severity=incident.severity,
        incident=incident.reference,
        url=incident.url,
    )


def extract_document(
    source: str,
    incident: Incident,
    follow_ups: Sequence[Mapping[str, Any]],
    *,
    not_doing: Literal["done", "open"],
) -> ExtractedDocument:
    """The incident's postmortem with one item per readable follow-up, in incident.io's order
    (the ``line`` of an item is its 1-based place there)."""
    items: list[RawItem] = []
    problems: list[DocumentProblem] = []
    for place, follow_up in enumerate(follow_ups, start=1):
        try:
            item = item_of(follow_up, place, not_doing=not_doing)
        except ValueError as exc:
            problems.append(DocumentProblem(place, f"follow-up {_label(follow_up)}: {exc}"))
            continue
        if item is not None:
            items.append(item)
    return ExtractedDocument(postmortem_of(source, incident), tuple(items), tuple(problems))


def item_of(
    follow_up: Mapping[str, Any], place: int, *, not_doing: Literal["done", "open"]
) -> RawItem | None:
    """One follow-up as an item; None for a deleted one; ValueError naming a bad field."""
    native_id = _required(follow_up, "id")
    title = _required(follow_up, "title")
    status = _required(follow_up, "status")
    if status == "deleted":
        return None  # gone from incident.io: the core orphans its item as for a removed line
    assignee = _optional_object(follow_up, "assignee")
    priority = _optional_object(follow_up, "priority")
    description = follow_up.get("description")
    if description is not None and not isinstance(description, str):
        raise ValueError("description is not text")
    return RawItem(
        title=" ".join(title.split()),
        section=SECTION,
        line=place,
        detail=description.strip() or None if description else None,
        owner_text=_text(assignee.get("email")) or _text(assignee.get("name")),
        priority_text=_text(priority.get("name")),
        # incident.io may add statuses (its compatibility promise): one syncd does not know
        # yet is shown as written and counts as open.
        status_text=_STATUS_TEXT.get(status, status),
        done=status == "completed" or (status == "not_doing" and not_doing == "done"),
        tracker_refs=tracker_refs(follow_up.get("external_issue_reference")),
        native_id=native_id,
    )


def tracker_refs(reference: Any) -> tuple[str, ...]:
    """The exported issue as references the core can adopt: its permalink (exact: the site or
    repository is in it), then its name (``PAY-123``). Other trackers' issues (Linear, Asana...)
    name nothing syncd can adopt, so they give none."""
    if not isinstance(reference, Mapping):
        return ()
    if reference.get("provider") not in ADOPTABLE_PROVIDERS:
        return ()
    found = (_text(reference.get("issue_permalink")), _text(reference.get("issue_name")))
    return tuple(ref for ref in found if ref)


def _label(follow_up: Mapping[str, Any]) -> str:
    native_id = follow_up.get("id") if isinstance(follow_up, Mapping) else None
    return repr(native_id) if isinstance(native_id, str) else "(no id)"


def _required(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key) if isinstance(data, Mapping) else None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key} is missing or not text")
    return value.strip()


def _optional_object(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError(f"{key} is not an object")
    return value


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _named(value: Any) -> str | None:
    return _text(value.get("name")) if isinstance(value, Mapping) else None


def _date(value: Any) -> dt.date | None:
    text = _text(value)
    if text is None:
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None
