"""The write-back planner: an edit only while the document does not say what the tracker says."""

from __future__ import annotations

from dataclasses import replace

import pytest

from syncd.reconcile.write_back_plan import (
    ItemAsRead,
    MirroredIssue,
    Seen,
    plan_write_back,
    seen_now,
)

ITEM = ItemAsRead(
    item_id="i1",
    source="pm",
    document="2026-01-02-outage.md",
    line=12,
    title="Add replication lag alert",
    refs=(),
    done=False,
)
OPEN = MirroredIssue("jira", "PAY-123", "https://jira.example/browse/PAY-123", done=False)
DONE = replace(OPEN, done=True)
GITHUB = MirroredIssue("github", "acme/pay#45", "https://github.example/acme/pay/issues/45", False)


def test_an_item_whose_document_names_no_issue_gets_its_key() -> None:
    (edit,) = plan_write_back([ITEM], {"i1": OPEN}).edits
    assert (edit.item_id, edit.key, edit.url, edit.done) == ("i1", "PAY-123", OPEN.url, False)
    assert (edit.document, edit.line, edit.title) == (ITEM.document, 12, ITEM.title)


def test_an_item_without_an_issue_gets_nothing() -> None:
    assert plan_write_back([ITEM], {"other": OPEN}).edits == ()


@pytest.mark.parametrize(
    "written",
    [
        "PAY-123",
        "https://jira.example/browse/PAY-123",
        "[PAY-123](https://jira.example/browse/PAY-123)",
    ],
)
def test_a_key_already_written_plans_nothing(written: str) -> None:
    assert plan_write_back([replace(ITEM, refs=(written,))], {"i1": OPEN}).edits == ()


@pytest.mark.parametrize("written", ["acme/pay#45", "#45", GITHUB.url])
def test_a_github_issue_already_written_plans_nothing(written: str) -> None:
    assert plan_write_back([replace(ITEM, refs=(written,))], {"i1": GITHUB}).edits == ()


def test_a_document_naming_another_issue_is_left_alone_even_when_done() -> None:
    item = replace(ITEM, refs=("PAY-9",))
    assert plan_write_back([item], {"i1": OPEN}).edits == ()
    assert plan_write_back([item], {"i1": DONE}).edits == ()


def test_a_reference_to_another_tracker_does_not_stop_the_key() -> None:
    (edit,) = plan_write_back([replace(ITEM, refs=("acme/pay#7",))], {"i1": OPEN}).edits
    assert edit.key == "PAY-123"


def test_a_done_issue_marks_an_open_item_done_once() -> None:
    (edit,) = plan_write_back([replace(ITEM, refs=("PAY-123",))], {"i1": DONE}).edits
    assert edit.done is True
    # the document says done now: nothing more
    assert plan_write_back([replace(ITEM, refs=("PAY-123",), done=True)], {"i1": DONE}).edits == ()


def test_a_done_item_of_an_open_issue_is_never_unmarked() -> None:
    assert plan_write_back([replace(ITEM, refs=("PAY-123",), done=True)], {"i1": OPEN}).edits == ()


def test_planning_is_idempotent_once_the_document_says_it() -> None:
    items = [ITEM, replace(ITEM, item_id="i2", line=13, title="Runbook")]
    issues = {"i1": DONE, "i2": replace(OPEN, key="PAY-124")}
    edits = plan_write_back(items, issues).edits
    assert [e.item_id for e in edits] == ["i1", "i2"]
    after = [replace(i, refs=(issues[i.item_id].key,), done=issues[i.item_id].done) for i in items]
    assert plan_write_back(after, issues).edits == ()


def test_edits_come_in_document_order() -> None:
    items = [
        replace(ITEM, item_id="b", document="b.md", line=3),
        replace(ITEM, item_id="a2", document="a.md", line=9),
        replace(ITEM, item_id="a1", document="a.md", line=2),
    ]
    edits = plan_write_back(items, {i.item_id: OPEN for i in items}).edits
    assert [e.item_id for e in edits] == ["a1", "a2", "b"]


def test_a_key_seen_then_removed_is_declined_and_a_new_issue_is_written() -> None:
    seen = {"i1": Seen("PAY-123", False)}
    planned = plan_write_back([ITEM], {"i1": OPEN}, seen=seen)
    assert planned.edits == ()
    [(edit, why)] = planned.declined
    assert edit.key == "PAY-123" and "removed" in why
    # The item mirrored to another issue since: that one is written.
    other = replace(OPEN, key="PAY-124")
    assert [e.key for e in plan_write_back([ITEM], {"i1": other}, seen=seen).edits] == ["PAY-124"]


def test_a_done_mark_seen_then_unticked_is_declined_until_the_issue_reopens() -> None:
    named = replace(ITEM, refs=("PAY-123",))
    seen = {"i1": Seen("PAY-123", True)}
    assert plan_write_back([named], {"i1": DONE}, seen=seen).edits == ()
    assert seen_now([named], {"i1": OPEN}, seen) == {"i1": Seen("PAY-123", False)}
    assert seen_now([named], {"i1": DONE}, seen) == {}  # nothing changed: nothing to save
