"""One count of a state-store plan, shared by the run record, ``--json`` and the console."""

from __future__ import annotations

from syncd.reconcile.store_plan import OpKind, RecordPlanCounts, StoreOperation, count_plan


def test_an_empty_plan_counts_nothing() -> None:
    assert count_plan(()) == RecordPlanCounts(0, 0, 0, 0)


def test_each_kind_is_counted_apart() -> None:
    plan = (
        StoreOperation(OpKind.TRACK, "a", "A"),
        StoreOperation(OpKind.TRACK, "b", "B"),
        StoreOperation(OpKind.UPDATE, "c", "C", {"title": ("old", "new")}),
        StoreOperation(OpKind.ORPHAN, "d", "D"),
        StoreOperation(OpKind.RESTORE, "e", "E"),
        StoreOperation(OpKind.RESTORE, "f", "F"),
        StoreOperation(OpKind.RESTORE, "g", "G"),
    )
    assert count_plan(plan) == RecordPlanCounts(tracked=2, changed=1, orphaned=1, restored=3)
