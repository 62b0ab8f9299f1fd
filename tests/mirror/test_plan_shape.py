"""The plan as a whole: orphans, issues of absent items, order, counts, determinism."""

from __future__ import annotations

import json
import random
from datetime import date

import pytest

from syncd.mirror import (
    TRACKER_WRITES,
    AdoptIssue,
    CreateIssue,
    MarkDone,
    ReportOrphan,
    SetBase,
    UpdateIssue,
    fields_as_json,
    fields_from_json,
    operation_as_json,
    operation_name,
    plan,
)
from tests.mirror.mirror_support import desired, issue_fields, record, snapshot


def test_orphans_with_a_record_are_reported_and_their_issues_left_alone() -> None:
    records = {"gone-2": record("gone-2", "PAY-2"), "gone-1": record("gone-1", "PAY-1")}
    result = plan([], records, {}, orphaned=["gone-2", "never-mirrored", "gone-1"])
    assert result.operations == (
        ReportOrphan("gone-1", "PAY-1"),
        ReportOrphan("gone-2", "PAY-2"),
    )
    assert result.counts.orphaned == 2


def test_an_item_both_desired_and_orphaned_is_not_an_orphan() -> None:
    result = plan([desired()], {"it-1": record()}, {}, orphaned=["it-1"])
    assert result.operations == ()


def test_an_orphan_s_issue_read_this_cycle_is_read_back_but_never_written() -> None:
    snap = snapshot(
        fields=issue_fields(due=date(2026, 9, 9)), status_category="done", resolution="Done"
    )
    result = plan([], {"it-1": record()}, {"PAY-1": snap}, orphaned=["it-1"])
    assert not any(isinstance(op, TRACKER_WRITES) for op in result.operations)
    assert [type(op) for op in result.operations] == [SetBase, MarkDone, ReportOrphan]
    assert result.of_type(SetBase)[0].base.due == date(2026, 9, 9)


def test_an_item_whose_source_was_not_read_keeps_up_with_its_issue() -> None:
    # Reads are incremental: a change read now is never read again, so it is recorded now.
    snap = snapshot("PAY-5", item_id=None, fields=issue_fields(assignee="acc-carol"))
    result = plan([], {"it-5": record("it-5", "PAY-5")}, {"PAY-5": snap}, orphaned=())
    (set_base,) = result.operations
    assert isinstance(set_base, SetBase) and set_base.base.assignee == "acc-carol"


def test_the_counts_partition_the_desired_items() -> None:
    wanted = [
        desired("new"),
        desired("ref", referenced_key="PAY-9"),
        desired("skip", done_in_source=True, create_if_missing=False),
        desired("edit", fields=issue_fields(summary="changed")),
        desired("same"),
        desired("person"),
    ]
    records = {
        "edit": record("edit", "PAY-2"),
        "same": record("same", "PAY-3"),
        "person": record("person", "PAY-4"),
    }
    snaps = {"PAY-4": snapshot("PAY-4", "person", fields=issue_fields(assignee="acc-x"))}
    counts = plan(wanted, records, snaps, orphaned=()).counts
    assert (counts.created, counts.adopted, counts.updated, counts.unchanged, counts.skipped) == (
        1,
        1,
        1,
        2,
        1,
    )
    assert sum(
        counts.as_dict()[k] for k in ("created", "adopted", "updated", "unchanged", "skipped")
    ) == len(wanted)


def test_the_plan_is_the_same_whatever_the_order_of_the_mappings() -> None:
    rng = random.Random(7)
    wanted = [desired(f"it-{n}", fields=issue_fields(summary=f"s{n % 3}")) for n in range(60)]
    records = {f"it-{n}": record(f"it-{n}", f"PAY-{n}") for n in range(0, 60, 2)}
    records |= {f"gone-{n}": record(f"gone-{n}", f"PAY-{100 + n}") for n in range(5)}
    snaps = {
        f"PAY-{n}": snapshot(f"PAY-{n}", f"it-{n}", fields=issue_fields(due=date(2027, 1, n + 1)))
        for n in range(0, 20, 4)
    } | {"PAY-101": snapshot("PAY-101", "gone-1", status_category="done", resolution="Done")}
    orphaned = [f"gone-{n}" for n in range(5)]
    first = plan(wanted, records, snaps, orphaned=orphaned)
    for _ in range(5):
        shuffled = list(records.items())
        rng.shuffle(shuffled)
        shuffled_snaps = list(snaps.items())
        rng.shuffle(shuffled_snaps)
        rng.shuffle(orphaned)
        again = plan(wanted, dict(shuffled), dict(shuffled_snaps), orphaned=orphaned)
        assert again == first
    assert first.counts.created == 30 and first.counts.orphaned == 5


def test_an_item_desired_twice_is_refused_rather_than_created_twice() -> None:
    with pytest.raises(ValueError, match="desired twice"):
        plan([desired("x"), desired("x")], {}, {}, orphaned=())


def test_a_no_change_cycle_plans_nothing() -> None:
    wanted = [desired(f"it-{n}") for n in range(100)]
    records = {f"it-{n}": record(f"it-{n}", f"PAY-{n}") for n in range(100)}
    result = plan(wanted, records, {}, orphaned=())
    assert result.operations == ()
    assert result.counts.unchanged == 100


def test_operations_print_as_json_for_the_dry_run() -> None:
    wanted = [
        desired("a"),
        desired("b", referenced_key="PAY-9"),
        desired("c", fields=issue_fields(due=date(2027, 2, 1))),
    ]
    result = plan(wanted, {"c": record("c", "PAY-3")}, {}, orphaned=())
    printed = json.loads(json.dumps([operation_as_json(op) for op in result.operations]))
    assert [entry["op"] for entry in printed] == ["create", "adopt", "update", "set_base"]
    assert printed[0]["fields"]["labels"] == ["postmortem-action"]
    assert printed[2] == {
        "op": "update",
        "item": "c",
        "key": "PAY-3",
        "changes": {"due": "2027-02-01"},
    }
    assert operation_name(result.of_type(UpdateIssue)[0]) == "update"
    assert isinstance(result.operations[1], AdoptIssue)
    assert isinstance(result.operations[0], CreateIssue)


def test_fields_survive_a_json_round_trip() -> None:
    fields = issue_fields(labels=frozenset({"b", "a"}), assignee=None, due=None)
    assert fields_from_json(json.loads(json.dumps(fields_as_json(fields)))) == fields
