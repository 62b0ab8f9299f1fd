"""One count of a state-store plan, shared by the run record, ``--json`` and the console."""

from __future__ import annotations

from syncd.reconcile.store_plan import Operation, OpKind, RecordPlanCounts, count_plan


def test_an_empty_plan_counts_nothing() -> None:
    assert count_plan(()) == RecordPlanCounts(0, 0, 0, 0)


def test_each_kind_is_counted_apart() -> None:
    plan = (
        Operation(OpKind.TRACK, "a", "A"),
        Operation(OpKind.TRACK, "b", "B"),
        Operation(OpKind.UPDATE, "c", "C", {"title": ("old", "new")}),
        Operation(OpKind.ORPHAN, "d", "D"),
        Operation(OpKind.RESTORE, "e", "E"),
        Operation(OpKind.RESTORE, "f", "F"),
        Operation(OpKind.RESTORE, "g", "G"),
    )
    assert count_plan(plan) == RecordPlanCounts(tracked=2, changed=1, orphaned=1, restored=3)
