"""Nudges end to end: real ``syncd sync`` processes against the fake Jira (Cloud and Data
Center) and the fake GitHub, on moved calendar days.

Day 0 creates the issues and nudges nothing (their assignees were just given them). Day 1
comments once on each overdue issue, mentioning its assignee in the tracker's own syntax; two
syncs started at once on day 1 still comment once; a dry run plans and posts nothing; a quiet
Saturday posts nothing; six days later nothing again; seven days after the first nudge, one
more each. A comment refused for good waits out the period; nothing else on the issue changes.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.workspaces import GitHubWorkspace, JiraWorkspace, Workspace, tracker_workspace
from tests.fakes.faults import Fault
from tests.fakes.jira.server import FakeJira

OVERDUE = ("Rotate the signing keys", "Add an alert on the error budget")
DOCUMENT = textwrap.dedent(f"""\
    ---
    title: Checkout outage
    date: 2026-11-20
    ---
    # Checkout outage

    ## Action items

    - [ ] {OVERDUE[0]} @alice due 2026-12-01
    - [ ] {OVERDUE[1]} @carol due 2026-12-02
    - [ ] Write the failover runbook @alice due 2027-03-01
    - [x] Revert the bad deploy @carol due 2026-11-20
    """)
NUDGES = "nudges: {on: [overdue], every_days: 7, quiet_days: [Sat, Sun]}\n"
DAY0, DAY1 = "2026-12-03T09:00:00Z", "2026-12-04T09:00:00Z"  # a Thursday, a Friday


@pytest.fixture(params=["jira-cloud", "jira-datacenter", "github"])
def workspace(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Workspace]:
    kind = str(request.param)
    if kind.startswith("jira"):
        mode = kind.removeprefix("jira-")
        with FakeJira(mode) as jira:
            yield _ready(JiraWorkspace(tmp_path, jira, mode))
    else:
        with tracker_workspace(tmp_path, "github") as github:
            yield _ready(github)


def _ready(ws: Workspace) -> Workspace:
    (ws.root / "docs").mkdir(parents=True)
    (ws.root / "docs" / "2026-11-20-checkout.md").write_text(DOCUMENT, encoding="utf-8")
    ws.write_config()
    team_file = ws.config / "teams" / "payments.yaml"
    team_file.write_text(team_file.read_text(encoding="utf-8") + NUDGES, encoding="utf-8")
    return ws


@contextmanager
def _on(ws: Workspace, now: str) -> Iterator[None]:
    """syncd processes started meanwhile take ``now`` as the calendar time."""
    previous = ws.tracker_env
    ws.tracker_env = lambda: {**previous(), "SYNCD_TEST_NOW": now}  # type: ignore[method-assign]
    try:
        yield
    finally:
        ws.tracker_env = previous  # type: ignore[method-assign]


def _sync(ws: Workspace, now: str, *extra: str) -> dict[str, Any]:
    with _on(ws, now):
        return ws.sync(*extra)


def _comments(ws: Workspace) -> dict[str, list[str]]:
    """Each issue's comments as text, by title."""
    if isinstance(ws, GitHubWorkspace):
        return {i.title: [c.body for c in i.comments] for i in ws.issues()}
    with ws.fake.state.lock:
        return {
            i.summary: [
                json.dumps(c.body) if not isinstance(c.body, str) else c.body for c in i.comments
            ]
            for i in ws.fake.state.issues.values()
        }


def _nudged(ws: Workspace) -> dict[str, int]:
    return {title: len(bodies) for title, bodies in _comments(ws).items() if bodies}


def _mention(ws: Workspace, person: str) -> str:
    if isinstance(ws, GitHubWorkspace):
        return f"@{person}-gh "
    user = next(u for u in ws.fake.state.users if u.display_name.lower().startswith(person))
    if ws.mode == "cloud":
        return json.dumps({"type": "mention", "attrs": {"id": user.account_id}})[:-1]
    return f"[~{user.name}] "


def test_overdue_issues_are_nudged_once_per_period_across_days_and_processes(
    workspace: Workspace,
) -> None:
    ws = workspace
    first = _sync(ws, DAY0)
    assert first["created"] == 4 - 1  # the item done in its document gets no issue
    assert first["nudges"] == [] and _nudged(ws) == {}

    preview = _sync(ws, DAY1, "--dry-run")
    assert sorted(n["outcome"] for n in preview["nudges"]) == ["planned", "planned"]
    assert _nudged(ws) == {}, "a dry run posted a comment"

    # Two processes at once on day 1: one nudge per overdue issue, not two.
    with _on(ws, DAY1):
        racing = [ws.start() for _ in range(2)]
    for process in racing:
        process.communicate(timeout=300)
        assert process.returncode in (0, 1)
    assert _nudged(ws) == {title: 1 for title in OVERDUE}

    comments = _comments(ws)
    assert _mention(ws, "alice") in comments[OVERDUE[0]][0]
    assert _mention(ws, "carol") in comments[OVERDUE[1]][0]
    assert "was due on 2026-12-01 (3 days ago)" in comments[OVERDUE[0]][0].replace("\\", "")

    for day in ("2026-12-04T15:00:00Z", "2026-12-05T09:00:00Z", "2026-12-10T09:00:00Z"):
        again = _sync(ws, day)  # later the same day, a quiet Saturday, six days on
        assert again["nudges"] == [], day
    assert _nudged(ws) == {title: 1 for title in OVERDUE}

    week_on = _sync(ws, "2026-12-11T09:00:00Z")
    assert sorted(n["outcome"] for n in week_on["nudges"]) == ["sent", "sent"]
    assert _nudged(ws) == {title: 2 for title in OVERDUE}
    assert ws.request_problems() == []


def test_a_refused_comment_waits_out_the_period_and_nothing_else_changes(
    tmp_path: Path,
) -> None:
    with FakeJira("cloud") as jira:
        ws = _ready(JiraWorkspace(tmp_path, jira))
        _sync(ws, DAY0)
        with jira.state.lock:
            before = {
                k: (i.summary, i.assignee, i.duedate, i.labels[:], i.status, i.description)
                for k, i in jira.state.issues.items()
            }
        # Jira refuses the first comment for good (as for an issue gone or not commentable).
        jira.faults.on("POST", "/rest/api/*/issue/*/comment", Fault("405"), times=1)

        refused = _sync(ws, DAY1)
        assert sorted(n["outcome"] for n in refused["nudges"]) == ["refused", "sent"]
        assert sum(_nudged(ws).values()) == 1

        assert _sync(ws, "2026-12-04T10:00:00Z")["nudges"] == []  # not asked again at once
        week_on = _sync(ws, "2026-12-11T09:00:00Z")
        assert sorted(n["outcome"] for n in week_on["nudges"]) == ["sent", "sent"]
        assert sorted(_nudged(ws).values()) == [1, 2]
        with jira.state.lock:
            after = {
                k: (i.summary, i.assignee, i.duedate, i.labels[:], i.status, i.description)
                for k, i in jira.state.issues.items()
            }
        assert after == before, "a nudge changed a field"
