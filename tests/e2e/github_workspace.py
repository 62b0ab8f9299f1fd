"""A team whose postmortems mirror into the fake GitHub, run as real ``syncd`` processes.

The postmortems are the Jira end-to-end tests' (``write_postmortems``); only the tracker block and
the people's GitHub logins differ. Every person is a collaborator of the fake's repository, so
assignments stick (GitHub silently drops anyone else).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import textwrap
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.e2e.jira_workspace import write_postmortems
from tests.fakes.github.server import FakeGitHub
from tests.fakes.github.state import Issue
from tests.support import syncd_process
from tests.support.fast_limits import FAST_LIMITS
from tests.support.syncd_process import SyncdProcess

__all__ = ["LABEL", "GitHubWorkspace", "write_postmortems"]

LABEL = "postmortem-action"
LOGINS = {"alice": "alice-gh", "bob": "bob-gh", "carol": "carol-gh"}
_MARKER = re.compile(r"<!--\s*syncd:item=([^\s>]+?)\s*-->")


@dataclass
class GitHubWorkspace:
    root: Path
    fake: FakeGitHub

    @property
    def config(self) -> Path:
        return self.root / "config"

    @property
    def state(self) -> Path:
        return self.root / "state"

    def write_config(self) -> None:
        for login in LOGINS.values():
            self.fake.state.add_collaborator(self.fake.repo, login)
        teams = self.config / "teams"
        teams.mkdir(parents=True, exist_ok=True)
        (teams / "payments.yaml").write_text(
            textwrap.dedent(f"""\
                team: payments
                timezone: Europe/Berlin
                sources:
                  - name: pm
                    type: markdown
                    path: ../../docs
                    url_template: "https://git.example.com/postmortems/{{path}}"
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
                """),
            encoding="utf-8",
        )

    def env(self) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "SYNCD_STATE_DIR": str(self.state),
            "SYNCD_LOG_FORMAT": "json",
            "GITHUB_TOKEN": self.fake.token,
            **FAST_LIMITS,  # the fakes of these tests enforce no limit
        }

    def command(self, *extra: str) -> list[str]:
        """The arguments of ``python -m syncd`` for a sync of this workspace."""
        return ["sync", "--config", str(self.config), *extra]

    def start(self, *extra: str) -> SyncdProcess:
        return syncd_process.popen(
            self.command(*extra),
            env=self.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
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

    def issues(self) -> list[Issue]:
        """The repository's issues, pull requests left out."""
        with self.fake.state.lock:
            return [i for i in self.fake.repo.issues.values() if not i.is_pull_request]

    def issues_per_marker(self) -> Counter[str]:
        return Counter(
            item_id for issue in self.issues() for item_id in _MARKER.findall(issue.body or "")
        )

    def issue_with(self, fragment: str) -> Issue:
        """The one issue whose title contains ``fragment``."""
        [issue] = [i for i in self.issues() if fragment in i.title]
        return issue

    def key_of(self, issue: Issue) -> str:
        return f"{self.fake.repo.full_name}#{issue.number}"
