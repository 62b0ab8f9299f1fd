"""Write-back end to end: real ``syncd sync`` processes, a bare git repository as the source's
remote, the fake Jira or GitHub as the tracker (GitHub also takes the pull requests).

The keys syncd writes read back as the same items: the next cycle creates nothing, an empty
state store is rebuilt without a duplicate, a done issue marks its item done once, a dry run
previews and writes nothing, and two syncs started at once open one pull request.
"""

from __future__ import annotations

import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.workspaces import GitHubWorkspace, JiraWorkspace, Workspace
from tests.fakes.faults import Fault
from tests.fakes.github.limits import SecondaryLimits
from tests.fakes.github.server import FakeGitHub
from tests.fakes.jira.server import FakeJira
from tests.sources.markdown_support import git
from tests.sources.write_back_support import (
    bare_origin,
    branches,
    commits,
    push_upstream,
    show_bytes,
)

DOCUMENT = "2026-11-20-checkout.md"
TEXT = textwrap.dedent("""\
    ---
    title: Checkout outage
    date: 2026-11-20
    ---
    # Checkout outage

    ## Action items

    - [ ] Rotate the signing keys @alice due 2027-01-15
    - [ ] Add an alert on the error budget @carol due 2027-01-20

    | Action | Owner | Ticket |
    |---|---|---|
    | Write the failover runbook | Bob Jones | |
    """)
TITLES = (
    "Rotate the signing keys",
    "Add an alert on the error budget",
    "Write the failover runbook",
)


def _team_file(ws: Workspace, bare: Path, write_back: str) -> None:
    teams = ws.config / "teams"
    teams.mkdir(parents=True, exist_ok=True)
    head = textwrap.dedent(f"""\
        team: payments
        timezone: Europe/Berlin
        sources:
          - name: pm
            type: markdown
            git: {{url: "{bare}", branch: main}}
            write_back: {write_back}
        """)
    (teams / "payments.yaml").write_text(head + ws.tracker_block(), encoding="utf-8")


def _pull_request_workspace(tmp_path: Path, bare: Path, github: FakeGitHub) -> GitHubWorkspace:
    """GitHub as the tracker, and as the host of the pull requests."""
    ws = GitHubWorkspace(tmp_path / "ws", github)
    write_back = (
        f'{{mode: pull_request, provider: github, api_url: "{github.url}", '
        f'repository: {github.repo.full_name}, token: "${{GITHUB_TOKEN}}"}}'
    )
    _team_file(ws, bare, write_back)
    return ws


def _document(bare: Path, branch: str = "main") -> str:
    return show_bytes(bare, DOCUMENT, branch).decode("utf-8")


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    return bare_origin(tmp_path, {DOCUMENT: TEXT})


@pytest.fixture
def jira_ws(tmp_path: Path, bare: Path) -> Iterator[JiraWorkspace]:
    with FakeJira("cloud") as jira:
        ws = JiraWorkspace(tmp_path / "ws", jira)
        _team_file(ws, bare, "{mode: commit}")
        yield ws


def test_keys_written_back_read_back_as_the_same_items(jira_ws: JiraWorkspace, bare: Path) -> None:
    preview = jira_ws.sync("--dry-run")
    assert preview["write_back"] == [
        {"source": "pm", "change": None, "error": None, "edits": [], "withdrawn": None}
    ]  # no issue yet: nothing to write
    first = jira_ws.sync()
    assert first["created"] == 3 and first["written_back"] == 3
    text = _document(bare)
    keys = sorted(k for k in jira_ws.fake.state.issues)
    for key in keys:
        assert f"[{key}]({jira_ws.fake.url}/browse/{key})" in text
    assert commits(bare)[0].startswith("syncd: syncd: tracker keys for 3 action item(s)")
    # Only the three items' lines changed.
    changed = [(a, b) for a, b in zip(TEXT.splitlines(), text.splitlines(), strict=True) if a != b]
    assert [a for a, _ in changed] == [
        "- [ ] Rotate the signing keys @alice due 2027-01-15",
        "- [ ] Add an alert on the error budget @carol due 2027-01-20",
        "| Write the failover runbook | Bob Jones | |",
    ]

    again = jira_ws.sync()
    assert (again["created"], again["adopted"], again["written_back"]) == (0, 0, 0)
    assert again["write_back"][0]["edits"] == []
    assert len(commits(bare)) == 2
    assert jira_ws.issue_count() == 3

    # A lost state store: rebuilt from the markers and the keys, no duplicate.
    import shutil

    shutil.rmtree(jira_ws.state)
    rebuilt = jira_ws.sync()
    assert rebuilt["created"] == 0 and rebuilt["written_back"] == 0
    assert jira_ws.issue_count() == 3
    assert set(jira_ws.issues_per_marker().values()) == {1}
    assert jira_ws.request_problems() == []


def test_turned_on_later_a_dry_run_previews_then_a_sync_writes(tmp_path: Path, bare: Path) -> None:
    with FakeJira("cloud") as jira:
        ws = JiraWorkspace(tmp_path / "ws", jira)
        _team_file(ws, bare, '{mode: "off"}')
        off = ws.sync()
        assert off["created"] == 3 and "write_back" not in off and "written_back" not in off
        _team_file(ws, bare, "{mode: commit}")
        key = next(k for k, i in jira.state.issues.items() if i.summary == TITLES[0])
        jira.state.transition(key, "Done")
        preview = ws.sync("--dry-run")
        planned = [p for p in preview["plan"] if p["target"] == "document"]
        assert sorted(p["key"] for p in planned) == sorted(jira.state.issues)
        assert all(p["op"] == "write_back" and p["document"] == DOCUMENT for p in planned)
        assert _document(bare) == TEXT and len(commits(bare)) == 1  # a dry run writes nothing
        written = ws.sync()
        assert written["written_back"] == 3
        assert f"- [x] Rotate the signing keys @alice due 2027-01-15 ([{key}]" in _document(bare)
        assert ws.sync()["written_back"] == 0
        assert len(commits(bare)) == 2
        assert ws.issue_count() == 3


def test_two_syncs_at_once_open_one_pull_request(tmp_path: Path, bare: Path) -> None:
    """Two ``syncd sync`` processes started together: the team's lease lets one work the
    team; GitHub holds one pull request from syncd's branch, whichever process pushed."""
    with FakeGitHub(secondary=SecondaryLimits.off(), pull_requests=0) as github:
        ws = _pull_request_workspace(tmp_path, bare, github)
        processes = [ws.start(), ws.start()]
        for process in processes:
            process.wait(timeout=300)
        assert all(p.returncode in (0, 1) for p in processes)
        pulls = [i for i in github.repo.issues.values() if i.is_pull_request]
        assert [(p.head, p.base, p.state) for p in pulls] == [
            ("syncd/tracker-keys", "main", "open")
        ]
        assert len(ws.issues()) == 3 and set(ws.issues_per_marker().values()) == {1}
        branch = _document(bare, "syncd/tracker-keys")
        assert all(f"acme/payments#{i.number}" in branch for i in ws.issues())
        assert _document(bare) == TEXT
        # The next cycle finds the request open and its branch unchanged.
        settled = ws.sync()
        assert settled["written_back"] == 0
        assert {e["outcome"] for e in settled["write_back"][0]["edits"]} == {"pending"}
        assert len([i for i in github.repo.issues.values() if i.is_pull_request]) == 1
        assert branches(bare) == ["main", "syncd/tracker-keys"]
        assert ws.request_problems() == []


def test_killed_between_its_push_and_the_pull_request_the_next_sync_opens_it_once(
    tmp_path: Path, bare: Path
) -> None:
    """SIGKILL after syncd pushed its branch and before the pull request was opened (GitHub
    holds the look for an open one): the next sync pushes nothing new and opens it, once."""
    with FakeGitHub(secondary=SecondaryLimits.off(), pull_requests=0) as github:
        ws = _pull_request_workspace(tmp_path, bare, github)
        github.faults.on("GET", "*/pulls", Fault("slow", delay=120))
        process = ws.start()
        deadline = time.monotonic() + 120
        while "syncd/tracker-keys" not in branches(bare):
            assert process.poll() is None and time.monotonic() < deadline
            threading.Event().wait(0.05)
        pushed = git(bare, "rev-parse", "syncd/tracker-keys").strip()
        process.kill()
        process.wait(timeout=30)
        assert [i for i in github.repo.issues.values() if i.is_pull_request] == []
        github.faults = type(github.faults)()
        after = ws.sync()
        assert after["written_back"] == 3
        assert git(bare, "rev-parse", "syncd/tracker-keys").strip() == pushed  # not pushed again
        pulls = [i for i in github.repo.issues.values() if i.is_pull_request]
        assert [(p.head, p.state) for p in pulls] == [("syncd/tracker-keys", "open")]
        assert ws.sync()["written_back"] == 0
        assert len([i for i in github.repo.issues.values() if i.is_pull_request]) == 1
        assert len(ws.issues()) == 3


def test_a_key_or_done_mark_a_person_removes_is_not_written_again(
    tmp_path: Path, jira_ws: JiraWorkspace, bare: Path
) -> None:
    assert jira_ws.sync()["written_back"] == 3
    assert jira_ws.sync()["written_back"] == 0  # the keys read back: seen in the document
    key = next(k for k, i in jira_ws.fake.state.issues.items() if i.summary == TITLES[0])
    link = f" ([{key}]({jira_ws.fake.url}/browse/{key}))"
    assert link in _document(bare)
    push_upstream(tmp_path, bare, lambda text: text.replace(link, ""), document=DOCUMENT)
    for _ in range(2):
        after = jira_ws.sync()
        assert after["errors"] == [] and after["written_back"] == 0, after["write_back"]
        [declined] = after["write_back"][0]["edits"]
        assert (declined["key"], declined["outcome"]) == (key, "declined")
        assert "removed" in declined["reason"]
    assert link not in _document(bare)
    assert jira_ws.issue_count() == 3  # the item keeps its issue, by its marker

    # The done mark: written once when the issue is done, not again once a person un-ticks it.
    other = next(k for k, i in jira_ws.fake.state.issues.items() if i.summary == TITLES[1])
    jira_ws.fake.state.transition(other, "Done")
    assert jira_ws.sync()["written_back"] == 1
    assert jira_ws.sync()["written_back"] == 0
    ticked = f"- [x] {TITLES[1]}"
    assert ticked in _document(bare)
    push_upstream(
        tmp_path, bare, lambda t: t.replace(ticked, f"- [ ] {TITLES[1]}"), document=DOCUMENT
    )
    for _ in range(2):
        after = jira_ws.sync()
        assert after["written_back"] == 0, after["write_back"]
    assert ticked not in _document(bare)
    commits_before = len(commits(bare))

    # A lost state store forgets what was seen: one re-write per item at most, then none.
    import shutil

    shutil.rmtree(jira_ws.state)
    rebuilt = jira_ws.sync()
    assert rebuilt["created"] == 0 and rebuilt["written_back"] <= 2
    assert jira_ws.sync()["written_back"] == 0
    assert len(commits(bare)) <= commits_before + 1


def test_a_pull_request_left_with_nothing_to_propose_is_closed_with_a_comment(
    tmp_path: Path, bare: Path
) -> None:
    """People add the keys by hand while syncd's pull request is open: syncd has nothing left
    to propose, so it closes its request, saying why, once; nothing is opened again."""
    with FakeGitHub(secondary=SecondaryLimits.off(), pull_requests=0) as github:
        ws = _pull_request_workspace(tmp_path, bare, github)
        assert ws.sync()["written_back"] == 3
        [pull] = [i for i in github.repo.issues.values() if i.is_pull_request]
        proposed = _document(bare, "syncd/tracker-keys")
        push_upstream(tmp_path, bare, lambda _: proposed, document=DOCUMENT)
        settled = ws.sync()
        assert settled["errors"] == [] and settled["written_back"] == 0
        assert settled["write_back"][0]["withdrawn"].endswith(f"/pull/{pull.number}")
        assert pull.state == "closed"
        assert len(pull.comments) == 1 and "nothing left to propose" in pull.comments[0].body
        quiet = ws.sync()
        assert quiet["write_back"][0]["withdrawn"] is None
        assert [i.state for i in github.repo.issues.values() if i.is_pull_request] == ["closed"]
        assert ws.request_problems() == []
