"""Identity across edits, documents and a lost state store, with real ``syncd`` processes.

Each history edits the postmortems the way people do — reword, reorder, move between
sections, rename or move a file, rename the source — and then loses the state store. The
tracker is the store's backup: the next sync creates nothing and links every item to its issue,
on the fake Jira and the fake GitHub alike.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.workspaces import (
    TRACKERS,
    JiraWorkspace,
    Workspace,
    tracker_workspace,
    write_postmortems,
)
from tests.fakes.jira.server import FakeJira
from tests.support import syncd_process
from tests.support.proofs import only_in_full_proofs

DOCUMENTS, ITEMS_PER_DOCUMENT = 2, 3
ITEMS = DOCUMENTS * ITEMS_PER_DOCUMENT


@pytest.fixture(params=TRACKERS)
def workspace(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Workspace]:
    write_postmortems(tmp_path / "docs", DOCUMENTS, ITEMS_PER_DOCUMENT)
    with tracker_workspace(tmp_path, request.param) as ws:
        ws.write_config()
        yield ws


def _docs(ws: Workspace) -> Path:
    return ws.root / "docs"


def _first_document(ws: Workspace) -> Path:
    """The first postmortem, wherever the history has put it by now."""
    [path] = [p for p in _docs(ws).rglob("*.md") if "title: Incident 0\n" in p.read_text()]
    return path


def _edit(path: Path, change: Callable[[str], str]) -> None:
    before = path.read_text(encoding="utf-8")
    after = change(before)
    assert after != before, "the history step changed nothing"
    path.write_text(after, encoding="utf-8")


def reword(ws: Workspace) -> None:
    _edit(
        _first_document(ws),
        lambda text: text.replace(
            "Cap consumer 0-1 concurrency", "Cap the consumer 0-1 concurrency"
        ),
    )


def reorder(ws: Workspace) -> None:
    def reversed_items(text: str) -> str:
        lines = text.splitlines()
        items = [i for i, line in enumerate(lines) if line.startswith("- [ ]")]
        for index, line in zip(items, reversed([lines[i] for i in items]), strict=True):
            lines[index] = line
        return "\n".join(lines) + "\n"

    _edit(_first_document(ws), reversed_items)


def move_between_sections(ws: Workspace) -> None:
    def moved(text: str) -> str:
        lines = text.splitlines()
        [line] = [x for x in lines if "consumer 0-0 " in x]
        lines.remove(line)
        return "\n".join([*lines, "", "## Follow-ups", "", line]) + "\n"

    _edit(_first_document(ws), moved)


def rename_file(ws: Workspace) -> None:
    path = _first_document(ws)
    path.rename(path.with_name("2026-10-01-queue-backlog.md"))


def move_to_folder(ws: Workspace) -> None:
    path = _first_document(ws)
    archive = _docs(ws) / "archive" / "2026"
    archive.mkdir(parents=True)
    path.rename(archive / path.name)


def rename_source(ws: Workspace) -> None:
    _edit(ws.config / "teams" / "payments.yaml", lambda t: t.replace("name: pm\n", "name: pms\n"))


HISTORIES = [reword, reorder, move_between_sections, rename_file, move_to_folder, rename_source]


def status_items(ws: Workspace) -> list[dict[str, Any]]:
    done = syncd_process.run(
        ["status", "--config", str(ws.config), "--json"],
        env=ws.env(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr.decode(errors="replace")[-2000:]
    items: list[dict[str, Any]] = json.loads(done.stdout)["teams"]["payments"]["items"]
    return items


def assert_each_item_on_its_own_issue(ws: Workspace, items: int = ITEMS) -> None:
    per_marker = ws.issues_per_marker()
    assert sorted(per_marker.values()) == [1] * items, per_marker  # no item twice
    assert ws.issue_count() == items  # and no issue with two markers, none created again
    current = [i for i in status_items(ws) if "orphaned" not in i["flags"]]
    assert len(current) == items
    unlinked = [i["title"] for i in current if not i["tracker_ref"]]
    assert unlinked == [], f"items without their issue: {unlinked}"
    # Linked by the markers' ids (Jira's marker is the label ``syncd-<id>``).
    assert {i["id"] for i in current} == {m.removeprefix("syncd-") for m in per_marker}


def lose_the_store(ws: Workspace) -> None:
    shutil.rmtree(ws.state)


def _one_tracker_per_history_in_ci(
    ws: Workspace,
    history: Callable[[Workspace], None],
    *,
    parity: int,
    only: tuple[Callable[[Workspace], None], ...] = tuple(HISTORIES),
) -> None:
    """CI runs each history on one tracker per test, the other tracker in the other test, so
    that every history meets both trackers and each test both."""
    on_github = ws.tracker == "github"
    keep = (HISTORIES.index(history) + on_github) % 2 == parity and history in only
    only_in_full_proofs(keep, "CI runs this history on the other tracker in this test")


@pytest.mark.parametrize("history", HISTORIES, ids=lambda h: h.__name__)
def test_an_edit_then_a_lost_store_creates_nothing(
    workspace: Workspace, history: Callable[[Workspace], None]
) -> None:
    _one_tracker_per_history_in_ci(workspace, history, parity=0)
    first = workspace.sync()
    assert first["created"] == ITEMS, first["errors"]

    history(workspace)
    lose_the_store(workspace)  # before any sync saw the edit: the tracker has the old text
    after = workspace.sync()

    assert after["created"] == 0, after
    assert_each_item_on_its_own_issue(workspace)
    assert workspace.request_problems() == []
    again = workspace.sync()
    assert (again["created"], again["adopted"]) == (0, 0), again


@pytest.mark.parametrize("history", HISTORIES, ids=lambda h: h.__name__)
def test_an_edit_synced_then_a_lost_store_creates_nothing(
    workspace: Workspace, history: Callable[[Workspace], None]
) -> None:
    # The cross-document histories here in CI (on the tracker the test above does not give
    # them); the randomized history proof and the full proofs cover the rest.
    _one_tracker_per_history_in_ci(
        workspace, history, parity=1, only=(rename_file, move_to_folder, rename_source)
    )
    workspace.sync()
    history(workspace)
    edited = workspace.sync()
    assert edited["created"] == 0, edited  # the store knows the item: identity kept
    assert not [e for e in edited["errors"] if "gone from its document" in e["error"]]
    assert_each_item_on_its_own_issue(workspace)

    lose_the_store(workspace)
    after = workspace.sync()

    assert after["created"] == 0, after
    assert_each_item_on_its_own_issue(workspace)


def test_several_edits_in_a_row_then_a_lost_store(workspace: Workspace) -> None:
    workspace.sync()
    for step in (reword, rename_file, rename_source, move_to_folder):
        step(workspace)
        assert workspace.sync()["created"] == 0
    lose_the_store(workspace)
    assert workspace.sync()["created"] == 0
    assert_each_item_on_its_own_issue(workspace)


def test_a_new_item_gets_an_issue_and_a_removed_one_is_reported(workspace: Workspace) -> None:
    workspace.sync()
    [removed] = [i["id"] for i in status_items(workspace) if "consumer 0-2 " in i["title"]]
    rename_file(workspace)
    rename_source(workspace)
    path = _first_document(workspace)

    def swap(text: str) -> str:
        text = re.sub(r"- \[ \] Cap consumer 0-2 .*\n", "", text)
        return text + "- [ ] Page the on-call when the dead-letter queue grows @carol\n"

    _edit(path, swap)
    result = workspace.sync()

    assert result["created"] == 1, result
    gone = [e for e in result["errors"] if "gone from its document" in e["error"]]
    assert [e["item"] for e in gone] == [removed], result["errors"]
    per_marker = workspace.issues_per_marker()
    assert sorted(per_marker.values()) == [1] * (ITEMS + 1)


@pytest.fixture
def jira(tmp_path: Path) -> Iterator[JiraWorkspace]:
    write_postmortems(tmp_path / "docs", DOCUMENTS, ITEMS_PER_DOCUMENT)
    with FakeJira("cloud") as fake:
        ws = JiraWorkspace(tmp_path, fake)
        ws.write_config()
        yield ws


def test_a_marker_removed_by_hand_then_a_lost_store_is_found_by_its_origin(
    jira: JiraWorkspace,
) -> None:
    jira.sync()
    with jira.fake.state.lock:
        issue = jira.fake.state.issue("PAY-2")
        [marker] = [label for label in issue.labels if label.startswith("syncd-")]
        issue.labels.remove(marker)
    lose_the_store(jira)

    after = jira.sync()

    assert after["created"] == 0, after
    [lost] = [e for e in after["errors"] if "lost its syncd marker" in e["error"]]
    assert lost["key"] == "PAY-2"
    assert marker in jira.fake.state.issue("PAY-2").labels  # put back
    assert_each_item_on_its_own_issue(jira)


def test_a_marker_copied_by_hand_is_reported_and_nothing_is_created(jira: JiraWorkspace) -> None:
    jira.sync()
    with jira.fake.state.lock:
        [marker] = [x for x in jira.fake.state.issue("PAY-1").labels if x.startswith("syncd-")]
    copy = jira.fake.state.create_issue(
        {
            "project": {"key": "PAY"},
            "issuetype": {"name": "Task"},
            "summary": "A person's copy",
            "labels": ["postmortem-action", marker],
        }
    )
    lose_the_store(jira)

    after = jira.sync()

    assert after["created"] == 0, after
    [copied] = [e for e in after["errors"] if "copied by hand" in e["error"]]
    assert copied["key"] == copy.key and "PAY-1" in copied["error"]
    [item] = [i for i in status_items(jira) if i["id"] == marker.removeprefix("syncd-")]
    assert item["tracker_ref"] == "PAY-1"


def test_a_dry_run_on_a_lost_store_plans_no_create_and_writes_nothing(
    jira: JiraWorkspace,
) -> None:
    jira.sync()
    rename_file(jira)
    lose_the_store(jira)
    jira.fake.clear_requests()

    planned = jira.sync("--dry-run")

    assert (planned["created"], planned["adopted"]) == (0, ITEMS), planned
    writes = [
        r for r in jira.fake.requests if r.method in ("POST", "PUT") and "/search" not in r.path
    ]
    assert writes == []
    assert not jira.state.exists() or not any(jira.state.iterdir())
