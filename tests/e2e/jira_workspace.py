"""A team whose postmortems mirror into the fake Jira, run as real ``syncd`` processes."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.fakes.jira.server import FakeJira
from tests.support import syncd_process
from tests.support.syncd_process import SyncdProcess

TOKEN = "fake-api-token"  # the fake's token for its bot account (Cloud)
PAT = "fake-personal-access-token"  # the fake's personal access token (Data Center)
OWNERS = ["@alice", "Bob Jones", "@carol", "(owner: Alice Smith)", ""]


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


@dataclass
class JiraWorkspace:
    root: Path
    fake: FakeJira
    mode: str = "cloud"

    @property
    def config(self) -> Path:
        return self.root / "config"

    @property
    def state(self) -> Path:
        return self.root / "state"

    def write_config(self) -> None:
        users = {
            "alice": self.fake.state.add_user("alice@example.com", "Alice Smith"),
            "bob": self.fake.state.add_user("bob@example.com", "Bob Jones"),
            "carol": self.fake.state.add_user("carol@example.com", "Carol Diaz"),
        }
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
                """),
            encoding="utf-8",
        )

    def _jira_id(self, user: Any) -> str:
        # The people map holds an accountId on Cloud, a username on Data Center.
        return str(user.account_id if self.mode == "cloud" else user.name)

    def _auth(self) -> str:
        if self.mode == "cloud":
            return '{email: syncd-bot@example.com, token: "${JIRA_TOKEN}"}'
        return '{token: "${JIRA_TOKEN}"}'

    def env(self) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "SYNCD_STATE_DIR": str(self.state),
            "SYNCD_LOG_FORMAT": "json",
            "JIRA_TOKEN": TOKEN if self.mode == "cloud" else PAT,
        }

    def command(self, *extra: str) -> list[str]:
        """The arguments of ``python -m syncd`` for a sync of this workspace."""
        return ["sync", "--config", str(self.config), *extra]

    def start(self, *extra: str) -> SyncdProcess:
        return syncd_process.popen(
            self.command(*extra), env=self.env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
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

    def issues_per_marker(self) -> Counter[str]:
        with self.fake.state.lock:
            return Counter(
                label
                for issue in self.fake.state.issues.values()
                for label in issue.labels
                if label.startswith("syncd-")
            )
