"""The follow-up review planner (``syncd.mirror.review``): pure, over plain values."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from syncd.judge.policy import JudgePolicy
from syncd.judge.postmortems import review_date
from syncd.mirror.model import DesiredIssue
from syncd.mirror.operations import CloseIssue, MarkDone, MarkReopened
from syncd.mirror.planner import plan
from syncd.mirror.review import (
    ItemIssue,
    is_review,
    item_issues,
    plan_closes,
    review_id,
    wanted_reviews,
)
from syncd.model import ActionItem, Status
from tests.mirror.mirror_support import record, snapshot
from tests.mirror.test_render import ITEM, POSTMORTEM

LABELS = frozenset({"postmortem-action"})
OTHER = replace(POSTMORTEM, document="2026-03-09-queue.md", title="Queue backlog")


def _item(item_id: str, *, done: bool = False, postmortem: object = POSTMORTEM) -> ActionItem:
    return replace(
        ITEM,
        id=item_id,
        title=f"Action {item_id}",
        status=Status.DONE if done else Status.OPEN,
        postmortem=postmortem,  # type: ignore[arg-type]
    )


def _wanted(
    items: list[ActionItem],
    issues: dict[str, ItemIssue],
    reviewed: frozenset[str] = frozenset(),
    policy: JudgePolicy | None = None,
) -> list[DesiredIssue]:
    return [
        w.desired
        for w in wanted_reviews(
            "payments",
            items,
            issues,
            reviewed=reviewed,
            review_date=lambda day: review_date(day, policy or JudgePolicy()),
            marker=lambda i: f"syncd-{i}",
            labels=LABELS,
        )
    ]


def test_the_review_id_is_stable_per_postmortem_and_never_an_items() -> None:
    first = review_id("payments", "pm-repo", "a.md")
    assert first == review_id("payments", "pm-repo", "a.md")
    assert first != review_id("payments", "pm-repo", "b.md")
    assert first != review_id("search", "pm-repo", "a.md")
    assert is_review(first) and len(first) <= 40
    assert not is_review(ITEM.id) and not is_review(None)


def test_one_review_per_postmortem_with_an_open_item_listing_keys_and_states() -> None:
    items = [_item("a"), _item("b", done=True), _item("c", postmortem=OTHER)]
    issues = item_issues(items, {"a": "PAY-1", "b": "PAY-2"}, {})
    [review, other] = _wanted(items, issues)
    assert review.item_id == review_id("payments", "pm-repo", POSTMORTEM.document)
    assert review.fields.summary == "Follow-up review: Ledger DB failover"
    assert review.fields.due == date(2026, 4, 5)  # 35 days after 2026-03-01
    assert review.fields.assignee is None and not review.assignee_known
    assert review.fields.labels == LABELS and review.create_if_missing
    text = review.fields.description
    assert "- [ ] PAY-1: Action a (open)" in text
    assert "- [x] PAY-2: Action b (done)" in text
    assert "1 of 2 done" in text and "Action c" not in text
    assert "- [ ] no issue yet: Action c (open)" in other.fields.description
    assert review.origin is not None and review.origin.item_id == review.item_id


def test_business_days_count_for_the_review_date() -> None:
    items = [_item("a")]
    policy = JudgePolicy(review_after_days=5, business_days=True)
    [review] = _wanted(items, item_issues(items, {}, {}), policy=policy)
    assert review.fields.due == date(2026, 3, 6)  # Sunday 1 March + 5 business days


def test_a_postmortem_whose_items_are_all_done_gets_no_new_review_but_keeps_its_own() -> None:
    items = [_item("a", done=True), _item("b")]
    issues = item_issues(items, {"b": "PAY-2"}, {"b": True})
    assert _wanted(items, issues) == []
    rid = review_id("payments", "pm-repo", POSTMORTEM.document)
    [kept] = _wanted(items, issues, reviewed=frozenset({rid}))
    assert not kept.create_if_missing and "2 of 2 done" in kept.fields.description


@pytest.mark.parametrize(
    ("recorded", "ops", "done"),
    [
        (False, [MarkDone("a", "PAY-1", "Done", False, False)], True),
        (True, [MarkReopened("a", "PAY-1")], False),
        (True, [], True),
        (False, [], False),
    ],
)
def test_an_items_state_follows_this_cycles_read_of_its_issue(
    recorded: bool, ops: list[object], done: bool
) -> None:
    items = [_item("a")]
    issues = item_issues(items, {"a": "PAY-1"}, {"a": recorded}, ops)  # type: ignore[arg-type]
    assert issues["a"] == ItemIssue("PAY-1", done)


def test_a_review_is_closed_once_when_every_item_is_done() -> None:
    items = [_item("a", done=True)]
    rid = review_id("payments", "pm-repo", POSTMORTEM.document)
    wanted = wanted_reviews(
        "payments",
        items,
        item_issues(items, {}, {}),
        reviewed={rid},
        review_date=lambda day: review_date(day, JudgePolicy()),
        marker=lambda i: f"syncd-{i}",
        labels=LABELS,
    )
    records = {rid: record(rid, "PAY-9")}
    assert plan_closes(wanted, records, {}) == [CloseIssue(rid, "PAY-9")]
    # Already done, as recorded or as read this cycle: nothing to write.
    done = {rid: record(rid, "PAY-9", tracker_done=True)}
    assert plan_closes(wanted, done, {}) == []
    read_done = {"PAY-9": snapshot("PAY-9", rid, status_category="done")}
    assert plan_closes(wanted, records, read_done) == []


def test_a_review_found_by_its_marker_is_adopted_never_created_again() -> None:
    items = [_item("a")]
    [review] = _wanted(items, item_issues(items, {}, {}))
    hit = snapshot("PAY-9", review.item_id, fields=review.fields)
    found = plan([review], {}, {}, orphaned=(), marker_hits={review.item_id: hit})
    assert found.counts.created == 0 and found.counts.adopted == 1
    fresh = plan([review], {}, {}, orphaned=())
    assert fresh.counts.created == 1
