"""A fake Jira site and the trackers a test builds against it, in Cloud or Data Center mode."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from connectors.jira import JiraSettings, JiraTracker
from syncd.http import RequestRecord
from syncd.mirror.model import IssueFields
from syncd.mirror.operations import CreateIssue
from syncd.tracker import TrackerContext
from tests.fakes.jira.server import FakeJira
from tests.fakes.jira.state import Issue, ManualClock

NOW = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
LABELS = ("postmortem",)


@dataclass
class Site:
    fake: FakeJira
    clock: ManualClock
    trackers: list[JiraTracker] = field(default_factory=list)
    records: list[RequestRecord] = field(default_factory=list)

    @property
    def cloud(self) -> bool:
        return self.fake.mode == "cloud"

    @property
    def deployment(self) -> str:
        return "cloud" if self.cloud else "datacenter"

    def settings(self, **overrides: Any) -> JiraSettings:
        auth = (
            {"email": self.fake.email, "token": self.fake.token}
            if self.cloud
            else {"token": self.fake.pat}
        )
        values: dict[str, Any] = {
            "url": self.fake.url,
            "deployment": self.deployment,
            "auth": auth,
            "project": "PAY",
            "labels": list(LABELS),
        }
        values.update(overrides)
        return JiraSettings.model_validate(values)

    def tracker(self, *, http_clock: Any = None, **overrides: Any) -> JiraTracker:
        context = TrackerContext(
            team="payments", now=NOW, http_observer=self.records.append, http_clock=http_clock
        )
        tracker = JiraTracker(self.settings(**overrides), context)
        self.trackers.append(tracker)
        return tracker

    # --- what the connector sent ----------------------------------------------------------------

    def endpoint(self, method: str, path: str) -> str:
        """The fake's name for an endpoint of this site's REST version: ("POST", "issue/bulk")."""
        return f"{method} /rest/api/{self.fake.api_version}/{path}"

    @property
    def search_endpoint(self) -> str:
        return self.endpoint("POST", "search/jql" if self.cloud else "search")

    def counts(self) -> Counter[str]:
        return self.fake.endpoint_counts()

    def sent(self) -> int:
        return len(self.fake.requests)

    # --- acting as a person ---------------------------------------------------------------------

    def user_id(self, email: str) -> str:
        user = self.fake.state.user(email)
        assert user is not None
        return user.account_id if self.cloud else user.name

    def add_issue(self, summary: str, labels: Iterable[str] = (), **fields: Any) -> Issue:
        return self.fake.state.create_issue(
            {
                "project": {"key": "PAY"},
                "issuetype": {"name": "Task"},
                "summary": summary,
                "labels": list(labels),
                **fields,
            }
        )


def fields(
    summary: str = "Rotate the signing keys",
    *,
    description: str = "Rotate the keys.\n\nPostmortem: https://pm.example.com/2026-11-20",
    assignee: str | None = None,
    due: dt.date | None = dt.date(2026, 12, 15),
    priority: str | None = "High",
    labels: Iterable[str] = LABELS,
) -> IssueFields:
    return IssueFields(summary, description, assignee, due, priority, frozenset(labels))


def create(item_id: str, issue_fields: IssueFields | None = None) -> CreateIssue:
    return CreateIssue(item_id, f"syncd-{item_id}", issue_fields or fields(f"Item {item_id}"))


def item_ids(count: int, prefix: str = "") -> list[str]:
    """Ids shaped like syncd's (16 hex digits), distinct per prefix."""
    return [f"{prefix}{n:0{16 - len(prefix)}x}" for n in range(count)]
