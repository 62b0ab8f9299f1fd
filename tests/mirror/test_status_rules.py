"""Status belongs to the tracker: read back, never written (CONTRACT §6)."""

from __future__ import annotations

import pytest

from syncd.mirror import (
    MarkDone,
    MarkReopened,
    ReportStatusMismatch,
    UpdateIssue,
    is_won_t_do,
    plan,
)
from tests.mirror.mirror_support import desired, record, snapshot


def _plan_one(rec_overrides: dict[str, object], snap: dict[str, object] | None, **wanted: object):  # type: ignore[no-untyped-def]
    newly_done = wanted.pop("newly_done", False)
    snaps = {} if snap is None else {"PAY-1": snapshot(**snap)}
    return plan(
        [desired(**wanted)],
        {"it-1": record(**rec_overrides)},
        snaps,
        orphaned=(),
        newly_done_in_source={"it-1"} if newly_done else (),
    )


def test_an_issue_done_makes_the_item_done() -> None:
    result = _plan_one({}, {"status_category": "done", "resolution": "Done"})
    assert result.operations == (MarkDone("it-1", "PAY-1", "Done", False, False),)
    assert result.counts.closed == 1
    assert result.counts.unexplained_closures == 0


@pytest.mark.parametrize(
    "resolution",
    [
        "Won't Do",
        "won't fix",
        "Declined",
        "DUPLICATE",
        "Cannot Reproduce",
        "Obsolete",
        "not_planned",
        "Won\u2019t Do",
        "Not planned",
    ],
)
@pytest.mark.parametrize("explained", [True, False], ids=["explained", "unexplained"])
def test_a_won_t_do_closure_is_recorded_with_whether_it_is_explained(
    resolution: str, explained: bool
) -> None:
    snap = {"status_category": "done", "resolution": resolution, "closure_explained": explained}
    result = _plan_one({}, snap)
    assert result.operations == (MarkDone("it-1", "PAY-1", resolution, True, explained),)
    assert result.counts.closed == 1
    assert result.counts.unexplained_closures == (0 if explained else 1)


@pytest.mark.parametrize("resolution", ["Done", "Fixed", "completed", None, "Won't Dox"])
def test_other_resolutions_are_not_won_t_do(resolution: str | None) -> None:
    assert not is_won_t_do(resolution)


def test_a_done_issue_already_recorded_is_not_marked_again() -> None:
    result = _plan_one(
        {"tracker_done": True, "resolution": "Done"},
        {"status_category": "done", "resolution": "Done"},
    )
    assert result.operations == ()


def test_a_changed_resolution_is_recorded_again_but_not_counted_as_closed() -> None:
    result = _plan_one(
        {"tracker_done": True, "resolution": "Done"},
        {"status_category": "done", "resolution": "Duplicate", "closure_explained": False},
    )
    assert result.operations == (MarkDone("it-1", "PAY-1", "Duplicate", True, False),)
    assert result.counts.closed == 0


def test_a_won_t_do_closure_is_read_again_when_its_issue_changes() -> None:
    # A reason was added after the closure: the record must learn it, to clear the flag.
    result = _plan_one(
        {"tracker_done": True, "resolution": "Won't Do"},
        {"status_category": "done", "resolution": "Won't Do", "closure_explained": True},
    )
    assert result.operations == (MarkDone("it-1", "PAY-1", "Won't Do", True, True),)
    assert result.counts.closed == 0


@pytest.mark.parametrize("category", ["new", "indeterminate"])
def test_a_reopened_issue_reopens_the_item(category: str) -> None:
    result = _plan_one({"tracker_done": True, "resolution": "Done"}, {"status_category": category})
    assert result.operations == (MarkReopened("it-1", "PAY-1"),)
    assert result.counts.reopened == 1


@pytest.mark.parametrize(
    ("category", "phrase"), [("new", "open"), ("indeterminate", "in progress")]
)
def test_done_in_the_document_but_open_in_the_tracker_is_reported_not_transitioned(
    category: str, phrase: str
) -> None:
    result = _plan_one({}, {"status_category": category}, done_in_source=True)
    (mismatch,) = result.operations
    assert isinstance(mismatch, ReportStatusMismatch)
    assert (mismatch.item_id, mismatch.key) == ("it-1", "PAY-1")
    assert f"{phrase} in the tracker" in mismatch.detail
    assert result.counts.status_mismatches == 1
    assert not result.of_type(UpdateIssue) and not result.of_type(MarkDone)


def test_a_status_mismatch_is_reported_once_per_change_not_every_cycle() -> None:
    # Nothing changed on either side since it was reported: silence.
    assert _plan_one({}, None, done_in_source=True).operations == ()
    # The item became done in the document this cycle: reported.
    newly = _plan_one({}, None, done_in_source=True, newly_done=True)
    assert [type(op) for op in newly.operations] == [ReportStatusMismatch]


def test_done_on_both_sides_is_no_mismatch() -> None:
    assert (
        _plan_one(
            {"tracker_done": True, "resolution": "Done"}, None, done_in_source=True, newly_done=True
        ).operations
        == ()
    )
    both = _plan_one({}, {"status_category": "done", "resolution": "Done"}, done_in_source=True)
    assert [type(op) for op in both.operations] == [MarkDone]


def test_reopened_while_the_document_says_done_is_both_recorded_and_reported() -> None:
    result = _plan_one(
        {"tracker_done": True, "resolution": "Done"},
        {"status_category": "indeterminate"},
        done_in_source=True,
    )
    assert [type(op) for op in result.operations] == [MarkReopened, ReportStatusMismatch]


@pytest.mark.parametrize("recorded_done", [True, False])
def test_no_snapshot_means_the_status_did_not_change(recorded_done: bool) -> None:
    rec = {"tracker_done": recorded_done, "resolution": "Done" if recorded_done else None}
    result = _plan_one(rec, None)
    assert result.operations == ()
    assert result.counts.unchanged == 1
