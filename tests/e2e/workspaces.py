"""A team whose postmortems mirror into a fake tracker, run as real ``syncd`` processes: one
workspace per tracker (Jira, GitHub), the same in all but the tracker's block of the team file,
its credentials and how its issues are counted.

GitHub's people are collaborators of the fake's repository, so assignments stick (GitHub
silently drops anyone else).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import textwrap
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from tests.fakes.github import contract as github_contract
from tests.fakes.github.limits import SecondaryLimits
from tests.fakes.github.server import FakeGitHub
from tests.fakes.github.state import Issue
from tests.fakes.jira import contract as jira_contract
from tests.fakes.jira.server import FakeJira
from tests.support import syncd_process
from tests.support.fast_limits import FAST_LIMITS
from tests.support.syncd_process import SyncdProcess

TRACKERS = ("jira", "github")
TOKEN = "fake-api-token"  # the fake Jira's token for its bot account (Cloud)
PAT = "fake-personal-access-token"  # the fake Jira's personal access token (Data Center)
LABEL = "postmortem-action"
LOGINS = {"alice": "alice-gh", "bob": "bob-gh", "carol": "carol-gh"}
OWNERS = ["@alice", "Bob Jones", "@carol", "(owner: Alice Smith)", ""]
_MARKER = re.compile(r"<!--\s*syncd:item=([^\s>]+?)\s*-->")


def write_postmortems(folder: Path, documents: int, items_per_document: int) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for doc in range(documents):
        lines = [
            "---",
            f"title: Incident {doc}",
            f"date: 2026-10-{1 + doc % 28:02d}",
            "---",
            f"# Incident {doc}",
            "",
            "## Summary",
            "",
            f"Queue {doc} backed up for 40 minutes.",
            "",
            "## Action items",
            "",
        ]
        for n in range(items_per_document):
            owner = OWNERS[(doc + n) % len(OWNERS)]
            lines.append(
                f"- [ ] Cap consumer {doc}-{n} concurrency at {10 + n} workers {owner} "
                f"due 2026-12-{1 + n % 28:02d}"
            )
            count += 1
        (folder / f"2026-10-{1 + doc % 28:02d}-incident-{doc}.md").write_text(
            "\n".join(lines) + "\n", encoding="utf-8"
        )
    return count


_TEAM_HEAD = """\
team: payments
timezone: Europe/Berlin
sources:
  - name: pm
    type: markdown
    path: ../../docs
    url_template: "https://git.example.com/postmortems/{path}"
"""


@dataclass
class TrackerWorkspace(ABC):
    """The team ``payments``, its postmortems in ``root/docs``, its tracker a fake."""

    root: Path
    tracker: ClassVar[str]
    # Where a started process's output goes (see ``start``).
    start_output: ClassVar[int] = subprocess.PIPE

    @property
    def config(self) -> Path:
        return self.root / "config"

    @property
    def state(self) -> Path:
        return self.root / "state"

    @abstractmethod
    def tracker_block(self) -> str:
        """The team file's ``tracker`` and ``people``, making the tracker's accounts."""

    @abstractmethod
    def tracker_env(self) -> dict[str, str]:
        """The tracker's credentials (and limits) in the environment."""

    @abstractmethod
    def issues_per_marker(self) -> Counter[str]:
        """How many issues carry each item's marker."""

    @abstractmethod
    def issue_count(self) -> int:
        """The issues syncd may have made (a repository's pull requests left out)."""

    @abstractmethod
    def titles(self) -> list[str]:
        """Every issue's title."""

    @abstractmethod
    def request_problems(self) -> list[str]:
        """How the requests syncd sent break the tracker's published API description."""

    def write_config(self) -> None:
        teams = self.config / "teams"
        teams.mkdir(parents=True, exist_ok=True)
        (teams / "payments.yaml").write_text(_TEAM_HEAD + self.tracker_block(), encoding="utf-8")

    def env(self) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "SYNCD_STATE_DIR": str(self.state),
            "SYNCD_LOG_FORMAT": "json",
            **self.tracker_env(),
        }

    def command(self, *extra: str) -> list[str]:
        """The arguments of ``python -m syncd`` for a sync of this workspace."""
        return ["sync", "--config", str(self.config), *extra]

    def start(self, *extra: str) -> SyncdProcess:
        return syncd_process.popen(
            self.command(*extra),
            env=self.env(),
            stdout=self.start_output,
            stderr=self.start_output,
        )

    def sync(self, *extra: str) -> dict[str, Any]:
        done = syncd_process.run(
            self.command("--json", *extra),
            env=self.env(),
            capture_output=True,
            timeout=300,
            check=False,
        )
        assert done.returncode in (0, 1), done.stderr.decode(errors="replace")[-3000:]
        result: dict[str, Any] = json.loads(done.stdout)["teams"]["payments"]
        return result


@dataclass
class JiraWorkspace(TrackerWorkspace):
    fake: FakeJira
    mode: str = "cloud"
    tracker: ClassVar[str] = "jira"

    def tracker_block(self) -> str:
        users = {
            "alice": self.fake.state.add_user("alice@example.com", "Alice Smith"),
            "bob": self.fake.state.add_user("bob@example.com", "Bob Jones"),
            "carol": self.fake.state.add_user("carol@example.com", "Carol Diaz"),
        }
        return textwrap.dedent(f"""\
            tracker:
              type: jira
              url: {self.fake.url}
              deployment: {self.mode}
              auth: {self._auth()}
              project: PAY
              labels: [postmortem-action]
            people:
              alice: {{aliases: ["Alice Smith"], jira: "{self._jira_id(users["alice"])}"}}
              bob: {{aliases: ["Bob Jones"], email: bob@example.com}}
              carol: {{email: carol@example.com}}
            """)

    def _jira_id(self, user: Any) -> str:
        # The people map holds an accountId on Cloud, a username on Data Center.
        return str(user.account_id if self.mode == "cloud" else user.name)

    def _auth(self) -> str:
        if self.mode == "cloud":
            return '{email: syncd-bot@example.com, token: "${JIRA_TOKEN}"}'
        return '{token: "${JIRA_TOKEN}"}'

    def tracker_env(self) -> dict[str, str]:
        return {"JIRA_TOKEN": TOKEN if self.mode == "cloud" else PAT}

    def issues_per_marker(self) -> Counter[str]:
        with self.fake.state.lock:
            return Counter(
                label
                for issue in self.fake.state.issues.values()
                for label in issue.labels
                if label.startswith("syncd-")
            )

    def issue_count(self) -> int:
        with self.fake.state.lock:
            return len(self.fake.state.issues)

    def titles(self) -> list[str]:
        with self.fake.state.lock:
            return [i.summary for i in self.fake.state.issues.values()]

    def request_problems(self) -> list[str]:
        return jira_contract.validate_requests(self.fake.requests)


@dataclass
class GitHubWorkspace(TrackerWorkspace):
    fake: FakeGitHub
    tracker: ClassVar[str] = "github"
    start_output: ClassVar[int] = subprocess.DEVNULL

    def tracker_block(self) -> str:
        for login in LOGINS.values():
            self.fake.state.add_collaborator(self.fake.repo, login)
        return textwrap.dedent(f"""\
            tracker:
              type: github
              repo: {self.fake.repo.full_name}
              api_url: {self.fake.url}
              token: "${{GITHUB_TOKEN}}"
              labels: [{LABEL}]
            people:
              alice: {{aliases: ["Alice Smith"], github: {LOGINS["alice"]}}}
              bob: {{aliases: ["Bob Jones"], github: {LOGINS["bob"]}}}
              carol: {{github: {LOGINS["carol"]}}}
            """)

    def tracker_env(self) -> dict[str, str]:
        return {
            "GITHUB_TOKEN": self.fake.token,
            **FAST_LIMITS,  # the fakes of these tests enforce no limit
        }

    def issues(self) -> list[Issue]:
        """The repository's issues, pull requests left out."""
        with self.fake.state.lock:
            return [i for i in self.fake.repo.issues.values() if not i.is_pull_request]

    def issues_per_marker(self) -> Counter[str]:
        return Counter(
            item_id for issue in self.issues() for item_id in _MARKER.findall(issue.body or "")
        )

    def issue_count(self) -> int:
        return len(self.issues())

    def titles(self) -> list[str]:
        return [i.title for i in self.issues()]

    def request_problems(self) -> list[str]:
        return github_contract.validate_requests(self.fake.requests)

    def issue_with(self, fragment: str) -> Issue:
        """The one issue whose title contains ``fragment``."""
        [issue] = [i for i in self.issues() if fragment in i.title]
        return issue

    def key_of(self, issue: Issue) -> str:
        return f"{self.fake.repo.full_name}#{issue.number}"


Workspace = JiraWorkspace | GitHubWorkspace


@contextmanager
def tracker_workspace(root: Path, tracker: str) -> Iterator[Workspace]:
    """A workspace on a fresh fake (Jira Cloud; GitHub without its secondary limits, which
    only the tests about them turn on), its team file not written yet."""
    if tracker == "jira":
        with FakeJira("cloud") as jira:
            yield JiraWorkspace(root, jira)
    else:
        with FakeGitHub(secondary=SecondaryLimits.off()) as github:
            yield GitHubWorkspace(root, github)
