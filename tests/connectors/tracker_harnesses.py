"""Harnesses of our tracker connectors for the standard tracker suite, on the fake servers."""

from __future__ import annotations

from typing import Any

from connectors.github import GitHubSettings, GitHubTracker
from connectors.jira import JiraSettings, JiraTracker
from syncd.connector.testing import TrackerHarness
from syncd.connector.testing.trackers import Garbage
from syncd.connector.tracker import Tracker, TrackerContext
from tests.fakes.faults import Fault
from tests.fakes.github.server import FakeGitHub
from tests.fakes.jira.server import FakeJira

# The suite's garbage, as the fakes' faults name it (tests/fakes/faults.py).
FAULT_OF: dict[Garbage, str] = {
    "html": "html",
    "truncated_json": "broken_json",
    "json_without_keys": "json_without_keys",
}


class JiraHarness(TrackerHarness):
    """The Jira connector on the fake Jira, Cloud or Data Center."""

    def __init__(self, fake: FakeJira) -> None:
        self.fake = fake

    def _settings(self, **auth: str) -> JiraSettings:
        cloud = self.fake.mode == "cloud"
        default = (
            {"email": self.fake.email, "token": self.fake.token}
            if cloud
            else {"token": self.fake.pat}
        )
        values: dict[str, Any] = {
            "url": self.fake.url,
            "deployment": "cloud" if cloud else "datacenter",
            "auth": auth or default,
            "project": "PAY",
            "labels": ["postmortem"],
        }
        return JiraSettings.model_validate(values)

    def tracker(self, context: TrackerContext) -> Tracker:
        return JiraTracker(self._settings(), context)

    def lose_next_create_answer(self) -> None:
        self.fake.faults.on("POST", "/rest/api/*/issue/bulk", Fault("drop_after"))

    def fail_next_create(self) -> None:
        self.fake.faults.on("POST", "/rest/api/*/issue/bulk", Fault("500"))

    def rate_limit_next_request(self, retry_after: int) -> None:
        self.fake.faults.next(1, Fault("429", retry_after=retry_after))

    def garble_next_request(self, garbage: Garbage) -> None:
        self.fake.faults.next(1, Fault(FAULT_OF[garbage]))

    def settings_with_secrets(self) -> JiraSettings:
        token = "jira-api-token-0123456789"
        if self.fake.mode == "cloud":
            return self._settings(email="alice@example.com", token=token)
        return self._settings(token=token)


class GitHubHarness(TrackerHarness):
    """The GitHub connector on the fake GitHub."""

    def __init__(self, fake: FakeGitHub) -> None:
        self.fake = fake

    def _settings(self, token: str | None = None) -> GitHubSettings:
        return GitHubSettings.model_validate(
            {
                "repo": self.fake.repo.full_name,
                "api_url": self.fake.url,
                "token": token or self.fake.token,
                "labels": ["postmortem-action"],
            }
        )

    def _issues(self) -> str:
        return f"/repos/{self.fake.repo.full_name}/issues"

    def tracker(self, context: TrackerContext) -> Tracker:
        return GitHubTracker(self._settings(), context)

    def lose_next_create_answer(self) -> None:
        self.fake.faults.on("POST", self._issues(), Fault("drop_after"))

    def fail_next_create(self) -> None:
        self.fake.faults.on("POST", self._issues(), Fault("500"))

    def rate_limit_next_request(self, retry_after: int) -> None:
        self.fake.faults.next(1, Fault("429", retry_after=retry_after))

    def garble_next_request(self, garbage: Garbage) -> None:
        self.fake.faults.next(1, Fault(FAULT_OF[garbage]))

    def settings_with_secrets(self) -> GitHubSettings:
        return self._settings(token="ghp_secretTokenValue0123456789")
