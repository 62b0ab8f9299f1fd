"""Follow-up review issues (``policy.review_issues``), for real: ``syncd sync`` processes
against the fake Jira and the fake GitHub over loopback.

One "Follow-up review: <postmortem>" issue per postmortem, created exactly once (across a
second sync, a lost state store, kills in the middle of a run), listing the items' issues,
and closed when every item is done.
"""

from __future__ import annotations

import random
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.workspaces import (
    TRACKERS,
    GitHubWorkspace,
    JiraWorkspace,
    Workspace,
    tracker_workspace,
    write_postmortems,
)
from tests.support.proofs import rounds

DOCUMENTS = 2
ITEMS_PER_DOCUMENT = 2
ITEMS = DOCUMENTS * ITEMS_PER_DOCUMENT
REVIEW = "Follow-up review: "
KILLS = rounds(ci=4, full=10)


@pytest.fixture(params=TRACKERS)
def workspace(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Workspace]:
    with tracker_workspace(tmp_path, request.param) as ws:
        write_postmortems(tmp_path / "docs", DOCUMENTS, ITEMS_PER_DOCUMENT)
        ws.write_config()
        team_file = ws.config / "teams" / "payments.yaml"
        with team_file.open("a", encoding="utf-8") as out:
            out.write("policy:\n  review_issues: true\n")
        yield ws


def reviews(ws: Workspace) -> dict[str, tuple[str, str, bool]]:
    """Each review issue by title: its key, its text, and whether it is closed."""
    if isinstance(ws, GitHubWorkspace):
        return {
            i.title: (ws.key_of(i), i.body or "", i.state == "closed")
            for i in ws.issues()
            if i.title.startswith(REVIEW)
        }
    with ws.fake.state.lock:
        return {
            i.summary: (i.key, str(i.description), i.status.category.key == "done")
            for i in ws.fake.state.issues.values()
            if i.summary.startswith(REVIEW)
        }


def item_keys(ws: Workspace, fragment: str) -> list[str]:
    """The keys of the item issues whose title holds ``fragment``."""
    if isinstance(ws, GitHubWorkspace):
        return [ws.key_of(i) for i in ws.issues() if fragment in i.title]
    with ws.fake.state.lock:
        return [i.key for i in ws.fake.state.issues.values() if fragment in i.summary]


def close_item_issues(ws: Workspace, fragment: str) -> None:
    """A person closes, as done, the issues of the items whose title holds ``fragment``."""
    if isinstance(ws, GitHubWorkspace):
        admin = ws.fake.state.add_user("dave-gh", "Dave")
        for issue in ws.issues():
            if fragment in issue.title:
                ws.fake.state.edit_issue(ws.fake.repo, issue.number, admin, state="closed")
        return
    for key in item_keys(ws, fragment):
        ws.fake.state.transition(key, "Done")


def assert_one_issue_per_marker(ws: Workspace, issues: int) -> None:
    per_marker = ws.issues_per_marker()
    assert {m: n for m, n in per_marker.items() if n > 1} == {}
    assert ws.issue_count() == issues == len(per_marker)
    assert ws.request_problems() == []


def test_a_review_per_postmortem_once_listing_its_items_and_closed_when_all_are_done(
    workspace: Workspace,
) -> None:
    first = workspace.sync()
    assert first["errors"] == []
    assert first["created"] == ITEMS + DOCUMENTS
    assert first["reviews"] == {"created": DOCUMENTS, "closed": 0}
    assert_one_issue_per_marker(workspace, ITEMS + DOCUMENTS)
    found = reviews(workspace)
    assert sorted(found) == [f"{REVIEW}Incident 0", f"{REVIEW}Incident 1"]
    key, text, closed = found[f"{REVIEW}Incident 0"]
    assert not closed
    # Its items, with the keys of the issues created in the same run, and their state.
    for item_key in item_keys(workspace, "Cap consumer 0-"):
        assert f"{item_key}: Cap consumer 0-" in text
    assert "0 of 2 done" in text
    assert "Incident 1" not in text.replace(f"{REVIEW}Incident 1", "")

    second = workspace.sync()
    assert (second["created"], second["updated"]) == (0, 0), second
    assert second["reviews"] == {"created": 0, "closed": 0}

    close_item_issues(workspace, "Cap consumer 0-")
    third = workspace.sync()
    assert third["reviews"] == {"created": 0, "closed": 1}, third["errors"]
    after = reviews(workspace)
    assert after[f"{REVIEW}Incident 0"][2] is True  # closed
    assert "2 of 2 done" in after[f"{REVIEW}Incident 0"][1]
    assert after[f"{REVIEW}Incident 1"][2] is False
    assert after[f"{REVIEW}Incident 0"][0] == key

    quiet = workspace.sync()
    assert quiet["reviews"] == {"created": 0, "closed": 0}
    assert (quiet["created"], quiet["updated"]) == (0, 0), quiet
    assert_one_issue_per_marker(workspace, ITEMS + DOCUMENTS)


def test_a_dry_run_previews_the_reviews_and_writes_nothing(workspace: Workspace) -> None:
    preview = workspace.sync("--dry-run")
    assert preview["reviews"] == {"created": DOCUMENTS, "closed": 0}
    creates = [op for op in preview["plan"] if op.get("op") == "create"]
    titles = sorted(op["fields"]["summary"] for op in creates)
    assert [t for t in titles if t.startswith(REVIEW)] == [
        f"{REVIEW}Incident 0",
        f"{REVIEW}Incident 1",
    ]
    # Due the team's review_after_days (35) after the postmortem (2026-10-01).
    [review] = [op for op in creates if op["fields"]["summary"] == f"{REVIEW}Incident 0"]
    assert review["fields"]["due"] == "2026-11-05"
    assert review["item"].startswith("review-")
    assert workspace.issue_count() == 0


def test_a_lost_state_store_finds_the_reviews_by_their_markers(workspace: Workspace) -> None:
    workspace.sync()
    shutil.rmtree(workspace.state)
    again = workspace.sync()
    assert again["created"] == 0, again["errors"]
    assert again["adopted"] == ITEMS + DOCUMENTS
    assert again["reviews"] == {"created": 0, "closed": 0}
    # Neither taken for an item gone from its document, nor for a second item.
    assert not [e for e in again["errors"] if "no document holds" in e["error"]]
    assert_one_issue_per_marker(workspace, ITEMS + DOCUMENTS)
    quiet = workspace.sync()
    assert (quiet["created"], quiet["updated"]) == (0, 0), quiet


def test_sigkill_in_the_middle_of_runs_never_doubles_a_review(workspace: Workspace) -> None:
    rng = random.Random(20261130)
    issues, postmortems = ITEMS + DOCUMENTS, DOCUMENTS
    killed = 0
    for trial in range(30):
        if killed == KILLS:
            break
        # Each trial brings a new postmortem: an item and its review to create.
        doc = workspace.root / "docs" / f"2026-10-{10 + trial:02d}-outage-{trial}.md"
        doc.write_text(
            f"# Outage {trial}\n\n## Action items\n\n- [ ] Add an alert for outage {trial} "
            "@alice due 2026-12-01\n",
            encoding="utf-8",
        )
        issues, postmortems = issues + 2, postmortems + 1
        before = len(workspace.fake.requests)
        process = workspace.start()
        target = before + rng.randint(1, 8)
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if len(workspace.fake.requests) >= target:
                process.send_signal(signal.SIGKILL)
                killed += 1
                break
            time.sleep(0.002)  # polling the fake's request log, with a deadline
        process.wait(timeout=60)
        assert max(workspace.issues_per_marker().values(), default=0) <= 1
    final = workspace.sync()
    assert [e for e in final["errors"] if "review" in e["error"]] == []
    assert_one_issue_per_marker(workspace, issues)
    assert len(reviews(workspace)) == postmortems
    assert killed == KILLS, f"only {killed} runs were killed before they finished"


def test_a_team_without_the_policy_gets_no_review_issue(tmp_path: Path) -> None:
    with tracker_workspace(tmp_path, "jira") as ws:
        assert isinstance(ws, JiraWorkspace)
        write_postmortems(tmp_path / "docs", 1, 2)
        ws.write_config()
        result = ws.sync()
        assert result["created"] == 2 and "reviews" not in result
        assert reviews(ws) == {}


def _review_create_sent(ws: Workspace, since: int) -> bool:
    return any(r.method == "POST" and REVIEW in str(r.body) for r in list(ws.fake.requests)[since:])


def test_killed_just_after_sending_the_reviews_create_leaves_one_review(
    workspace: Workspace,
) -> None:
    """The kill lands between the tracker creating the review and syncd recording its key:
    the open intent is settled by the marker on the next run, never by a second issue."""
    process = workspace.start()
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if _review_create_sent(workspace, 0):
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.002)  # polling the fake's request log, with a deadline
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    assert len(reviews(workspace)) >= 1  # the tracker holds a review syncd may not know of
    workspace.sync()
    assert_one_issue_per_marker(workspace, ITEMS + DOCUMENTS)
    assert len(reviews(workspace)) == DOCUMENTS


def test_a_jira_workflow_without_a_way_into_done_is_reported_and_nothing_else_stops(
    tmp_path: Path,
) -> None:
    with tracker_workspace(tmp_path, "jira") as ws:
        assert isinstance(ws, JiraWorkspace)
        write_postmortems(tmp_path / "docs", DOCUMENTS, ITEMS_PER_DOCUMENT)
        ws.write_config()
        with (ws.config / "teams" / "payments.yaml").open("a", encoding="utf-8") as out:
            out.write("policy:\n  review_issues: true\n")
        ws.sync()
        ws.fake.state.withheld_transitions.add("31")  # the workflow's only way into Done
        close_item_issues(ws, "Cap consumer 0-")
        # In the same cycle, a new postmortem: its item and its review are still created.
        (tmp_path / "docs" / "2026-10-20-outage.md").write_text(
            "# Outage\n\n## Action items\n\n- [ ] Add an outage alert @alice due 2026-12-01\n",
            encoding="utf-8",
        )
        review_key = reviews(ws)[f"{REVIEW}Incident 0"][0]

        runs = [ws.sync(), ws.sync()]
        for run in runs:  # reported every cycle while it lasts, and only it
            [error] = run["errors"]
            assert review_key in error["error"]
            assert "offers no transition into a Done status" in error["error"]
            assert run["reviews"]["closed"] == 0
        assert runs[0]["created"] == 2 and runs[0]["reviews"]["created"] == 1
        assert (runs[1]["created"], runs[1]["updated"]) == (0, 0)
        found = reviews(ws)
        assert sorted(found) == [f"{REVIEW}Incident 0", f"{REVIEW}Incident 1", f"{REVIEW}Outage"]
        assert "2 of 2 done" in found[f"{REVIEW}Incident 0"][1]  # its text kept in step
        assert not found[f"{REVIEW}Incident 0"][2]
        assert_one_issue_per_marker(ws, ITEMS + DOCUMENTS + 2)

        ws.fake.state.withheld_transitions.clear()  # an admin fixes the workflow
        fixed = ws.sync()
        assert (fixed["errors"], fixed["reviews"]) == ([], {"created": 0, "closed": 1})
        assert reviews(ws)[f"{REVIEW}Incident 0"][2]


def test_a_renamed_postmortem_keeps_its_review_and_gets_no_second_one(
    workspace: Workspace,
) -> None:
    first = workspace.sync()
    assert first["reviews"] == {"created": DOCUMENTS, "closed": 0}
    key = reviews(workspace)[f"{REVIEW}Incident 0"][0]
    docs = workspace.root / "docs"
    (docs / "2026-10-01-incident-0.md").rename(docs / "archive-incident-0.md")
    moved = workspace.sync("--confirm-removal", "pm")
    assert moved["errors"] == []
    assert moved["reviews"] == {"created": 0, "closed": 0}, moved
    assert moved["created"] == 0
    after = reviews(workspace)
    assert after[f"{REVIEW}Incident 0"][0] == key
    assert "archive-incident-0.md" in after[f"{REVIEW}Incident 0"][1]  # it says where now
    quiet = workspace.sync()
    assert (quiet["created"], quiet["updated"]) == (0, 0), quiet
    assert_no_marker_twice(workspace, ITEMS + DOCUMENTS)
    # It carries its new marker too: a lost store finds it by that.
    shutil.rmtree(workspace.state)
    lost = workspace.sync()
    assert lost["created"] == 0, (lost, reviews(workspace))
    assert lost["reviews"] == {"created": 0, "closed": 0}
    # Its items done: the moved review is the one closed.
    close_item_issues(workspace, "Cap consumer 0-")
    assert workspace.sync()["reviews"] == {"created": 0, "closed": 1}
    assert reviews(workspace)[f"{REVIEW}Incident 0"][2] is True


def test_merged_postmortems_keep_one_review_and_a_deleted_one_leaves_its_review_open(
    workspace: Workspace,
) -> None:
    workspace.sync()
    docs = workspace.root / "docs"
    second = docs / "2026-10-02-incident-1.md"
    items = [line for line in second.read_text(encoding="utf-8").splitlines() if "- [ ]" in line]
    first = docs / "2026-10-01-incident-0.md"
    merged = docs / "2026-10-01-incidents.md"
    merged.write_text(first.read_text(encoding="utf-8") + "\n".join(items) + "\n", "utf-8")
    first.unlink()
    second.unlink()
    after = workspace.sync("--confirm-removal", "pm")
    assert after["errors"] == []
    assert after["reviews"] == {"created": 0, "closed": 0}, after
    assert after["created"] == 0
    found = reviews(workspace)
    assert sorted(found) == [f"{REVIEW}Incident 0", f"{REVIEW}Incident 1"]  # no third
    assert not any(closed for _, _, closed in found.values())  # neither closed by syncd
    merged.unlink()
    gone = workspace.sync("--confirm-removal", "pm")
    assert gone["reviews"] == {"created": 0, "closed": 0}
    assert not any(closed for _, _, closed in reviews(workspace).values())
    assert_no_marker_twice(workspace, ITEMS + DOCUMENTS)


def assert_no_marker_twice(ws: Workspace, issues: int) -> None:
    """A moved review carries its old marker and its new one: no marker is on two issues."""
    assert {m: n for m, n in ws.issues_per_marker().items() if n > 1} == {}
    assert ws.issue_count() == issues
    assert ws.request_problems() == []
