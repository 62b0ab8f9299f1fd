"""One kind of tracker behind a team file, for the end-to-end tests that run ``syncd`` in this
process (Jira Cloud, Jira Data Center, GitHub): its fake, its block of the team file, its
credentials, and what it holds."""

from __future__ import annotations

import base64
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from tests.fakes.github.limits import SecondaryLimits
from tests.fakes.github.server import FakeGitHub
from tests.fakes.jira.server import FakeJira

CLI_TRACKERS = ("jira-cloud", "jira-dc", "github")
_MARKER = re.compile(r"<!-- syncd:item=([0-9a-z]+) -->")


@dataclass
class Tracker:
    kind: str  # "jira-cloud" | "jira-dc" | "github"
    fake: FakeJira | FakeGitHub
    url: str  # the URL the team file gives by default

    @property
    def github(self) -> bool:
        return self.kind == "github"

    @property
    def name(self) -> str:
        return "GitHub" if self.github else "Jira"

    @property
    def token(self) -> str:
        if isinstance(self.fake, FakeGitHub):
            return self.fake.token
        return self.fake.token if self.kind == "jira-cloud" else self.fake.pat

    @property
    def secrets(self) -> list[str]:
        """The token, and the forms it goes on the wire in (Jira Cloud: basic, base64)."""
        forms = [self.token]
        if self.kind == "jira-cloud" and isinstance(self.fake, FakeJira):
            basic = f"{self.fake.email}:{self.token}".encode()
            forms.append(base64.b64encode(basic).decode())
        return forms

    @property
    def missing(self) -> str:
        """A reference to an issue that does not exist, as a document writes it."""
        return "#45" if self.github else "PAY-999"

    def block(self, url: str | None = None, *, project: str = "PAY") -> str:
        """The team file's ``tracker`` block; another ``project`` names a missing one."""
        url = url or self.url
        if self.github:
            repo = "acme/payments" if project == "PAY" else "acme/paymnts"
            return (
                f"type: github\nrepo: {repo}\napi_url: {url}\n"
                'token: "${TRACKER_TOKEN}"\nlabels: [postmortem-action]'
            )
        cloud = self.kind == "jira-cloud"
        auth = (
            '{email: syncd-bot@example.com, token: "${TRACKER_TOKEN}"}'
            if cloud
            else '{token: "${TRACKER_TOKEN}"}'
        )
        return (
            f"type: jira\nurl: {url}\ndeployment: {'cloud' if cloud else 'datacenter'}\n"
            f"auth: {auth}\nproject: {project}\nlabels: [postmortem-action]"
        )

    @property
    def people(self) -> str:
        return "alice: {github: alice-gh}" if self.github else "alice: {email: alice@example.com}"

    def markers(self) -> Counter[str]:
        """How many issues carry each item's marker (every issue: nothing is ever deleted)."""
        found: Counter[str] = Counter()
        if isinstance(self.fake, FakeGitHub):
            for issue in self.fake.repo.issues.values():
                if not issue.is_pull_request:
                    found.update(_MARKER.findall(issue.body or ""))
        else:
            for jira_issue in self.fake.state.issues.values():
                found.update(label for label in jira_issue.labels if label.startswith("syncd-"))
        return found

    def issues(self) -> int:
        if isinstance(self.fake, FakeGitHub):
            return sum(1 for i in self.fake.repo.issues.values() if not i.is_pull_request)
        return len(self.fake.state.issues)

    def delete_every_issue(self) -> None:
        """What a person does who deletes each issue syncd made."""
        fake = self.fake
        if isinstance(fake, FakeGitHub):
            with fake.state.lock:
                for number in [n for n, i in fake.repo.issues.items() if not i.is_pull_request]:
                    del fake.repo.issues[number]
            return
        with fake.state.lock:
            fake.state.issues.clear()


T = TypeVar("T", bound=Tracker)


@contextmanager
def cli_tracker(kind: str, cls: type[T], *, api_prefix: bool = True) -> Iterator[T]:
    """A fresh fake of ``kind`` with alice known to it; GitHub's secondary limits off.
    ``api_prefix``: the team file names GitHub's API URL (``/api/v3``), else its root."""
    if kind == "github":
        with FakeGitHub(secondary=SecondaryLimits.off()) as github:
            github.state.add_collaborator(github.repo, "alice-gh")
            yield cls(kind, github, github.url if api_prefix else github.root_url)
        return
    with FakeJira("cloud" if kind == "jira-cloud" else "datacenter") as jira:
        jira.state.add_user("alice@example.com", "Alice Smith")
        yield cls(kind, jira, jira.url)
