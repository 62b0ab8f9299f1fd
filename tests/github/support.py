"""Helpers of the GitHub connector's tests: a virtual clock, trackers on the fake, items."""

from __future__ import annotations

from datetime import date
from typing import Any

from connectors.github import GitHubSettings, GitHubTracker
from syncd.connector.testing.clock import VirtualClock
from syncd.http import WaitObserver
from syncd.mirror.model import IssueFields
from syncd.mirror.operations import CreateIssue
from syncd.tracker import TrackerContext
from tests.fakes.github.server import FakeGitHub

LABEL = "postmortem-action"


def tracker_on(
    fake: FakeGitHub,
    clock: VirtualClock,
    *,
    due_dates: str = "body",
    wait_observer: WaitObserver | None = None,
    budget_ledger: Any = None,
    **extra: Any,
) -> GitHubTracker:
    settings = GitHubSettings.model_validate(
        {
            "repo": fake.repo.full_name,
            "api_url": fake.url,
            "token": fake.token,
            "labels": [LABEL],
            "due_dates": due_dates,
            **extra,
        }
    )
    context = TrackerContext(
        team="payments",
        now=clock(),
        http_clock=clock,
        http_wait_observer=wait_observer,
        budget_ledger=budget_ledger,
    )
    return GitHubTracker(settings, context)


def create_op(
    item_id: str,
    *,
    assignee: str | None = None,
    due: date | None = date(2026, 12, 1),
    summary: str | None = None,
) -> CreateIssue:
    return CreateIssue(
        item_id=item_id,
        marker=f"<!-- syncd:item={item_id} -->",
        fields=IssueFields(
            summary=summary or f"Add an alert for {item_id}",
            description=f'Add an alert for {item_id}.\n\nFrom the postmortem "DB outage":\n'
            "https://wiki.example.com/pm/1",
            assignee=assignee,
            due=due,
            priority=None,
            labels=frozenset({LABEL}),
        ),
    )
