"""Items without a record: adopt what exists, create what does not, exactly once."""

from __future__ import annotations

from dataclasses import replace

from syncd.mirror import (
    AdoptIssue,
    CreateIssue,
    MarkDone,
    ReportStatusMismatch,
    UpdateIssue,
    plan,
)
from tests.mirror.mirror_support import (
    LABELS,
    apply_records,
    desired,
    issue_fields,
    record,
    snapshot,
)

PERSONS_ISSUE = issue_fields(
    summary="Replication lag alerting",
    description="Filed by hand during the incident.",
    assignee="acc-dave",
    priority="Medium",
    labels=frozenset(),
)


def test_no_record_no_issue_creates_one() -> None:
    wanted = desired()
    result = plan([wanted], {}, {}, orphaned=())
    assert result.operations == (CreateIssue("it-1", "syncd-it-1", wanted.fields),)
    assert result.counts.created == 1


def test_an_unresolved_owner_is_created_unassigned() -> None:
    wanted = desired(assignee_known=False)
    (create,) = plan([wanted], {}, {}, orphaned=()).operations
    assert isinstance(create, CreateIssue)
    assert create.fields == replace(wanted.fields, assignee=None)


def test_done_in_the_source_is_not_created_when_policy_says_so() -> None:
    result = plan([desired(done_in_source=True, create_if_missing=False)], {}, {}, orphaned=())
    assert result.operations == ()
    assert result.counts.skipped == 1 and result.counts.created == 0


def test_done_in_the_source_is_created_when_policy_mirrors_done_items() -> None:
    result = plan([desired(done_in_source=True, create_if_missing=True)], {}, {}, orphaned=())
    assert [type(op) for op in result.operations] == [CreateIssue]


def test_a_referenced_issue_is_adopted_not_created() -> None:
    wanted = desired(referenced_key="PAY-123")
    result = plan([wanted], {}, {}, orphaned=())
    # Not read this cycle: its labels are unknown, so all are added (adding is idempotent).
    assert result.operations == (AdoptIssue("it-1", "PAY-123", LABELS, True, wanted.fields),)
    assert result.counts.adopted == 1 and result.counts.created == 0


def test_a_referenced_issue_read_this_cycle_gets_only_what_it_lacks() -> None:
    wanted = desired(referenced_key="PAY-123")
    snaps = {"PAY-123": snapshot("PAY-123", item_id=None, fields=PERSONS_ISSUE)}
    result = plan([wanted], {}, snaps, orphaned=())
    assert result.operations == (
        AdoptIssue("it-1", "PAY-123", LABELS, True, wanted.fields, checked=True),
    )
    carrying = {"PAY-123": snapshot("PAY-123", item_id="it-1")}
    again = plan([wanted], {}, carrying, orphaned=())
    assert again.operations == (
        AdoptIssue("it-1", "PAY-123", frozenset(), False, wanted.fields, checked=True),
    )


def test_a_referenced_issue_is_adopted_even_when_done_items_are_not_created() -> None:
    wanted = desired(referenced_key="PAY-123", done_in_source=True, create_if_missing=False)
    result = plan([wanted], {}, {}, orphaned=())
    assert [type(op) for op in result.operations] == [AdoptIssue]


def test_an_issue_found_by_its_marker_is_adopted_not_created_again() -> None:
    wanted = desired()
    hit = snapshot("PAY-77", item_id="it-1", fields=issue_fields(labels=frozenset()))
    result = plan([wanted], {}, {}, orphaned=(), marker_hits={"it-1": hit})
    assert result.operations == (
        AdoptIssue("it-1", "PAY-77", LABELS, False, wanted.fields, checked=True),
    )
    assert result.counts.created == 0


def test_the_document_s_reference_wins_over_a_marker_hit() -> None:
    wanted = desired(referenced_key="PAY-123")
    hit = snapshot("PAY-77", item_id="it-1")
    (adopt,) = plan([wanted], {}, {}, orphaned=(), marker_hits={"it-1": hit}).operations
    assert isinstance(adopt, AdoptIssue) and adopt.key == "PAY-123"


def test_an_adopted_issue_already_done_is_read_back() -> None:
    hit = snapshot("PAY-77", status_category="done", resolution="Done")
    result = plan([desired()], {}, {}, orphaned=(), marker_hits={"it-1": hit})
    assert [type(op) for op in result.operations] == [AdoptIssue, MarkDone]
    assert result.counts.closed == 1


def test_adopting_an_open_issue_for_a_done_item_reports_the_mismatch() -> None:
    wanted = desired(referenced_key="PAY-123", done_in_source=True)
    snaps = {"PAY-123": snapshot("PAY-123", item_id=None, status_category="new")}
    result = plan([wanted], {}, snaps, orphaned=())
    assert [type(op) for op in result.operations] == [AdoptIssue, ReportStatusMismatch]


def test_a_person_s_issue_is_never_overwritten_on_adoption_nor_after() -> None:
    wanted = desired(referenced_key="PAY-123")
    adopted = plan([wanted], {}, {}, orphaned=())
    assert not adopted.of_type(UpdateIssue)
    records = apply_records({}, adopted, issues={"PAY-123": PERSONS_ISSUE})
    assert plan([wanted], records, {}, orphaned=()).operations == ()
    # The document changes afterwards: its summary and description are still the person's.
    edited = replace(
        wanted,
        fields=replace(wanted.fields, summary="Alert on lag > 10 s", description="New words"),
    )
    assert not plan([edited], records, {}, orphaned=()).of_type(UpdateIssue)


def test_creates_come_first_together_in_the_order_of_the_items() -> None:
    wanted = [desired("a"), desired("b", referenced_key="PAY-9"), desired("c"), desired("d")]
    records = {"d": record("d", "PAY-4", base=issue_fields(summary="old"))}
    result = plan(wanted, records, {}, orphaned=())
    assert [type(op).__name__ for op in result.operations] == [
        "CreateIssue",
        "CreateIssue",
        "AdoptIssue",
        "UpdateIssue",
        "SetBase",
    ]
    assert [op.item_id for op in result.of_type(CreateIssue)] == ["a", "c"]
