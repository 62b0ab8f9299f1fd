"""Jira issues ⇄ the mirror's tracker-neutral data: snapshots read, fields written.

Pure functions of JSON and settings; the tracker does the requests.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from connectors.jira.deployment import Deployment
from connectors.jira.settings import MARKER_LABEL_PREFIX
from syncd.connector.tracker import (
    LABELS_TO_ADD,
    IssueFields,
    IssueOrigin,
    IssueSnapshot,
    StatusCategory,
    origin_json,
    origin_of_json,
)

# The fields a search asks for: what a snapshot needs, nothing more (comments are fetched
# apart, only for won't-do closures).
SNAPSHOT_FIELDS = (
    "summary",
    "description",
    "assignee",
    "duedate",
    "priority",
    "labels",
    "status",
    "resolution",
    "updated",
)

# The issue property holding where syncd created the issue from (``IssueOrigin``); every read
# asks for it, so identity can be rebuilt from the tracker when the state store is lost.
ORIGIN_PROPERTY = "syncd.origin"
SNAPSHOT_PROPERTIES = (ORIGIN_PROPERTY,)


def origin_body(origin: IssueOrigin) -> dict[str, Any]:
    """``PUT /issue/{key}``'s body that records ``origin`` and changes nothing else."""
    return {"properties": [{"key": ORIGIN_PROPERTY, "value": origin_json(origin)}]}


_CATEGORIES: dict[str, StatusCategory] = {
    "new": "new",
    "indeterminate": "indeterminate",
    "done": "done",
}


def marker_label(item_id: str) -> str:
    return f"{MARKER_LABEL_PREFIX}{item_id}"


def item_id_of_label(label: str) -> str | None:
    if not label.startswith(MARKER_LABEL_PREFIX):
        return None
    return label[len(MARKER_LABEL_PREFIX) :] or None


def parse_jira_time(text: str) -> datetime:
    """Jira's ``2026-11-21T10:30:00.000+0000`` (also with ``+01:00`` or ``Z``), tz-aware."""
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")
    except ValueError:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            raise ValueError(f"Jira time without a time zone: {text!r}") from None
        return moment


@dataclass(frozen=True, slots=True)
class IssueReader:
    """Reads issues of one site into snapshots."""

    deployment: Deployment
    site_url: str
    labels: frozenset[str]  # the team's configured labels

    def snapshot(self, issue: Mapping[str, Any], *, closure_explained: bool) -> IssueSnapshot:
        key = str(issue["key"])
        fields: Mapping[str, Any] = issue.get("fields") or {}
        labels = [str(label) for label in fields.get("labels") or []]
        markers = sorted(i for i in map(item_id_of_label, labels) if i is not None)
        status = fields.get("status") or {}
        category = str((status.get("statusCategory") or {}).get("key") or "")
        resolution = fields.get("resolution") or None
        priority = fields.get("priority") or None
        due = fields.get("duedate")
        assignee = fields.get("assignee") or None
        return IssueSnapshot(
            key=key,
            item_id=markers[0] if markers else None,
            markers=frozenset(markers),
            fields=IssueFields(
                summary=str(fields.get("summary") or ""),
                description=self.deployment.description_in(fields.get("description")),
                assignee=self.deployment.user_id_of(assignee),
                due=date.fromisoformat(str(due)[:10]) if due else None,
                priority=str(priority["name"]) if priority and priority.get("name") else None,
                labels=frozenset(labels) & self.labels,
            ),
            # Jira's fourth category, "undefined", is a status nobody has put anywhere yet.
            status_category=_CATEGORIES.get(category, "new"),
            resolution=str(resolution["name"]) if resolution and resolution.get("name") else None,
            closure_explained=closure_explained,
            updated=parse_jira_time(str(fields["updated"])),
            url=f"{self.site_url}/browse/{key}",
            assignee_name=_display_name(assignee),
            origin=origin_of_json((issue.get("properties") or {}).get(ORIGIN_PROPERTY)),
        )


def _display_name(user: Mapping[str, Any] | None) -> str | None:
    if not user:
        return None
    name = user.get("displayName")
    return str(name) if name else None


@dataclass(frozen=True, slots=True)
class IssueWriter:
    """Builds the bodies of creates and edits for one site."""

    deployment: Deployment
    project: str
    issue_type: str
    labels: frozenset[str]  # the team's configured labels

    def create_fields(self, marker: str, fields: IssueFields) -> dict[str, Any]:
        # Project and issue type as objects, so the client sends no look-up requests.
        out: dict[str, Any] = {
            "project": {"key": self.project},
            "issuetype": {"name": self.issue_type},
            "summary": fields.summary,
            "description": self.deployment.description_out(fields.description),
            "labels": sorted(self.labels | fields.labels | {marker}),
        }
        if fields.due is not None:
            out["duedate"] = fields.due.isoformat()
        if fields.priority is not None:
            out["priority"] = {"name": fields.priority}
        if fields.assignee is not None:
            out["assignee"] = self.deployment.user_ref(fields.assignee)
        return out

    def edit_body(self, changes: Mapping[str, object]) -> dict[str, Any]:
        """``PUT /issue/{key}``'s body for the planner's changes; empty when nothing to send.

        Labels are only ever added; an assignee is never cleared (a person's assignee stays
        when an owner cannot be resolved), and neither is a priority (Jira requires one).
        """
        fields: dict[str, Any] = {}
        update: dict[str, Any] = {}
        for name, value in changes.items():
            if name == "summary":
                fields["summary"] = str(value)
            elif name == "description":
                fields["description"] = self.deployment.description_out(str(value))
            elif name == "assignee":
                if value is None:
                    raise ValueError("syncd never clears an assignee: no None assignee change")
                fields["assignee"] = self.deployment.user_ref(str(value))
            elif name == "due":
                fields["duedate"] = _iso_date(value)
            elif name == "priority":
                if value is not None:
                    fields["priority"] = {"name": str(value)}
            elif name == LABELS_TO_ADD:
                if not isinstance(value, Collection) or isinstance(value, str):
                    raise TypeError(f"{LABELS_TO_ADD} must be a collection of labels")
                if value:
                    update["labels"] = [{"add": str(label)} for label in sorted(value)]
            else:
                raise ValueError(f"syncd does not write the field {name!r} to Jira")
        body: dict[str, Any] = {}
        if fields:
            body["fields"] = fields
        if update:
            body["update"] = update
        return body

    @staticmethod
    def add_labels_body(labels: Collection[str]) -> dict[str, Any]:
        if not labels:
            return {}
        return {"update": {"labels": [{"add": label} for label in sorted(labels)]}}


def _iso_date(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, date):
        raise TypeError(f"due must be a date or None, not {type(value).__name__}")
    return value.isoformat()
