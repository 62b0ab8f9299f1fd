"""A person reassigns issues in the tracker; the digest and ``status`` name who holds them now.

Real ``syncd`` processes against the fake Jira (Cloud and Data Center) and the fake GitHub: a
first sync creates the issues with the documents' owners; then people change the fakes' state
directly, as they would in the tracker's UI: one issue goes from alice to bob, one nobody owned
goes to a contractor the people map does not know. After the next sync, ``syncd digest
--dry-run`` mentions bob beside the issue he took (and alice nowhere), names the contractor
without a mention, and shows the document's co-owners; ``status`` says the same.
"""

from __future__ import annotations

import json
import os
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.github.limits import SecondaryLimits
from tests.fakes.github.server import FakeGitHub
from tests.fakes.jira.server import FakeJira
from tests.support import syncd_process
from tests.support.fast_limits import FAST_LIMITS

NOW = "2027-01-15T09:00:00+00:00"  # every item below is overdue: the digest mentions owners
SLACK = {"alice": "U0ALICE0001", "bob": "U0BOB00001", "carol": "U0CAROL0001"}
TAKEN = "Cap consumer concurrency at 10 workers"
CO_OWNED = "Add a queue depth alert above 1000 messages"
NOBODYS = "Write the backlog runbook with replay steps"
BOBS = "Shard the queue by merchant into 4 partitions"
DOCUMENT = f"""\
---
title: Queue backlog
date: 2026-10-01
---
# Queue backlog

## Action items

- [ ] {TAKEN} @alice due 2026-12-01
- [ ] {CO_OWNED} (owner: carol, dave) due 2026-12-02
- [ ] {NOBODYS} (owner: nobody yet) due 2026-12-03
- [ ] {BOBS} @bob due 2026-12-04
"""


@dataclass
class Team:
    """One team's configuration and state, and a way to run syncd on them."""

    root: Path
    tracker_block: str
    people_ids: dict[str, str]  # person -> "jira: ..." / "github: ..." line, when known
    env_extra: dict[str, str]

    def write(self) -> None:
        (self.root / "docs").mkdir(parents=True)
        (self.root / "docs" / "2026-10-01-queue-backlog.md").write_text(DOCUMENT, "utf-8")
        people = "\n".join(
            f"  {name}: {{slack: {SLACK[name]}, email: {name}@example.com"
            + (f", {self.people_ids[name]}" if name in self.people_ids else "")
            + "}"
            for name in SLACK
        )
        teams = self.root / "config" / "teams"
        teams.mkdir(parents=True)
        (teams / "payments.yaml").write_text(
            textwrap.dedent("""\
                team: payments
                timezone: Europe/Berlin
                sources:
                  - {name: pm, type: markdown, path: ../../docs}
                """)
            + self.tracker_block
            + "people:\n"
            + people
            + "\n",
            encoding="utf-8",
        )

    def syncd(self, *args: str) -> str:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "SYNCD_STATE_DIR": str(self.root / "state"),
            "SYNCD_LOG_FORMAT": "json",
            "SYNCD_TEST_NOW": NOW,
            "COLUMNS": "200",
            **self.env_extra,
        }
        done = syncd_process.run(
            [*args, "--config", str(self.root / "config")],
            env=env,
            capture_output=True,
            timeout=300,
            check=False,
            text=True,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
        return done.stdout


def _jira_team(root: Path, fake: FakeJira, mode: str) -> tuple[Team, dict[str, str]]:
    users = {
        name: fake.state.add_user(f"{name}@example.com", f"{name.title()} Example")
        for name in SLACK
    }
    zed = fake.state.add_user("zed@contractor.example", "Zed Contractor")
    ids = {name: (u.account_id if mode == "cloud" else u.name) for name, u in users.items()}
    auth = (
        '{email: syncd-bot@example.com, token: "${JIRA_TOKEN}"}'
        if mode == "cloud"
        else '{token: "${JIRA_TOKEN}"}'
    )
    block = textwrap.dedent(f"""\
        tracker:
          type: jira
          url: {fake.url}
          deployment: {mode}
          auth: {auth}
          project: PAY
          labels: [postmortem-action]
        """)
    # Only alice's Jira id is in the people map: bob and carol are found by e-mail, and bob is
    # still recognised when someone else's issue is given to him.
    token = "fake-api-token" if mode == "cloud" else "fake-personal-access-token"
    team = Team(root, block, {"alice": f'jira: "{ids["alice"]}"'}, {"JIRA_TOKEN": token})
    return team, {**ids, "zed": zed.account_id if mode == "cloud" else zed.name}


def _jira_issues(fake: FakeJira) -> dict[str, Any]:
    with fake.state.lock:
        return dict(fake.state.issues)


@pytest.fixture(params=["jira-cloud", "jira-datacenter", "github"])
def scenario(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Team, Any]]:
    kind: str = request.param
    if kind.startswith("jira"):
        mode = kind.removeprefix("jira-")
        with FakeJira(mode) as fake:
            team, ids = _jira_team(tmp_path, fake, mode)

            def reassign() -> None:
                keys = {issue.summary: key for key, issue in _jira_issues(fake).items()}
                fake.state.edit(keys[TAKEN], assignee=ids["bob"])
                fake.state.edit(keys[NOBODYS], assignee=ids["zed"])

            team.write()
            yield team, reassign
        return
    with FakeGitHub(secondary=SecondaryLimits.off()) as github:
        logins = {name: f"{name}-gh" for name in SLACK}
        for login in [*logins.values(), "zed-contractor"]:
            github.state.add_collaborator(github.repo, login)
        block = textwrap.dedent(f"""\
            tracker:
              type: github
              repo: {github.repo.full_name}
              api_url: {github.url}
              token: "${{GITHUB_TOKEN}}"
              labels: [postmortem-action]
            """)
        ids = {name: f"github: {login}" for name, login in logins.items()}
        team = Team(tmp_path, block, ids, {"GITHUB_TOKEN": github.token, **FAST_LIMITS})

        def reassign_on_github() -> None:
            with github.state.lock:
                issues = {i.title: i for i in github.repo.issues.values() if not i.is_pull_request}
            admin = github.state.user(logins["carol"])
            for title, login in ((TAKEN, logins["bob"]), (NOBODYS, "zed-contractor")):
                github.state.edit_issue(github.repo, issues[title].number, admin, assignees=[login])

        team.write()
        yield team, reassign_on_github


def _line_of(text: str, title: str) -> str:
    (line,) = [line for line in re.split(r"\\n|\n", text) if title in line]
    return line


def test_the_digest_and_status_name_who_holds_each_issue_now(
    scenario: tuple[Team, Any],
) -> None:
    team, reassign = scenario
    first = json.loads(team.syncd("sync", "--json"))["teams"]["payments"]
    assert first["created"] == 4, first["errors"]
    reassign()
    second = json.loads(team.syncd("sync", "--json"))["teams"]["payments"]
    assert (second["created"], second["updated"]) == (0, 0), second["errors"]

    slack = team.syncd("digest", "--dry-run", "--format", "slack")
    taken = _line_of(slack, TAKEN)
    assert f"<@{SLACK['bob']}> (in the postmortem: @alice)" in taken
    assert SLACK["alice"] not in taken  # alice handed it over: she is not pinged for it
    assert SLACK["alice"] not in slack  # nor anywhere else: she holds nothing now
    nobodys = _line_of(slack, NOBODYS)
    assert re.search(r"— (Zed Contractor|zed-contractor) \(in the postmortem: ", nobodys)
    assert "<@" not in nobodys  # not in the people map: named, never mentioned
    assert f"<@{SLACK['carol']}> with dave" in _line_of(slack, CO_OWNED)
    assert f"<@{SLACK['bob']}>" in _line_of(slack, BOBS)
    assert "Needs attention" not in slack  # the unowned item has a holder now

    text = team.syncd("digest", "--dry-run")
    assert "bob (in the postmortem: @alice)" in _line_of(text, TAKEN)

    items = json.loads(team.syncd("status", "--json"))["teams"]["payments"]["items"]
    by_title = {item["title"]: item for item in items}
    assert by_title[TAKEN]["tracker_assignee"]["person"] == "bob"
    assert by_title[TAKEN]["assignee"] == "alice"  # the document still says alice
    stranger = by_title[NOBODYS]["tracker_assignee"]
    assert stranger["person"] is None and stranger["name"] in ("Zed Contractor", "zed-contractor")
    assert "unowned" not in by_title[NOBODYS]["flags"]  # someone holds it now
    assert by_title[CO_OWNED]["co_owners"] == [{"owner": "dave", "assignee": None}]
    assert by_title[BOBS]["tracker_assignee"]["person"] == "bob"

    table = team.syncd("status")
    assert "bob (in the postmortem: alice)" in _line_of(table, TAKEN)
    assert "carol + dave ?" in _line_of(table, CO_OWNED)
    assert "(nobody in the postmortem)" in _line_of(table, NOBODYS)
    assert "unowned" not in _line_of(table, NOBODYS)

    # `status --owner` follows the tracker: bob holds what alice handed him, alice nothing.
    def titles(*narrowing: str) -> list[str]:
        shown = json.loads(team.syncd("status", "--json", *narrowing))
        return sorted(item["title"] for item in shown["teams"]["payments"]["items"])

    assert titles("--owner", "bob") == sorted([TAKEN, BOBS])
    assert titles("--owner", "bob@example.com") == titles("--owner", "bob")  # any name of his
    assert titles("--owner", "alice") == []
    assert titles("--owner", "carol") == [CO_OWNED]
    assert titles("--owner", stranger["name"]) == [NOBODYS]  # not in the people map: by name
    assert titles("--overdue") == sorted([TAKEN, CO_OWNED, NOBODYS, BOBS])  # all due in 2026
    assert titles("--overdue", "--owner", "bob") == sorted([TAKEN, BOBS])
    assert titles("--service", "no-such-service") == []
    narrowed = json.loads(team.syncd("status", "--json", "--owner", "bob"))
    assert narrowed["filter"] == {"owner": "bob", "overdue": False, "service": None}
    assert narrowed["teams"]["payments"]["totals"]["items"] == 2
    assert "no items match" in team.syncd("status", "--owner", "alice")
