"""A toy tracker connector, built only on the kit (``syncd.connector``): what a new one writes.

Its server keeps issues in memory (``toy_server``); the connector talks to it over HTTP through
the policy, so retries, ``Retry-After`` and lost answers behave as they would against a real
tracker. The item's marker is a field of the issue, found again by a listing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any, ClassVar

import httpx
from pydantic import SecretStr

from syncd.connector.http import (
    HttpPolicy,
    PolicyEngine,
    PolicyTransport,
    ShapeCheck,
    parse_json,
    raise_for_policy,
)
from syncd.connector.registry import ConnectorKind
from syncd.connector.settings import ConnectorSettings
from syncd.connector.tracker import (
    AssigneeLookup,
    ChangedIssues,
    CreateIssue,
    CreateResult,
    IssueFields,
    IssueSnapshot,
    Person,
    TrackerContext,
)

MARKER_PREFIX = "toy-item-"


class ToySettings(ConnectorSettings):
    url: str
    token: SecretStr
    labels: tuple[str, ...] = ()


class ToyTracker:
    """Mirrors items into the toy tracker's issues; one request per create, read or update."""

    # What the registry reads (Settings first: below ``type`` the name means the attribute).
    Settings: ClassVar[type[ConnectorSettings]] = ToySettings
    kind: ClassVar[ConnectorKind] = "tracker"
    type: ClassVar[str] = "toy"

    system = "toy"
    create_batch_size = 10

    def __init__(
        self,
        settings: ToySettings,
        context: TrackerContext,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.labels = frozenset(settings.labels)
        self._url = settings.url.rstrip("/")
        self._token = settings.token.get_secret_value()
        engine = PolicyEngine(
            HttpPolicy(), service="toy", clock=context.http_clock, observer=context.http_observer
        )
        self._client = httpx.Client(
            base_url=self._url,
            transport=PolicyTransport(engine, inner=transport),
            headers={"Authorization": f"Bearer {self._token}"},
        )

    # --- markers and people --------------------------------------------------------------

    def marker(self, item_id: str) -> str:
        return f"{MARKER_PREFIX}{item_id}"

    def item_id_of_marker(self, marker: str) -> str | None:
        return marker.removeprefix(MARKER_PREFIX) if marker.startswith(MARKER_PREFIX) else None

    @property
    def priority_map(self) -> Mapping[str, str]:
        return {"P0": "urgent", "P1": "high", "P2": "medium", "P3": "low"}

    def assignee(self, person: Person) -> AssigneeLookup:
        if person.email:
            return AssigneeLookup(person.email)
        return AssigneeLookup(None, f"{person.key} has no e-mail address for the toy tracker")

    # --- reads ---------------------------------------------------------------------------

    def changed_since(self, since: datetime | None) -> ChangedIssues:
        params = {"since": since.isoformat()} if since else {}
        issues = [
            self._snapshot(i)
            for i in self._send("GET", "/issues", _listing, params=params)["issues"]
        ]
        newest = max((s.updated for s in issues), default=None)
        return ChangedIssues({s.key: s for s in issues}, newest)

    def find_markers(
        self, item_ids: Collection[str], *, created_this_cycle: bool = False
    ) -> Mapping[str, Sequence[IssueSnapshot]]:
        found: dict[str, list[IssueSnapshot]] = {}
        for snapshot in self.changed_since(None).snapshots.values():
            if snapshot.item_id is not None and snapshot.item_id in item_ids:
                found.setdefault(snapshot.item_id, []).append(snapshot)
        return found

    def get(self, keys: Collection[str]) -> Mapping[str, IssueSnapshot]:
        return {key: self._snapshot(self._send("GET", f"/issues/{key}", _issue)) for key in keys}

    # --- writes --------------------------------------------------------------------------

    def create(self, issues: Sequence[CreateIssue]) -> Sequence[CreateResult]:
        results = []
        for issue in issues:
            body = {**_fields_json(issue.fields), "marker": issue.marker}
            created = self._send("POST", "/issues", _issue, json=body)
            results.append(
                CreateResult(issue.item_id, created["key"], self.issue_url(created["key"]))
            )
        return results

    def update(self, key: str, changes: Mapping[str, object]) -> Mapping[str, str] | None:
        # Only the fields named are sent: a field the planner did not name is never cleared.
        body = {name: _json_value(value) for name, value in changes.items()}
        self._send("PATCH", f"/issues/{key}", _issue, json=body)
        return None

    def adopt(self, key: str, *, add_labels: Collection[str], marker: str | None) -> None:
        issue = self._send("GET", f"/issues/{key}", _issue)
        changes: dict[str, Any] = {"labels": sorted({*(issue["labels"] or []), *add_labels})}
        if marker is not None:
            changes["marker"] = marker
        self._send("PATCH", f"/issues/{key}", _issue, json=changes)

    def link_postmortem(self, key: str, *, item_id: str, url: str, title: str) -> None:
        return None  # the toy tracker has no links; the description carries the postmortem's URL

    def issue_url(self, key: str) -> str:
        return f"{self._url}/browse/{key}"

    def close(self) -> None:
        self._client.close()

    # --- one request -----------------------------------------------------------------------

    def _send(self, method: str, path: str, expect: ShapeCheck, **options: Any) -> Any:
        response = self._client.request(method, path, **options)
        raise_for_policy(response, "toy")  # a 4xx becomes AuthError / PermanentError
        # Anything but the answer expected (a sign-in page, JSON cut short) is an HttpError
        # the core reports, never a KeyError in the middle of a cycle.
        return parse_json(
            tracker="Toy",
            service="toy",
            method=method,
            url=str(response.request.url),
            status=response.status_code,
            headers=response.headers,
            body=response.content,
            check=expect,
            secrets=[self._token],
        )

    def _snapshot(self, issue: Mapping[str, Any]) -> IssueSnapshot:  # checked by _issue
        due = issue.get("due")
        fields = IssueFields(
            issue["summary"],
            issue.get("description") or "",
            issue.get("assignee"),
            date.fromisoformat(due) if due else None,
            issue.get("priority"),
            frozenset(issue.get("labels") or ()) & self.labels,
        )
        return IssueSnapshot(
            key=issue["key"],
            item_id=self.item_id_of_marker(issue.get("marker") or ""),
            fields=fields,
            status_category="new",
            resolution=None,
            closure_explained=False,
            updated=datetime.fromisoformat(issue["updated"]),
            url=self.issue_url(issue["key"]),
        )


def _issue(data: Any) -> str | None:
    """What is missing from an issue as the server answers it (a ``ShapeCheck``)."""
    if not isinstance(data, dict):
        return "an issue object"
    missing = [k for k in ("key", "summary", "updated") if not isinstance(data.get(k), str)]
    return f"the issue's {', '.join(missing)}" if missing else None


def _listing(data: Any) -> str | None:
    if not isinstance(data, dict) or not isinstance(data.get("issues"), list):
        return "a list of issues"
    return next((p for p in map(_issue, data["issues"]) if p), None)


def _json_value(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(value)
    return value


def _fields_json(fields: IssueFields) -> dict[str, object]:
    return {
        "summary": fields.summary,
        "description": fields.description,
        "assignee": fields.assignee,
        "due": _json_value(fields.due),
        "priority": fields.priority,
        "labels": _json_value(fields.labels),
    }
