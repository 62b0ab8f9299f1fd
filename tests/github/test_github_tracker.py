"""The GitHub connector against the fake GitHub, through the real PyGithub client."""

from __future__ import annotations

from datetime import date

import pytest

from connectors.github.issues import compose_body, parse_body
from syncd.mirror.operations import FieldChanges
from syncd.tracker import ConditionalReads, KnowsOwnAccount, Tracker
from tests.fakes.github.contract import validate_requests
from tests.fakes.github.server import FakeGitHub
from tests.github.support import LABEL, VirtualClock, create_op, tracker_on


def _issue_posts(fake: FakeGitHub) -> int:
    return sum(1 for r in fake.requests if r.method == "POST" and r.api_path.endswith("/issues"))


def test_implements_the_tracker_protocol(fake_github: FakeGitHub) -> None:
    tracker = tracker_on(fake_github, VirtualClock())
    assert isinstance(tracker, Tracker)
    assert isinstance(tracker, ConditionalReads)
    assert tracker.marker("pm-1") == "<!-- syncd:item=pm-1 -->"
    assert tracker.item_id_of_marker("<!-- syncd:item=pm-1 -->") == "pm-1"
    assert fake_github.requests == []  # nothing sent at construction


def test_create_with_every_field_and_marker_reads_back_equal(fake_github: FakeGitHub) -> None:
    fake_github.state.add_collaborator(fake_github.repo, "alice-gh")
    clock = VirtualClock()
    tracker = tracker_on(fake_github, clock)
    op = create_op("pm-1", assignee="alice-gh")
    [result] = tracker.create([op])
    assert result.key == f"{fake_github.repo.full_name}#{result.key.rpartition('#')[2]}"
    assert result.dropped_fields == frozenset() and result.error is None
    issue = fake_github.repo.issues[int(result.key.rpartition("#")[2])]
    assert issue.body.endswith("Due: 2026-12-01\n\n<!-- syncd:item=pm-1 -->")
    found = tracker.get([result.key])[result.key]
    assert found.fields == op.fields  # an untouched issue compares equal
    assert found.item_id == "pm-1" and found.status_category == "new"
    assert validate_requests(fake_github.requests) == []


def test_body_round_trip_strips_due_line_and_marker() -> None:
    body = compose_body("Line one\n\nDue: next week", date(2026, 1, 2), "<!-- syncd:item=x -->")
    parsed = parse_body(body.replace("\n", "\r\n"))
    assert parsed == type(parsed)("Line one\n\nDue: next week", date(2026, 1, 2), ("x",))


def test_milestone_per_due_date_created_once_and_reused(fake_github: FakeGitHub) -> None:
    tracker = tracker_on(fake_github, VirtualClock(), due_dates="milestone")
    results = tracker.create([create_op("a"), create_op("b"), create_op("c", due=date(2027, 1, 5))])
    posts = [r for r in fake_github.requests if r.method == "POST" and "milestones" in r.path]
    lists = [r for r in fake_github.requests if r.method == "GET" and "milestones" in r.path]
    assert len(posts) == 2 and len(lists) == 1
    snapshots = tracker.get([r.key for r in results if r.key])
    assert sorted(s.fields.due for s in snapshots.values()) == [
        date(2026, 12, 1),
        date(2026, 12, 1),
        date(2027, 1, 5),
    ]
    assert all("Due:" not in s.fields.description for s in snapshots.values())
    # A new tracker (next cycle) finds the milestone instead of creating it again.
    again = tracker_on(fake_github, VirtualClock(), due_dates="milestone")
    fake_github.clear_requests()
    again.create([create_op("d")])
    assert not [r for r in fake_github.requests if r.method == "POST" and "milestones" in r.path]
    assert validate_requests(fake_github.requests) == []


def test_silently_dropped_assignee_is_detected_with_its_reason(fake_github: FakeGitHub) -> None:
    tracker = tracker_on(fake_github, VirtualClock())
    [result] = tracker.create([create_op("pm-1", assignee="bob-gh")])  # not a collaborator
    assert result.key is not None
    assert result.dropped_fields == frozenset({"assignee"})
    assert result.error is not None and "bob-gh is not a collaborator of acme/payments" in (
        result.error
    )
    assert result.held_fields is not None and result.held_fields.assignee is None
    assert result.held_fields.summary == create_op("pm-1").fields.summary


def test_an_assignee_dropped_by_an_update_is_returned_with_why(fake_github: FakeGitHub) -> None:
    tracker = tracker_on(fake_github, VirtualClock())
    [result] = tracker.create([create_op("pm-1")])
    assert result.key is not None
    dropped = tracker.update(result.key, FieldChanges(assignee="bob-gh"))  # not a collaborator
    assert set(dropped or {}) == {"assignee"}
    assert "bob-gh" in (dropped or {})["assignee"]
    fake_github.state.add_collaborator(fake_github.repo, "alice-gh")
    assert tracker.update(result.key, FieldChanges(assignee="alice-gh")) == {}


def test_token_without_triage_drops_labels_and_assignee(fake_github: FakeGitHub) -> None:
    fake_github.state.add_collaborator(fake_github.repo, "alice-gh")
    fake_github.set_permission("read")
    tracker = tracker_on(fake_github, VirtualClock())
    [result] = tracker.create([create_op("pm-1", assignee="alice-gh")])
    assert result.dropped_fields == frozenset({"assignee", "labels"})
    assert result.error is not None and "the token cannot set assignees" in result.error
    assert result.held_fields is not None and result.held_fields.labels == frozenset()


def test_changed_since_pages_skips_pull_requests_and_answers_304_for_free(
    fake_github: FakeGitHub,
) -> None:
    clock = VirtualClock()
    fake_github.state.clock = clock
    for n in range(130):
        fake_github.state.create_issue(
            fake_github.repo,
            f"Issue {n}",
            fake_github.bot,
            body=f"text\n\n<!-- syncd:item=i{n} -->",
            labels=[LABEL],
        )
    fake_github.state.create_issue(fake_github.repo, "Another team's", fake_github.bot)
    tracker = tracker_on(fake_github, clock)
    first = tracker.changed_since(None)
    assert len(first.snapshots) == 130
    assert {s.item_id for s in first.snapshots.values()} == {f"i{n}" for n in range(130)}
    assert first.etag and first.newest_updated is not None
    pages = [r for r in fake_github.requests if r.endpoint == "GET /repos/{owner}/{repo}/issues"]
    assert len(pages) == 2
    assert pages[0].query["labels"] == [LABEL] and pages[0].query["state"] == ["all"]
    # Next cycle: the cursor moved, so the question is new (one read of the margin's issues);
    # the cycle after asks it again with the ETag: a 304.
    second = tracker_on(fake_github, clock)
    second.use_etag(first.etag)
    asked = second.changed_since(first.newest_updated)
    assert asked.etag and asked.newest_updated == first.newest_updated
    _, remaining_before, _, _ = fake_github.limits.snapshot()
    fake_github.clear_requests()
    nxt = tracker_on(fake_github, clock)
    nxt.use_etag(asked.etag)
    quiet = nxt.changed_since(asked.newest_updated)
    assert quiet.snapshots == {} and quiet.etag == asked.etag
    assert quiet.newest_updated == asked.newest_updated  # the cursor (and ETag) are kept
    assert [r.status for r in fake_github.requests] == [304]
    assert fake_github.limits.snapshot()[1] == remaining_before  # a 304 costs no rate limit
    # A change (a second later: GitHub's times have whole seconds) is seen on the next read.
    clock.advance(1)
    fake_github.state.edit_issue(fake_github.repo, 5, fake_github.bot, title="Changed")
    changed = nxt.changed_since(first.newest_updated)
    assert any(s.fields.summary == "Changed" for s in changed.snapshots.values())
    assert changed.etag != asked.etag
    assert validate_requests(fake_github.requests) == []


def test_find_markers_lists_once_then_only_what_changed(fake_github: FakeGitHub) -> None:
    tracker = tracker_on(fake_github, VirtualClock())
    created = tracker.create([create_op("a"), create_op("b")])
    fake_github.clear_requests()
    found = tracker.find_markers(["a", "b", "zzz"])
    assert [s.key for s in found["a"]] == [created[0].key]
    assert [s.key for s in found["b"]] == [created[1].key]
    assert found["zzz"] == []
    assert all("/search/" not in r.path for r in fake_github.requests)
    assert validate_requests(fake_github.requests) == []


def test_get_adopts_by_number_full_key_and_url(fake_github: FakeGitHub) -> None:
    issue = fake_github.state.create_issue(
        fake_github.repo, "Someone's issue", fake_github.bot, body="Their words"
    )
    n = issue.number
    repo = fake_github.repo.full_name
    tracker = tracker_on(fake_github, VirtualClock())
    url = f"{fake_github.root_url}/{repo}/issues/{n}"
    got = tracker.get([f"#{n}", f"{repo}#{n}", url, "#9999", "other/repo#1", "#1"])
    assert set(got) == {f"#{n}", f"{repo}#{n}", url}  # #1 is a pull request
    assert {s.key for s in got.values()} == {f"{repo}#{n}"}
    tracker.adopt(f"#{n}", add_labels={LABEL}, marker=tracker.marker("pm-7"))
    adopted = tracker.get([f"#{n}"])[f"#{n}"]
    assert adopted.item_id == "pm-7" and adopted.fields.labels == {LABEL}
    assert adopted.fields.description == "Their words"
    assert validate_requests(fake_github.requests) == []


def test_update_rewrites_only_what_changed(fake_github: FakeGitHub) -> None:
    fake_github.state.add_collaborator(fake_github.repo, "alice-gh")
    tracker = tracker_on(fake_github, VirtualClock())
    [result] = tracker.create([create_op("pm-1")])
    assert result.key is not None
    tracker.update(
        result.key, FieldChanges(due=date(2027, 2, 3), assignee="alice-gh", summary="New title")
    )
    snap = tracker.get([result.key])[result.key]
    assert snap.fields.due == date(2027, 2, 3)
    assert snap.fields.assignee == "alice-gh" and snap.fields.summary == "New title"
    assert snap.fields.description == create_op("pm-1").fields.description
    assert snap.item_id == "pm-1"
    with pytest.raises(ValueError):
        tracker.update(result.key, FieldChanges(assignee=None))  # type: ignore[arg-type]


def test_closed_not_planned_is_explained_only_by_a_later_comment(fake_github: FakeGitHub) -> None:
    clock = VirtualClock()
    fake_github.state.clock = clock
    tracker = tracker_on(fake_github, clock)
    a, b = tracker.create([create_op("a"), create_op("b")])
    for result in (a, b):
        assert result.key is not None
        number = int(result.key.rpartition("#")[2])
        fake_github.state.edit_issue(
            fake_github.repo, number, fake_github.bot, state="closed", state_reason="not_planned"
        )
    assert b.key is not None
    fake_github.state.add_comment(
        fake_github.repo,
        int(b.key.rpartition("#")[2]),
        "Superseded by the new design",
        fake_github.bot,
    )
    snaps = tracker_on(fake_github, clock).changed_since(None).snapshots
    assert snaps[str(a.key)].status_category == "done"
    assert snaps[str(a.key)].resolution == "not_planned"
    assert not snaps[str(a.key)].closure_explained
    assert snaps[str(b.key)].closure_explained


def test_check_says_what_the_token_may_do(fake_github: FakeGitHub) -> None:
    tracker = tracker_on(fake_github, VirtualClock())
    assert "acme/payments visible; the token may" in tracker.check()
    fake_github.set_permission("read")
    assert "silently drop" in tracker_on(fake_github, VirtualClock()).check()


def test_it_names_the_account_it_writes_as(fake_github: FakeGitHub) -> None:
    tracker = tracker_on(fake_github, VirtualClock())
    assert isinstance(tracker, KnowsOwnAccount)
    assert tracker.own_account() == fake_github.bot.login == "syncd-bot"
