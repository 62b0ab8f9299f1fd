"""Exactly once, for real: ``syncd sync`` processes against the fake GitHub over loopback.

Killed with SIGKILL at random moments, hit by 30 % failing requests, or left without its
state store: every action item ends up on exactly one GitHub issue. GitHub's writes are at
least one second apart (the connector paces them on the real clock in these processes), so
the item counts stay small; the fake's secondary limits are off except where a test is about
them, and every request syncd sent is checked against GitHub's published API description.
"""

from __future__ import annotations

import random
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.github_workspace import LABEL, LOGINS, GitHubWorkspace, write_postmortems
from tests.fakes.github.contract import validate_requests
from tests.fakes.github.limits import SecondaryLimits
from tests.fakes.github.server import FakeGitHub
from tests.support.proofs import rounds

DOCUMENTS, ITEMS_PER_DOCUMENT = 2, 4
ITEMS = DOCUMENTS * ITEMS_PER_DOCUMENT
KILLS = rounds(ci=10, full=25)


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[GitHubWorkspace]:
    with FakeGitHub(secondary=SecondaryLimits.off()) as fake:
        ws = GitHubWorkspace(tmp_path, fake)
        write_postmortems(tmp_path / "docs", DOCUMENTS, ITEMS_PER_DOCUMENT)
        ws.write_config()
        yield ws


def assert_exactly_once(ws: GitHubWorkspace, items: int = ITEMS) -> None:
    per_marker = ws.issues_per_marker()
    duplicated = {marker: n for marker, n in per_marker.items() if n > 1}
    assert duplicated == {}, f"items mirrored more than once: {duplicated}"
    assert len(per_marker) == items, f"{len(per_marker)} of {items} items mirrored"
    assert len(ws.issues()) == items
    # Every request syncd sent is one GitHub's published API description allows.
    assert validate_requests(ws.fake.requests) == []


def _document(ws: GitHubWorkspace, number: int) -> Path:
    return next((ws.root / "docs").glob(f"*incident-{number}.md"))


def _set_due_in_document(ws: GitHubWorkspace, fragment: str, due: str) -> None:
    doc = _document(ws, int(fragment.split()[-1].split("-")[0]))
    text = doc.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if fragment in line)
    doc.write_text(text.replace(line, line.rsplit(" due ", 1)[0] + f" due {due}"), "utf-8")


def _with_due_line(body: str | None, due: str) -> str:
    lines = (body or "").split("\n")
    return "\n".join(f"Due: {due}" if line.startswith("Due: ") else line for line in lines)


def test_first_sync_creates_each_item_once_and_the_next_write_nothing(
    workspace: GitHubWorkspace,
) -> None:
    first = workspace.sync()
    assert first["created"] == ITEMS, first["errors"]
    assert first["errors"] == []
    assert_exactly_once(workspace)
    issue = workspace.issue_with("Cap consumer 0-0 ")
    assert [label.name for label in issue.labels] == [LABEL]
    assert [a.login for a in issue.assignees] == [LOGINS["alice"]]
    assert "\nDue: 2026-12-01\n" in (issue.body or "")
    assert "https://git.example.com/postmortems/" in (issue.body or "")
    assert workspace.fake.drops == []

    workspace.fake.clear_requests()
    second = workspace.sync()
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, ITEMS)
    # One list request reads back what the first cycle wrote; nothing is written.
    assert [r.method for r in workspace.fake.requests] == ["GET"]

    workspace.fake.clear_requests()
    third = workspace.sync()
    assert (third["created"], third["updated"], third["unchanged"]) == (0, 0, ITEMS)
    # Nothing changed: one conditional list request, answered 304 (free of rate limit).
    assert [(r.method, r.status) for r in workspace.fake.requests] == [("GET", 304)]
    assert_exactly_once(workspace)


def test_sigkill_at_random_moments_never_duplicates(workspace: GitHubWorkspace) -> None:
    workspace.sync()
    rng = random.Random(20261122)
    items = ITEMS
    killed = 0
    for trial in range(40):
        if killed == KILLS:
            break
        # Every trial brings a new item, so every run has a create to be killed in the middle of.
        with _document(workspace, trial % DOCUMENTS).open("a", encoding="utf-8") as extra:
            extra.write(f"- [ ] Add a dashboard for trial {trial} queue @alice\n")
        items += 1
        before = len(workspace.fake.requests)
        # A run lists (1), creates (1 per pending item) and reads back (1): kill within that.
        target = before + rng.randint(1, 3)
        process = workspace.start()
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
    workspace: GitHubWorkspace,
) -> None:
    workspace.fake.faults.random(
        rate=0.3, kinds=["429", "500", "502", "503", "drop_before", "drop_after"], seed=7
    )
    for _attempt in range(12):
        workspace.sync()
        if len(workspace.issues_per_marker()) == ITEMS:
            break
    assert any(r.fault for r in workspace.fake.requests)
    workspace.fake.faults.clear()
    workspace.sync()
    assert_exactly_once(workspace)
    assert workspace.fake.requests_before_retry_after() == []


def test_a_deleted_state_store_creates_nothing_new(workspace: GitHubWorkspace) -> None:
    workspace.sync()
    shutil.rmtree(workspace.state)
    workspace.fake.clear_requests()
    again = workspace.sync()
    assert (again["created"], again["adopted"]) == (0, ITEMS)
    # Adopted by their markers, which they carry with their labels: nothing to write.
    assert [r for r in workspace.fake.requests if r.method != "GET"] == []
    assert_exactly_once(workspace)


def test_peoples_edits_on_github_are_kept_and_a_change_on_both_sides_is_reported(
    workspace: GitHubWorkspace,
) -> None:
    workspace.sync()
    fake = workspace.fake
    person = fake.state.add_user("dave-gh", "Dave")
    # A person reassigns one issue and moves its due date ...
    edited = workspace.issue_with("Cap consumer 0-1 ")
    fake.state.edit_issue(
        fake.repo,
        edited.number,
        person,
        assignees=[LOGINS["carol"]],
        body=_with_due_line(edited.body, "2027-03-31"),
    )
    # ... and moves another's due date, which the postmortem moves too, differently.
    both = workspace.issue_with("Cap consumer 1-2 ")
    fake.state.edit_issue(
        fake.repo, both.number, person, body=_with_due_line(both.body, "2027-05-31")
    )
    _set_due_in_document(workspace, "Cap consumer 1-2", "2027-01-15")
    fake.clear_requests()

    result = workspace.sync()
    # The description carries the due date "as written", which the postmortem changed: it is
    # the one write, to the issue changed on both sides, and it leaves the Due line alone.
    assert (result["created"], result["updated"]) == (0, 1)
    writes = [(r.method, r.api_path) for r in fake.requests if r.method != "GET"]
    assert writes == [("PATCH", f"/repos/{fake.repo.full_name}/issues/{both.number}")]
    assert "Due date as written: 2027-01-15" in (both.body or "")
    assert [a.login for a in edited.assignees] == [LOGINS["carol"]]
    assert "\nDue: 2027-03-31\n" in (edited.body or "")
    assert "\nDue: 2027-05-31\n" in (both.body or "")
    conflicts = [e for e in result["errors"] if e.get("key") == workspace.key_of(both)]
    assert len(conflicts) == 1 and conflicts[0]["details"]["field"] == "due"
    assert not [e for e in result["errors"] if e.get("key") == workspace.key_of(edited)]
    assert_exactly_once(workspace)
