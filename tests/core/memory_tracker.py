"""An in-memory tracker behind syncd's Tracker protocol, for executor tests without HTTP.

It keeps issues like a tracker does (keys, labels, updated times) and can be told to fail:
lose the answer to a create after making the issues, or refuse one element.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from syncd.http import AmbiguousWriteError, RateLimitedError, TransientError
from syncd.mirror.model import IssueFields, IssueSnapshot
from syncd.mirror.operations import CreateIssue
from syncd.resolve.people import Person
from syncd.tracker import AssigneeLookup, ChangedIssues, CreateResult


@dataclass
class MemoryIssue:
    key: str
    fields: IssueFields
    marker: str
    updated: datetime
    status_category: str = "new"
    resolution: str | None = None
    commented: bool = False
    links: dict[str, str] = field(default_factory=dict)


class MemoryTracker:
    system = "jira"
    create_batch_size = 50

    def __init__(self, labels: frozenset[str] = frozenset({"postmortem-action"})) -> None:
        self.labels = labels
        self.issues: dict[str, MemoryIssue] = {}
        self.clock = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
        self.calls: list[str] = []
        self.updates: list[tuple[str, dict[str, object]]] = []
        self.lose_next_create_answer = False
        self.refuse_items: set[str] = set()
        self.refuse_assignees: set[str] = set()  # tracker user ids it will not assign
        self.user_names: dict[str, str] = {}  # user id -> the name the tracker shows
        # Creates the account's budget still allows (None: no limit); then every write is
        # refused before anything is sent, as syncd.http's budget does.
        self.budget_left: int | None = None
        self.fail_marker_search = False

    # -- acting as the tracker's users --------------------------------------------------
    def tick(self) -> datetime:
        self.clock += timedelta(seconds=1)
        return self.clock

    def person_edits(self, key: str, **changes: object) -> None:
        issue = self.issues[key]
        issue.fields = dataclasses.replace(issue.fields, **changes)  # type: ignore[arg-type]
        issue.updated = self.tick()

    def person_files(self, key: str, fields: IssueFields) -> MemoryIssue:
        """An issue a person filed by hand: no marker."""
        issue = MemoryIssue(key, fields, "", self.tick())
        self.issues[key] = issue
        return issue

    def person_closes(self, key: str, resolution: str, *, comment: bool) -> None:
        issue = self.issues[key]
        issue.status_category, issue.resolution, issue.commented = "done", resolution, comment
        issue.updated = self.tick()

    def by_marker(self, item_id: str) -> list[MemoryIssue]:
        return [i for i in self.issues.values() if i.marker == self.marker(item_id)]

    # -- the Tracker protocol -------------------------------------------------------------
    @property
    def priority_map(self) -> Mapping[str, str]:
        return {"P0": "Highest", "P1": "High", "P2": "Medium", "P3": "Low"}

    def marker(self, item_id: str) -> str:
        return f"syncd-{item_id}"

    def item_id_of_marker(self, marker: str) -> str | None:
        return marker.removeprefix("syncd-") if marker.startswith("syncd-") else None

    def assignee(self, person: Person) -> AssigneeLookup:
        self.calls.append("assignee")
        user = person.handles.get(self.system)
        return AssigneeLookup(user) if user else AssigneeLookup(None, "no account")

    def _snapshot(self, issue: MemoryIssue) -> IssueSnapshot:
        return IssueSnapshot(
            key=issue.key,
            item_id=self.item_id_of_marker(issue.marker),
            fields=issue.fields,
            status_category=issue.status_category,  # type: ignore[arg-type]
            resolution=issue.resolution,
            closure_explained=issue.commented,
            updated=issue.updated,
            url=self.issue_url(issue.key),
            assignee_name=self.user_names.get(issue.fields.assignee or ""),
        )

    def changed_since(self, since: datetime | None) -> ChangedIssues:
        self.calls.append("changed_since")
        found = [i for i in self.issues.values() if since is None or i.updated >= since]
        newest = max((i.updated for i in found), default=None)
        return ChangedIssues({i.key: self._snapshot(i) for i in found}, newest)

    def find_markers(
        self, item_ids: Collection[str], *, created_this_cycle: bool = False
    ) -> Mapping[str, Sequence[IssueSnapshot]]:
        self.calls.append("find_markers")
        if self.fail_marker_search and created_this_cycle:
            raise TransientError("HTTP 502", service="jira", method="POST", url="/search/jql")
        return {
            item: [self._snapshot(i) for i in self.by_marker(item)]
            for item in item_ids
            if self.by_marker(item)
        }

    def get(self, keys: Collection[str]) -> Mapping[str, IssueSnapshot]:
        self.calls.append("get")
        return {k: self._snapshot(self.issues[k]) for k in keys if k in self.issues}

    def _spend(self) -> None:
        if self.budget_left is None:
            return
        if self.budget_left <= 0:
            error = RateLimitedError(
                "GitHub's hourly limit: nothing was sent",
                service="github",
                method="POST",
                url="/issues",
                retry_after=1800,
                attempts=0,
                limit="GitHub's hourly limit",
            )
            error.until = (self.clock + timedelta(seconds=1800)).timestamp()
            raise error
        self.budget_left -= 1

    def create(self, issues: Sequence[CreateIssue]) -> Sequence[CreateResult]:
        self.calls.append("create")
        results: list[CreateResult] = []
        for position, create in enumerate(issues):
            try:
                self._spend()
            except RateLimitedError as exc:
                if not results:
                    raise
                results += [CreateResult(c.item_id, None, deferred=exc) for c in issues[position:]]
                break
            if create.item_id in self.refuse_items:
                results.append(CreateResult(create.item_id, None, error="summary refused"))
                continue
            if create.fields.assignee in self.refuse_assignees:
                results.append(
                    CreateResult(
                        create.item_id,
                        None,
                        error="assignee: not a user",
                        refused_fields=frozenset({"assignee"}),
                    )
                )
                continue
            key = f"PAY-{len(self.issues) + 1}"
            self.issues[key] = MemoryIssue(key, create.fields, create.marker, self.tick())
            results.append(CreateResult(create.item_id, key, self.issue_url(key)))
        if self.lose_next_create_answer:
            self.lose_next_create_answer = False
            raise AmbiguousWriteError(
                "the connection dropped", service="jira", method="POST", url="/issue/bulk"
            )
        return results

    def update(self, key: str, changes: Mapping[str, object]) -> None:
        self.calls.append("update")
        self.updates.append((key, dict(changes)))
        issue = self.issues[key]
        values = {k: v for k, v in changes.items() if k != "labels_to_add"}
        if "labels_to_add" in changes:
            added = changes["labels_to_add"]
            assert isinstance(added, frozenset)
            values["labels"] = issue.fields.labels | added
        issue.fields = dataclasses.replace(issue.fields, **values)  # type: ignore[arg-type]
        issue.updated = self.tick()

    def adopt(self, key: str, *, add_labels: Collection[str], marker: str | None) -> None:
        self.calls.append("adopt")
        issue = self.issues[key]
        issue.fields = dataclasses.replace(
            issue.fields, labels=issue.fields.labels | set(add_labels)
        )
        if marker:
            issue.marker = marker
        issue.updated = self.tick()

    def link_postmortem(self, key: str, *, item_id: str, url: str, title: str) -> None:
        self.calls.append("link")
        self.issues[key].links[f"syncd:{item_id}"] = url

    def issue_url(self, key: str) -> str:
        return f"https://jira.example/browse/{key}"

    def close(self) -> None:
        pass
