"""CONTRACT §6, row by row, for every mirrored field."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pytest

from syncd.mirror import (
    LABELS_TO_ADD,
    MIRRORED_FIELDS,
    IssueFields,
    ReportConflict,
    SetBase,
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


@dataclass(frozen=True)
class Values:
    """One field's base, the source's new value and a person's new value in the tracker."""

    field: str
    base: object
    source: object
    tracker: object

    def fields(self, value: object) -> IssueFields:
        return replace(issue_fields(**{self.field: self.base}), **{self.field: value})


VALUES = [
    Values("summary", "Add a lag alert", "Add an alert on replication lag", "Lag alert (ops)"),
    Values("description", "Old text", "New text from the document", "Text a person wrote"),
    Values("assignee", "acc-alice", "acc-bob", "acc-carol"),
    Values("due", date(2026, 6, 1), date(2026, 7, 1), date(2026, 8, 15)),
    Values("priority", "Medium", "High", "Low"),
    Values("labels", LABELS, LABELS | {"sev-1"}, frozenset()),
]
BY_FIELD = pytest.mark.parametrize("v", VALUES, ids=[v.field for v in VALUES])


def _cycle(v: Values, source: object, tracker: object | None, **record_overrides: object):  # type: ignore[no-untyped-def]
    rec = record(base=v.fields(v.base), **record_overrides)
    snaps = {} if tracker is None else {"PAY-1": snapshot(fields=v.fields(tracker))}
    return rec, plan([desired(fields=v.fields(source))], {"it-1": rec}, snaps, orphaned=())


def test_the_table_covers_every_mirrored_field() -> None:
    assert tuple(v.field for v in VALUES) == MIRRORED_FIELDS


@BY_FIELD
@pytest.mark.parametrize("read", [True, False], ids=["issue-read", "issue-not-read"])
def test_same_same_does_nothing(v: Values, read: bool) -> None:
    _, result = _cycle(v, v.base, v.base if read else None)
    assert result.operations == ()
    assert result.counts.unchanged == 1


@BY_FIELD
@pytest.mark.parametrize("read", [True, False], ids=["issue-read", "issue-not-read"])
def test_source_changed_tracker_same_pushes_the_source_value(v: Values, read: bool) -> None:
    _, result = _cycle(v, v.source, v.base if read else None)
    (update,) = result.of_type(UpdateIssue)
    if v.field == "labels":
        assert update.changes.as_dict() == {LABELS_TO_ADD: frozenset({"sev-1"})}
    else:
        assert update.changes.as_dict() == {v.field: v.source}
    (set_base,) = result.of_type(SetBase)
    assert set_base.base == v.fields(v.source)
    assert set_base.source_base is None
    assert not result.of_type(ReportConflict)
    assert result.counts.updated == 1


@BY_FIELD
def test_source_same_tracker_changed_keeps_the_tracker_value(v: Values) -> None:
    rec, result = _cycle(v, v.base, v.tracker)
    assert not result.of_type(UpdateIssue)
    assert not result.of_type(ReportConflict)
    (set_base,) = result.of_type(SetBase)
    assert getattr(set_base.base, v.field) == v.tracker
    # The source side is remembered apart, so the person's value survives later cycles.
    assert set_base.source_base is not None
    assert getattr(set_base.source_base, v.field) == v.base

    records = apply_records({"it-1": rec}, result)
    for snaps in ({}, {"PAY-1": snapshot(fields=v.fields(v.tracker))}):
        later = plan([desired(fields=v.fields(v.base))], records, snaps, orphaned=())
        assert later.operations == (), snaps


@BY_FIELD
def test_a_kept_person_value_gives_way_to_a_later_document_change(v: Values) -> None:
    rec, result = _cycle(v, v.base, v.tracker)
    records = apply_records({"it-1": rec}, result)
    later = plan([desired(fields=v.fields(v.source))], records, {}, orphaned=())
    (update,) = later.of_type(UpdateIssue)
    if v.field == "labels":
        assert update.changes.as_dict() == {
            LABELS_TO_ADD: frozenset({"postmortem-action", "sev-1"})
        }
    else:
        assert update.changes.as_dict() == {v.field: v.source}


@BY_FIELD
def test_both_changed_differently_keeps_the_tracker_value_and_reports(v: Values) -> None:
    _, result = _cycle(v, v.source, v.tracker)
    assert not result.of_type(UpdateIssue)
    assert result.of_type(ReportConflict) == (
        ReportConflict("it-1", "PAY-1", v.field, v.source, v.tracker),
    )
    assert result.counts.conflicts == 1
    (set_base,) = result.of_type(SetBase)
    assert set_base.conflicts == {v.field}


@BY_FIELD
def test_a_conflict_stays_reported_and_unwritten_until_a_person_settles_it(v: Values) -> None:
    rec, first = _cycle(v, v.source, v.tracker)
    records = apply_records({"it-1": rec}, first)
    wanted = [desired(fields=v.fields(v.source))]
    # The issue is not read again (nobody touched it): still a conflict, still nothing written.
    again = plan(wanted, records, {}, orphaned=())
    assert not again.of_type(UpdateIssue)
    assert again.of_type(ReportConflict) == first.of_type(ReportConflict)
    assert not again.of_type(SetBase)
    # A person makes Jira agree with the document: settled, nothing written.
    settled = plan(wanted, records, {"PAY-1": snapshot(fields=v.fields(v.source))}, orphaned=())
    assert not settled.of_type(UpdateIssue)
    assert not settled.of_type(ReportConflict)
    (set_base,) = settled.of_type(SetBase)
    assert set_base == SetBase("it-1", "PAY-1", v.fields(v.source), None, frozenset())
    after = plan(wanted, apply_records(records, settled), {}, orphaned=())
    assert after.operations == ()


@BY_FIELD
def test_a_conflict_settled_in_the_document_follows_the_tracker(v: Values) -> None:
    rec, first = _cycle(v, v.source, v.tracker)
    records = apply_records({"it-1": rec}, first)
    settled = plan([desired(fields=v.fields(v.tracker))], records, {}, orphaned=())
    assert not settled.of_type(UpdateIssue)
    assert not settled.of_type(ReportConflict)
    (set_base,) = settled.of_type(SetBase)
    assert set_base.base == v.fields(v.tracker) and set_base.conflicts == frozenset()


@BY_FIELD
def test_both_changed_the_same_way_moves_the_base_and_writes_nothing(v: Values) -> None:
    _, result = _cycle(v, v.source, v.source)
    assert not result.of_type(UpdateIssue)
    assert not result.of_type(ReportConflict)
    assert result.of_type(SetBase) == (SetBase("it-1", "PAY-1", v.fields(v.source)),)
    assert result.counts.unchanged == 1


# -- an owner that did not resolve to a tracker user: no opinion --------------------------


@pytest.mark.parametrize("source", [None, "acc-bob"], ids=["none", "stale-value"])
@pytest.mark.parametrize("read", [True, False], ids=["issue-read", "issue-not-read"])
def test_unresolved_assignee_is_never_pushed(source: str | None, read: bool) -> None:
    rec = record(base=issue_fields(assignee="acc-alice"))
    snaps = {"PAY-1": snapshot(fields=issue_fields(assignee="acc-alice"))} if read else {}
    wanted = desired(fields=issue_fields(assignee=source), assignee_known=False)
    result = plan([wanted], {"it-1": rec}, snaps, orphaned=())
    assert result.operations == ()


@pytest.mark.parametrize("tracker", [None, "acc-carol"], ids=["unassigned", "reassigned"])
def test_unresolved_assignee_follows_a_person_without_conflict(tracker: str | None) -> None:
    rec = record(base=issue_fields(assignee="acc-alice"))
    wanted = desired(fields=issue_fields(assignee="acc-bob"), assignee_known=False)
    snaps = {"PAY-1": snapshot(fields=issue_fields(assignee=tracker))}
    result = plan([wanted], {"it-1": rec}, snaps, orphaned=())
    assert not result.of_type(UpdateIssue)
    assert not result.of_type(ReportConflict)
    (set_base,) = result.of_type(SetBase)
    assert set_base.base.assignee == tracker


def test_unresolved_assignee_ends_a_standing_assignee_conflict() -> None:
    rec = record(
        base=issue_fields(assignee="acc-carol"),
        source_base=issue_fields(assignee="acc-bob"),
        conflicts=frozenset({"assignee"}),
    )
    wanted = desired(fields=issue_fields(assignee=None), assignee_known=False)
    result = plan([wanted], {"it-1": rec}, {}, orphaned=())
    assert not result.of_type(ReportConflict)
    (set_base,) = result.of_type(SetBase)
    assert set_base.conflicts == frozenset() and set_base.base.assignee == "acc-carol"


def test_an_owner_resolved_later_is_pushed() -> None:
    rec = record(base=issue_fields(assignee=None))
    result = plan(
        [desired(fields=issue_fields(assignee="acc-bob"))], {"it-1": rec}, {}, orphaned=()
    )
    (update,) = result.of_type(UpdateIssue)
    assert update.changes.as_dict() == {"assignee": "acc-bob"}


# -- fields with rules of their own -------------------------------------------------------


def test_a_priority_the_source_does_not_give_is_left_to_the_tracker() -> None:
    rec = record(base=issue_fields(priority="High"))
    result = plan([desired(fields=issue_fields(priority=None))], {"it-1": rec}, {}, orphaned=())
    assert result.operations == ()


def test_labels_are_never_removed() -> None:
    rec = record(base=issue_fields(labels=LABELS | {"old-label"}))
    result = plan([desired(fields=issue_fields(labels=LABELS))], {"it-1": rec}, {}, orphaned=())
    assert not result.of_type(UpdateIssue)
    (set_base,) = result.of_type(SetBase)
    assert set_base.base.labels == LABELS | {"old-label"}  # what the issue still holds
    assert set_base.source_base is not None and set_base.source_base.labels == LABELS
    later = plan([desired()], apply_records({"it-1": rec}, result), {}, orphaned=())
    assert later.operations == ()


def test_labels_push_adds_only_what_the_issue_lacks() -> None:
    rec = record(base=issue_fields(labels=LABELS))
    wanted = desired(fields=issue_fields(labels=LABELS | {"sev-1", "db"}))
    snaps = {"PAY-1": snapshot(fields=issue_fields(labels=LABELS))}
    result = plan([wanted], {"it-1": rec}, snaps, orphaned=())
    (update,) = result.of_type(UpdateIssue)
    assert update.changes.as_dict() == {LABELS_TO_ADD: frozenset({"sev-1", "db"})}


def test_several_fields_at_once_each_follow_their_own_row() -> None:
    rec = record()
    wanted = desired(fields=issue_fields(summary="New summary", due=date(2026, 9, 1)))
    tracker = issue_fields(assignee="acc-carol", due=date(2026, 10, 1))
    result = plan([wanted], {"it-1": rec}, {"PAY-1": snapshot(fields=tracker)}, orphaned=())
    (update,) = result.of_type(UpdateIssue)
    assert update.changes.as_dict() == {"summary": "New summary"}
    (conflict,) = result.of_type(ReportConflict)
    assert (conflict.field, conflict.source_value, conflict.tracker_value) == (
        "due",
        date(2026, 9, 1),
        date(2026, 10, 1),
    )
    (set_base,) = result.of_type(SetBase)
    assert set_base.base == issue_fields(
        summary="New summary", assignee="acc-carol", due=date(2026, 10, 1)
    )
    assert set_base.conflicts == {"due"}
    assert result.counts.updated == 1 and result.counts.conflicts == 1
