"""The planner's adoption rules: whose issue is whose, and what of a person's issue syncd writes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from syncd.mirror import (
    AdoptIssue,
    CreateIssue,
    RefuseAdoption,
    SetBase,
    UpdateIssue,
    operation_as_json,
    plan,
)
from syncd.mirror.render import ADOPTED_FOOTER, FOOTER
from tests.mirror.mirror_support import (
    apply_records,
    desired,
    issue_fields,
    record,
    snapshot,
)

PERSONS = issue_fields(
    summary="Replication lag alerting",
    description="Filed by hand during the incident.",
    assignee="acc-dave",
    due=date(2026, 7, 1),
    priority="Medium",
    labels=frozenset(),
)


def test_an_issue_mirrored_to_another_item_is_refused() -> None:
    wanted = desired("b", referenced_key="PAY-1")
    result = plan([wanted], {"a": record("a", "PAY-1")}, {}, orphaned=())
    assert result.operations == (RefuseAdoption("b", "PAY-1", "claimed", ("a",)),)
    assert (result.counts.refused, result.counts.skipped, result.counts.created) == (1, 1, 0)


def test_an_issue_carrying_another_item_s_marker_is_refused() -> None:
    wanted = desired("b", referenced_key="PAY-7")
    carrying = snapshot("PAY-7", item_id="a")
    result = plan([wanted], {}, {}, orphaned=(), referenced={"PAY-7": carrying})
    assert result.operations == (RefuseAdoption("b", "PAY-7", "claimed", ("a",)),)


def test_two_items_naming_one_free_issue_are_both_refused() -> None:
    wanted = [desired("a", referenced_key="PAY-7"), desired("b", referenced_key="PAY-7")]
    result = plan(wanted, {}, {}, orphaned=())
    assert result.of_type(RefuseAdoption) == (
        RefuseAdoption("a", "PAY-7", "shared", ("b",)),
        RefuseAdoption("b", "PAY-7", "shared", ("a",)),
    )
    assert not result.of_type(AdoptIssue) and not result.of_type(CreateIssue)


def test_the_item_holding_an_issue_keeps_it_when_another_names_it() -> None:
    wanted = [desired("a", referenced_key="PAY-7"), desired("b", referenced_key="PAY-7")]
    records = {"a": record("a", "PAY-7", adopted=True)}
    result = plan(wanted, records, {}, orphaned=())
    assert result.of_type(RefuseAdoption) == (RefuseAdoption("b", "PAY-7", "claimed", ("a",)),)


def test_only_the_empty_fields_of_a_person_s_issue_are_filled() -> None:
    wanted = desired(referenced_key="PAY-7", fields=issue_fields(description=f"Do it.\n\n{FOOTER}"))
    empty = replace(PERSONS, description="", assignee=None, due=None)
    (adopt,) = plan(
        [wanted], {}, {}, orphaned=(), referenced={"PAY-7": snapshot("PAY-7", None, fields=empty)}
    ).of_type(AdoptIssue)
    assert adopt.fill.as_dict() == {
        "description": f"Do it.\n\n{ADOPTED_FOOTER}",
        "assignee": "acc-alice",
        "due": date(2026, 6, 1),
    }
    assert not adopt.own and adopt.checked
    assert operation_as_json(adopt)["fill"]["due"] == "2026-06-01"


def test_syncd_s_own_issue_found_again_is_mirrored_as_its_own() -> None:
    wanted = desired(fields=issue_fields(description=f"Do it.\n\n{FOOTER}"))
    hit = snapshot("PAY-3", "it-1", fields=wanted.fields)
    (adopt,) = plan([wanted], {}, {}, orphaned=(), marker_hits={"it-1": hit}).of_type(AdoptIssue)
    assert adopt.own and not adopt.fill
    records = apply_records(
        {},
        plan([wanted], {}, {}, orphaned=(), marker_hits={"it-1": hit}),
        issues={"PAY-3": wanted.fields},
    )
    edited = replace(wanted, fields=replace(wanted.fields, summary="Reworded"))
    (update,) = plan([edited], records, {}, orphaned=()).of_type(UpdateIssue)
    assert update.changes.as_dict() == {"summary": "Reworded"}


def test_a_marked_issue_without_syncd_s_description_is_a_person_s() -> None:
    wanted = desired()
    hit = snapshot("PAY-3", "it-1", fields=PERSONS)
    (adopt,) = plan([wanted], {}, {}, orphaned=(), marker_hits={"it-1": hit}).of_type(AdoptIssue)
    assert not adopt.own


@pytest.mark.parametrize(
    ("field", "document_value", "pushed"),
    [
        ("summary", "Reworded in the document", False),
        ("description", "New words in the document", False),
        ("due", date(2026, 12, 24), False),  # the person's issue has a due date: theirs
        ("assignee", "acc-bob", False),
    ],
)
def test_a_person_s_issue_is_never_rewritten_by_later_document_edits(
    field: str, document_value: object, pushed: bool
) -> None:
    wanted = desired(referenced_key="PAY-7")
    adopted = plan(
        [wanted], {}, {}, orphaned=(), referenced={"PAY-7": snapshot("PAY-7", None, fields=PERSONS)}
    )
    records = apply_records({}, adopted, issues={"PAY-7": PERSONS})
    assert records["it-1"].adopted
    edited = replace(wanted, fields=replace(wanted.fields, **{field: document_value}))
    result = plan([edited], records, {}, orphaned=())
    assert bool(result.of_type(UpdateIssue)) is pushed
    assert all(field not in op.conflicts for op in result.of_type(SetBase))


def test_a_field_a_person_s_issue_lacks_is_filled_when_the_document_adds_it() -> None:
    theirs = replace(PERSONS, due=None)
    wanted = desired(referenced_key="PAY-7", fields=issue_fields(due=None))
    adopted = plan(
        [wanted], {}, {}, orphaned=(), referenced={"PAY-7": snapshot("PAY-7", None, fields=theirs)}
    )
    records = apply_records({}, adopted, issues={"PAY-7": theirs})
    dated = replace(wanted, fields=replace(wanted.fields, due=date(2026, 12, 24)))
    (update,) = plan([dated], records, {}, orphaned=()).of_type(UpdateIssue)
    assert update.changes.as_dict() == {"due": date(2026, 12, 24)}
