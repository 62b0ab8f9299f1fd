"""Exactly once, for real: ``syncd sync`` processes against the fake Jira over loopback.

Killed with SIGKILL at random moments, hit by 30 % failing requests, or left without its
state store: every action item ends up on exactly one Jira issue.
"""

from __future__ import annotations

import random
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.jira_workspace import JiraWorkspace, write_postmortems
from tests.fakes.jira.contract import validate_requests
from tests.fakes.jira.server import FakeJira
from tests.support.proofs import rounds

KILLS = rounds(ci=10, full=25)

DOCUMENTS, ITEMS_PER_DOCUMENT = 8, 6
ITEMS = DOCUMENTS * ITEMS_PER_DOCUMENT


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[JiraWorkspace]:
    with FakeJira("cloud") as fake:
        ws = JiraWorkspace(tmp_path, fake)
        write_postmortems(tmp_path / "docs", DOCUMENTS, ITEMS_PER_DOCUMENT)
        ws.write_config()
        yield ws


def assert_exactly_once(ws: JiraWorkspace, items: int = ITEMS) -> None:
    per_marker = ws.issues_per_marker()
    duplicated = {marker: n for marker, n in per_marker.items() if n > 1}
    assert duplicated == {}, f"items mirrored more than once: {duplicated}"
    assert len(per_marker) == items, f"{len(per_marker)} of {items} items mirrored"
    assert len(ws.fake.state.issues) == items


def test_first_sync_creates_each_item_once_and_the_second_writes_nothing(
    workspace: JiraWorkspace,
) -> None:
    first = workspace.sync()
    assert first["created"] == ITEMS, first["errors"]
    assert_exactly_once(workspace)
    # Every request syncd sent is one Jira's published API description allows.
    assert validate_requests(workspace.fake.requests) == []
    issue = next(iter(workspace.fake.state.issues.values()))
    assert "postmortem-action" in issue.labels and issue.duedate is not None
    workspace.fake.clear_requests()
    second = workspace.sync()
    assert (second["created"], second["updated"]) == (0, 0)
    writes = [
        r
        for r in workspace.fake.requests
        if r.method in ("POST", "PUT") and not r.path.endswith("/search/jql")
    ]
    assert writes == []
    assert len(workspace.fake.requests) <= 3


def test_sigkill_at_random_moments_never_duplicates(workspace: JiraWorkspace) -> None:
    rng = random.Random(20261121)
    items = ITEMS
    killed = 0
    for trial in range(40):
        if killed == KILLS:
            break
        # Every trial brings new items, so every run has creates to be killed in the middle of.
        doc = (
            workspace.root
            / "docs"
            / f"2026-10-{1 + trial % DOCUMENTS:02d}-incident-{trial % DOCUMENTS}.md"
        )
        with doc.open("a", encoding="utf-8") as extra:
            for n in range(2):
                extra.write(f"- [ ] Add a dashboard for trial {trial} queue {n} @alice\n")
        items += 2
        before = len(workspace.fake.requests)
        process = workspace.start()
        target = before + rng.randint(1, 6)
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if len(workspace.fake.requests) >= target:
                process.send_signal(signal.SIGKILL)
                killed += 1
                break
            time.sleep(0.002)  # polling the fake's request log, with a deadline
        process.wait(timeout=60)
        assert max(workspace.issues_per_marker().values(), default=0) <= 1
    workspace.sync()
    assert_exactly_once(workspace, items)
    assert killed == KILLS, f"only {killed} runs were killed before they finished"


def test_thirty_percent_failing_requests_converge_without_duplicates(
    workspace: JiraWorkspace,
) -> None:
    workspace.fake.faults.random(
        rate=0.3, kinds=["429", "500", "503", "drop_before", "drop_after"], seed=7
    )
    for _attempt in range(12):
        workspace.sync()
        if len(workspace.issues_per_marker()) == ITEMS:
            break
    workspace.fake.faults.clear()
    workspace.sync()
    assert_exactly_once(workspace)
    assert workspace.fake.requests_before_retry_after() == []


def test_a_deleted_state_store_creates_nothing_new(workspace: JiraWorkspace) -> None:
    workspace.sync()
    shutil.rmtree(workspace.state)
    again = workspace.sync()
    assert again["created"] == 0
    assert again["adopted"] == ITEMS
    assert_exactly_once(workspace)


def test_a_persons_change_in_jira_survives_the_next_sync(workspace: JiraWorkspace) -> None:
    workspace.sync()
    key = next(iter(workspace.fake.state.issues))
    workspace.fake.state.edit(key, duedate="2027-03-31")
    workspace.sync()
    assert workspace.fake.state.issue(key).duedate == "2027-03-31"


def _issue_of(ws: JiraWorkspace, fragment: str) -> str:
    return next(k for k, i in ws.fake.state.issues.items() if fragment in i.summary)


def test_editing_an_item_in_its_document_updates_its_issue(workspace: JiraWorkspace) -> None:
    workspace.sync()
    key = _issue_of(workspace, "Cap consumer 0-1 ")
    doc = next((workspace.root / "docs").glob("*incident-0.md"))
    doc.write_text(
        doc.read_text(encoding="utf-8").replace(
            "Cap consumer 0-1 concurrency at 11 workers",
            "Cap consumer 0-1 concurrency at 12 workers",
        ),
        encoding="utf-8",
    )
    result = workspace.sync()
    assert (result["created"], result["updated"]) == (0, 1)
    assert "at 12 workers" in workspace.fake.state.issue(key).summary
    assert_exactly_once(workspace)


def test_a_change_on_both_sides_keeps_jiras_value_and_is_reported(
    workspace: JiraWorkspace,
) -> None:
    workspace.sync()
    key = _issue_of(workspace, "Cap consumer 0-1 ")
    workspace.fake.state.edit(key, duedate="2027-05-31")
    doc = next((workspace.root / "docs").glob("*incident-0.md"))
    text = doc.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if "Cap consumer 0-1 " in line)
    doc.write_text(text.replace(line, line.rsplit(" due ", 1)[0] + " due 2027-01-15"), "utf-8")
    result = workspace.sync()
    assert workspace.fake.state.issue(key).duedate == "2027-05-31"
    conflicts = [e for e in result["errors"] if e.get("key") == key]
    assert conflicts and conflicts[0]["details"]["field"] == "due"


def test_status_is_read_back_from_jira(workspace: JiraWorkspace) -> None:
    workspace.sync()
    done = _issue_of(workspace, "Cap consumer 1-0 ")
    wont = _issue_of(workspace, "Cap consumer 1-1 ")
    workspace.fake.state.transition(done, "Done")
    workspace.fake.state.transition(wont, "Done", resolution="Won't Do")
    result = workspace.sync()
    assert result["closed"] == 2
    unexplained = [e for e in result["errors"] if e.get("key") == wont]
    assert unexplained and "without a reason" in unexplained[0]["error"]


def test_data_center_mirrors_with_a_personal_access_token(tmp_path: Path) -> None:
    with FakeJira("datacenter") as fake:
        ws = JiraWorkspace(tmp_path, fake, mode="datacenter")
        write_postmortems(tmp_path / "docs", 3, 4)
        ws.write_config()
        assert ws.sync()["created"] == 12
        assert ws.sync()["created"] == 0
        assert max(ws.issues_per_marker().values()) == 1
        issue = next(iter(fake.state.issues.values()))
        assert isinstance(issue.description, str)  # wiki text on Data Center, not ADF
