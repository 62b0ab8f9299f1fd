"""Exactly once, for real: ``syncd sync`` processes against the fake Jira and the fake GitHub
over loopback.

Killed with SIGKILL at random moments, hit by 30 % failing requests, or left without its
state store: every action item ends up on exactly one issue, and every request syncd sent is
one the tracker's published API description allows. GitHub's writes are at least one second
apart (the connector paces them on the real clock in these processes), so its item counts
stay small; its fake's secondary limits are off.
"""

from __future__ import annotations

import random
import shutil
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.workspaces import (
    LABEL,
    LOGINS,
    TRACKERS,
    GitHubWorkspace,
    JiraWorkspace,
    Workspace,
    tracker_workspace,
    write_postmortems,
)
from tests.fakes.jira.server import FakeJira
from tests.support.proofs import rounds

KILLS = rounds(ci=10, full=25)


@dataclass(frozen=True)
class Case:
    """How the proofs differ by tracker: the size of the team, and how they are driven."""

    documents: int
    items_per_document: int
    kill_seed: int
    synced_before_kills: bool  # the kills start from a mirrored team, else from nothing
    items_per_trial: int  # new items before each run that is killed
    kill_within: int  # the kill comes 1..kill_within requests into the run
    fault_kinds: tuple[str, ...]
    adoption_writes_nothing: bool  # adopting by markers needs no write at all

    @property
    def items(self) -> int:
        return self.documents * self.items_per_document


CASES = {
    "jira": Case(
        documents=8,
        items_per_document=6,
        kill_seed=20261121,
        synced_before_kills=False,
        items_per_trial=2,
        kill_within=6,
        fault_kinds=("429", "500", "503", "drop_before", "drop_after"),
        adoption_writes_nothing=False,
    ),
    # A run lists (1), creates (1 per pending item) and reads back (1): kill within that.
    "github": Case(
        documents=2,
        items_per_document=4,
        kill_seed=20261122,
        synced_before_kills=True,
        items_per_trial=1,
        kill_within=3,
        fault_kinds=("429", "500", "502", "503", "drop_before", "drop_after"),
        adoption_writes_nothing=True,  # markers travel with the labels
    ),
}


@pytest.fixture(params=TRACKERS)
def workspace(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Workspace]:
    case = CASES[request.param]
    with tracker_workspace(tmp_path, request.param) as ws:
        write_postmortems(tmp_path / "docs", case.documents, case.items_per_document)
        ws.write_config()
        yield ws


@pytest.fixture
def jira(tmp_path: Path) -> Iterator[JiraWorkspace]:
    case = CASES["jira"]
    with FakeJira("cloud") as fake:
        ws = JiraWorkspace(tmp_path, fake)
        write_postmortems(tmp_path / "docs", case.documents, case.items_per_document)
        ws.write_config()
        yield ws


@pytest.fixture
def github(tmp_path: Path) -> Iterator[GitHubWorkspace]:
    case = CASES["github"]
    with tracker_workspace(tmp_path, "github") as ws:
        assert isinstance(ws, GitHubWorkspace)
        write_postmortems(tmp_path / "docs", case.documents, case.items_per_document)
        ws.write_config()
        yield ws


def assert_exactly_once(ws: Workspace, items: int | None = None) -> None:
    items = CASES[ws.tracker].items if items is None else items
    per_marker = ws.issues_per_marker()
    duplicated = {marker: n for marker, n in per_marker.items() if n > 1}
    assert duplicated == {}, f"items mirrored more than once: {duplicated}"
    assert len(per_marker) == items, f"{len(per_marker)} of {items} items mirrored"
    assert ws.issue_count() == items
    # Every request syncd sent is one the tracker's published API description allows.
    assert ws.request_problems() == []


def _document(ws: Workspace, number: int) -> Path:
    return next((ws.root / "docs").glob(f"*incident-{number}.md"))


# -- the same proofs on every tracker --------------------------------------------------------


def test_first_sync_creates_each_item_once_and_the_next_writes_nothing(
    workspace: Workspace,
) -> None:
    items = CASES[workspace.tracker].items
    first = workspace.sync()
    assert first["created"] == items, first["errors"]
    assert_exactly_once(workspace)
    if isinstance(workspace, JiraWorkspace):
        _jira_first_issue_and_a_quiet_second_sync(workspace)
    else:
        assert isinstance(workspace, GitHubWorkspace)
        assert first["errors"] == []
        _github_first_issue_and_quiet_next_syncs(workspace)


def _jira_first_issue_and_a_quiet_second_sync(ws: JiraWorkspace) -> None:
    issue = next(iter(ws.fake.state.issues.values()))
    assert "postmortem-action" in issue.labels and issue.duedate is not None
    ws.fake.clear_requests()
    second = ws.sync()
    assert (second["created"], second["updated"]) == (0, 0)
    writes = [
        r
        for r in ws.fake.requests
        if r.method in ("POST", "PUT") and not r.path.endswith("/search/jql")
    ]
    assert writes == []
    assert len(ws.fake.requests) <= 3


def _github_first_issue_and_quiet_next_syncs(ws: GitHubWorkspace) -> None:
    items = CASES["github"].items
    issue = ws.issue_with("Cap consumer 0-0 ")
    assert [label.name for label in issue.labels] == [LABEL]
    assert [a.login for a in issue.assignees] == [LOGINS["alice"]]
    assert "\nDue: 2026-12-01\n" in (issue.body or "")
    assert "https://git.example.com/postmortems/" in (issue.body or "")
    assert ws.fake.drops == []

    ws.fake.clear_requests()
    second = ws.sync()
    assert (second["created"], second["updated"], second["unchanged"]) == (0, 0, items)
    # One list request reads back what the first cycle wrote; nothing is written.
    assert [r.method for r in ws.fake.requests] == ["GET"]

    ws.fake.clear_requests()
    third = ws.sync()
    assert (third["created"], third["updated"], third["unchanged"]) == (0, 0, items)
    # Nothing changed: one conditional list request, answered 304 (free of rate limit).
    assert [(r.method, r.status) for r in ws.fake.requests] == [("GET", 304)]
    assert_exactly_once(ws)


def test_sigkill_at_random_moments_never_duplicates(workspace: Workspace) -> None:
    case = CASES[workspace.tracker]
    if case.synced_before_kills:
        workspace.sync()
    rng = random.Random(case.kill_seed)
    items = case.items
    killed = 0
    for trial in range(40):
        if killed == KILLS:
            break
        # Every trial brings new items, so every run has creates to be killed in the middle of.
        with _document(workspace, trial % case.documents).open("a", encoding="utf-8") as extra:
            for n in range(case.items_per_trial):
                extra.write(f"- [ ] Add a dashboard for trial {trial} queue {n} @alice\n")
        items += case.items_per_trial
        before = len(workspace.fake.requests)
        process = workspace.start()
        target = before + rng.randint(1, case.kill_within)
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
    workspace: Workspace,
) -> None:
    case = CASES[workspace.tracker]
    workspace.fake.faults.random(rate=0.3, kinds=list(case.fault_kinds), seed=7)
    for _attempt in range(12):
        workspace.sync()
        if len(workspace.issues_per_marker()) == case.items:
            break
    assert any(r.fault for r in workspace.fake.requests)
    workspace.fake.faults.clear()
    workspace.sync()
    assert_exactly_once(workspace)
    assert workspace.fake.requests_before_retry_after() == []


def test_a_deleted_state_store_creates_nothing_new(workspace: Workspace) -> None:
    case = CASES[workspace.tracker]
    workspace.sync()
    shutil.rmtree(workspace.state)
    workspace.fake.clear_requests()
    again = workspace.sync()
    assert (again["created"], again["adopted"]) == (0, case.items)
    if case.adoption_writes_nothing:
        # Adopted by their markers, which they carry with their labels: nothing to write.
        assert [r for r in workspace.fake.requests if r.method != "GET"] == []
    assert_exactly_once(workspace)


# -- Jira: people's edits, conflicts, statuses, Data Center ----------------------------------


def test_a_persons_change_in_jira_survives_the_next_sync(jira: JiraWorkspace) -> None:
    jira.sync()
    key = next(iter(jira.fake.state.issues))
    jira.fake.state.edit(key, duedate="2027-03-31")
    jira.sync()
    assert jira.fake.state.issue(key).duedate == "2027-03-31"


def _issue_of(ws: JiraWorkspace, fragment: str) -> str:
    return next(k for k, i in ws.fake.state.issues.items() if fragment in i.summary)


def test_editing_an_item_in_its_document_updates_its_issue(jira: JiraWorkspace) -> None:
    jira.sync()
    key = _issue_of(jira, "Cap consumer 0-1 ")
    doc = _document(jira, 0)
    doc.write_text(
        doc.read_text(encoding="utf-8").replace(
            "Cap consumer 0-1 concurrency at 11 workers",
            "Cap consumer 0-1 concurrency at 12 workers",
        ),
        encoding="utf-8",
    )
    result = jira.sync()
    assert (result["created"], result["updated"]) == (0, 1)
    assert "at 12 workers" in jira.fake.state.issue(key).summary
    assert_exactly_once(jira)


def _set_due_in_document(ws: Workspace, fragment: str, due: str) -> None:
    doc = _document(ws, int(fragment.split()[-1].split("-")[0]))
    text = doc.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if fragment in line)
    doc.write_text(text.replace(line, line.rsplit(" due ", 1)[0] + f" due {due}"), "utf-8")


def test_a_change_on_both_sides_keeps_jiras_value_and_is_reported(jira: JiraWorkspace) -> None:
    jira.sync()
    key = _issue_of(jira, "Cap consumer 0-1 ")
    jira.fake.state.edit(key, duedate="2027-05-31")
    _set_due_in_document(jira, "Cap consumer 0-1", "2027-01-15")
    result = jira.sync()
    assert jira.fake.state.issue(key).duedate == "2027-05-31"
    conflicts = [e for e in result["errors"] if e.get("key") == key]
    assert conflicts and conflicts[0]["details"]["field"] == "due"


def test_status_is_read_back_from_jira(jira: JiraWorkspace) -> None:
    jira.sync()
    done = _issue_of(jira, "Cap consumer 1-0 ")
    wont = _issue_of(jira, "Cap consumer 1-1 ")
    jira.fake.state.transition(done, "Done")
    jira.fake.state.transition(wont, "Done", resolution="Won't Do")
    result = jira.sync()
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


# -- GitHub: people's edits and a change on both sides ---------------------------------------


def _with_due_line(body: str | None, due: str) -> str:
    lines = (body or "").split("\n")
    return "\n".join(f"Due: {due}" if line.startswith("Due: ") else line for line in lines)


def test_peoples_edits_on_github_are_kept_and_a_change_on_both_sides_is_reported(
    github: GitHubWorkspace,
) -> None:
    github.sync()
    fake = github.fake
    person = fake.state.add_user("dave-gh", "Dave")
    # A person reassigns one issue and moves its due date ...
    edited = github.issue_with("Cap consumer 0-1 ")
    fake.state.edit_issue(
        fake.repo,
        edited.number,
        person,
        assignees=[LOGINS["carol"]],
        body=_with_due_line(edited.body, "2027-03-31"),
    )
    # ... and moves another's due date, which the postmortem moves too, differently.
    both = github.issue_with("Cap consumer 1-2 ")
    fake.state.edit_issue(
        fake.repo, both.number, person, body=_with_due_line(both.body, "2027-05-31")
    )
    _set_due_in_document(github, "Cap consumer 1-2", "2027-01-15")
    fake.clear_requests()

    result = github.sync()
    # The description carries the due date "as written", which the postmortem changed: it is
    # the one write, to the issue changed on both sides, and it leaves the Due line alone.
    assert (result["created"], result["updated"]) == (0, 1)
    writes = [(r.method, r.api_path) for r in fake.requests if r.method != "GET"]
    assert writes == [("PATCH", f"/repos/{fake.repo.full_name}/issues/{both.number}")]
    assert "Due date as written: 2027-01-15" in (both.body or "")
    assert [a.login for a in edited.assignees] == [LOGINS["carol"]]
    assert "\nDue: 2027-03-31\n" in (edited.body or "")
    assert "\nDue: 2027-05-31\n" in (both.body or "")
    conflicts = [e for e in result["errors"] if e.get("key") == github.key_of(both)]
    assert len(conflicts) == 1 and conflicts[0]["details"]["field"] == "due"
    assert not [e for e in result["errors"] if e.get("key") == github.key_of(edited)]
    assert_exactly_once(github)
