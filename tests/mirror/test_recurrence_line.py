"""The recurrence line of an item's description, and how the three-way merge treats it: kept
current while the description is syncd's; once a person has edited the description, a change
of the line alone is no news (no write, no conflict), while a change of the item still is."""

from __future__ import annotations

from dataclasses import replace

from syncd.mirror import Plan, ReportConflict, SetBase, UpdateIssue, plan
from syncd.mirror.render import description_text, without_recurrence
from syncd.model import ActionItem
from tests.mirror.mirror_support import desired, issue_fields, record, snapshot
from tests.mirror.test_render import ITEM, LINK

TWO = "2 open items from 1 earlier postmortem on checkout-api: PAY-1, PAY-2"
ONE = "1 open item from 1 earlier postmortem on checkout-api: PAY-2"
PERSON = "What a person wrote instead."


def text(recurrence: str | None, item: ActionItem = ITEM) -> str:
    return description_text(item, postmortem_link=LINK, recurrence=recurrence)


def cycle(
    *,
    source: str,
    source_side: str,
    base: str,
    tracker: str | None,
    conflicts: frozenset[str] = frozenset(),
) -> Plan:
    """One plan of one item whose description is all that differs."""
    rec = record(
        base=issue_fields(description=base),
        source_base=issue_fields(description=source_side),
        conflicts=conflicts,
    )
    snaps = {} if tracker is None else {"PAY-1": snapshot(fields=issue_fields(description=tracker))}
    return plan(
        [desired(fields=issue_fields(description=source))], {"it-1": rec}, snaps, orphaned=()
    )


def test_the_line_sits_after_the_postmortem_and_only_it_is_taken_out() -> None:
    shown = text(TWO)
    heading = 'From the postmortem "Ledger DB failover" (2026-03-01, severity SEV-1):'
    assert f"{heading}\n{LINK}\n\nRecurring: {TWO}\n\n" in shown
    assert without_recurrence(shown) == text(None) == without_recurrence(text(ONE))
    # An action's own detail that starts the same way is the item's, never the line.
    detailed = replace(ITEM, detail="Recurring: every Monday at 09:00")
    assert without_recurrence(text(None, detailed)) == text(None, detailed)
    assert without_recurrence(text(TWO, detailed)) == text(None, detailed)


def test_while_the_description_is_syncds_a_moved_line_is_written_once() -> None:
    result = cycle(source=text(ONE), source_side=text(TWO), base=text(TWO), tracker=text(TWO))
    (update,) = result.of_type(UpdateIssue)
    assert update.changes.as_dict() == {"description": text(ONE)}
    assert result.of_type(ReportConflict) == ()
    # The next cycle, with the line as written: nothing.
    quiet = cycle(source=text(ONE), source_side=text(ONE), base=text(ONE), tracker=text(ONE))
    assert quiet.operations == ()


def test_a_person_edits_as_the_line_moves_their_text_is_kept_without_a_conflict() -> None:
    result = cycle(source=text(ONE), source_side=text(TWO), base=text(TWO), tracker=PERSON)
    assert result.of_type(UpdateIssue) == ()
    assert result.of_type(ReportConflict) == ()
    (set_base,) = result.of_type(SetBase)
    assert set_base.base.description == PERSON and set_base.conflicts == frozenset()


def test_after_a_persons_edit_the_line_moving_writes_nothing_every_cycle() -> None:
    # The person's text was accepted earlier: the base follows it, the source side is syncd's.
    for tracker in (PERSON, None):  # the issue read again, or not read this cycle
        result = cycle(source=text(ONE), source_side=text(TWO), base=PERSON, tracker=tracker)
        assert result.operations == (), tracker


def test_after_a_persons_edit_a_change_of_the_item_itself_still_goes_by_the_contract() -> None:
    changed = replace(ITEM, title="Alert on replication lag above 10 s")
    result = cycle(source=text(ONE, changed), source_side=text(TWO), base=PERSON, tracker=PERSON)
    # CONTRACT §6: source changed, tracker the same as its base: the source's value goes.
    (update,) = result.of_type(UpdateIssue)
    assert update.changes.as_dict() == {"description": text(ONE, changed)}
    edited_now = cycle(
        source=text(ONE, changed), source_side=text(TWO), base=text(TWO), tracker=PERSON
    )
    assert [c.field for c in edited_now.of_type(ReportConflict)] == ["description"]


def test_a_description_in_conflict_stays_so_when_the_line_moves() -> None:
    result = cycle(
        source=text(ONE),
        source_side=text(TWO),
        base=PERSON,
        tracker=PERSON,
        conflicts=frozenset({"description"}),
    )
    assert [c.field for c in result.of_type(ReportConflict)] == ["description"]
    assert result.of_type(UpdateIssue) == ()
