"""Adoption rules on Jira (Cloud, Data Center) and GitHub, through the real clients and the fakes.

syncd adopts only an issue of the team's own project or repository that belongs to no other
item; a person's issue keeps its title and description whatever the document does after.
"""

from __future__ import annotations

from pathlib import Path

from syncd.mirror.render import ADOPTED_FOOTER, is_syncd_text
from tests.adoption.world import World, cycle, item, item_id, lose_store

HAND_WRITTEN = "Filed by hand during the incident. Owner: the analytics team."


def _problems(outcome: object) -> list[str]:
    return [p.message for p in outcome.problems]  # type: ignore[attr-defined]


def test_a_person_s_issue_is_adopted_and_its_text_never_written(world: World) -> None:
    named = world.person_files("Analytics on a replica", HAND_WRITTEN)
    first = cycle(world, [item("Move analytics to a read replica", 10, named)])
    assert (first.created, first.adopted, first.updated) == (0, 1, 0)
    adopted = world.read(world.key(named))
    assert adopted.fields.summary == "Analytics on a replica"
    assert adopted.fields.description == HAND_WRITTEN
    assert item_id(world, "Move analytics to a read replica") in adopted.markers

    # The person rewrites title and body; the document's author rewords the item.
    world.person_edits(named, title="Analytics: replica cut-over", body="Plan in the doc.")
    again = cycle(world, [item("Move the analytics queries to a read replica", 10, named)])
    assert (again.created, again.updated) == (0, 0), _problems(again)
    kept = world.read(world.key(named))
    assert (kept.fields.summary, kept.fields.description) == (
        "Analytics: replica cut-over",
        "Plan in the doc.",
    )
    assert world.issue_count() == 1
    # Its status is read back: the person closes it, the item is done.
    world.close(named)
    closed = cycle(world, [item("Move the analytics queries to a read replica", 10, named)])
    assert closed.closed == 1 and closed.updated == 0
    assert world.read(world.key(named)).fields.summary == "Analytics: replica cut-over"


def test_only_the_empty_fields_of_a_person_s_issue_are_filled(world: World) -> None:
    named = world.person_files("Analytics on a replica", "")
    raw = item("Move analytics to a read replica", 10, named)
    raw = type(raw)(raw.title, raw.section, raw.line, due_text="2026-12-01", tracker_refs=(named,))
    outcome = cycle(world, [raw])
    assert outcome.adopted == 1 and outcome.problems == []
    filled = world.read(world.key(named)).fields
    assert filled.summary == "Analytics on a replica"
    assert ADOPTED_FOOTER in " ".join(filled.description.split())
    assert not is_syncd_text(filled.description)  # still the person's issue if the store is lost
    assert str(filled.due) == "2026-12-01"


def test_an_issue_in_another_project_is_linked_and_reported_not_adopted(world: World) -> None:
    elsewhere = world.other_project_issue()
    first = cycle(world, [item("Fix the findings of the pen test", 10, elsewhere)])
    assert (first.created, first.adopted) == (1, 0)
    (problem,) = _problems(first)
    assert problem.startswith(f"not adopted: {elsewhere} is in ")
    project = "project SEC, not PAY" if world.system == "jira" else "acme/security"
    assert project in problem
    (link,) = world.store.links("payments").values()
    own = world.read(link.key)
    assert f"The postmortem names {elsewhere}: " in own.fields.description
    second = cycle(world, [item("Fix the findings of the pen test", 10, elsewhere)])
    assert (second.created, second.adopted, second.problems) == (0, 0, [])


def test_an_item_naming_syncd_s_new_issue_for_another_item_is_held(world: World) -> None:
    # A fresh tracker: the first issue syncd creates is #4 on GitHub (three pull requests
    # came first), PAY-1 on Jira; the second item names that number.
    first_key = "#4" if world.system == "github" else "PAY-1"
    items = [item("Add an alert on queue depth", 10), item("Fix the retry storm", 11, first_key)]
    first = cycle(world, items)
    assert (first.created, first.adopted) == (1, 0)
    (problem,) = _problems(first)
    named = f"names {first_key}, but {world.key(first_key)} belongs to"
    assert f"'Fix the retry storm' (2026-09-14-checkout.md line 11) {named}" in problem
    assert "belongs to the item 'Add an alert on queue depth'" in problem
    held = item_id(world, "Fix the retry storm")
    assert first.failed_items == {held}  # flagged: the digest lists it under sync errors
    issue = world.read(world.key(first_key))
    assert issue.markers == {item_id(world, "Add an alert on queue depth")}
    second = cycle(world, items)
    assert (second.created, second.adopted) == (0, 0) and len(second.problems) == 1
    assert world.read(world.key(first_key)).markers == issue.markers
    assert world.issue_count() == 1


def test_two_items_naming_one_issue_are_both_held_and_reported(world: World) -> None:
    named = world.person_files("Analytics on a replica", HAND_WRITTEN)
    items = [item("Move analytics to a replica", 10, named), item("Add a dashboard", 11, named)]
    outcome = cycle(world, items)
    assert (outcome.created, outcome.adopted) == (0, 0)
    assert len(outcome.problems) == 2
    assert all("and so does the item" in p for p in _problems(outcome))
    assert len(outcome.failed_items) == 2
    assert world.read(world.key(named)).markers == frozenset()
    assert world.issue_count() == 1


def test_a_lost_store_finds_a_person_s_issue_again_still_theirs(
    world: World, tmp_path: Path
) -> None:
    named = world.person_files("Analytics on a replica", HAND_WRITTEN)
    cycle(world, [item("Move analytics to a read replica", 10, named)])
    lose_store(world, str(tmp_path / "after-loss.db"))
    again = cycle(world, [item("Move analytics to a read replica", 10, named)])
    assert (again.created, again.adopted, again.problems) == (0, 1, [])
    (link,) = world.store.links("payments").values()
    assert link.adopted  # a person's issue, as before: its text is never written
    reworded = cycle(world, [item("Move the analytics queries to a read replica", 10, named)])
    assert (reworded.created, reworded.updated) == (0, 0)
    kept = world.read(world.key(named))
    assert (kept.fields.summary, kept.fields.description) == (
        "Analytics on a replica",
        HAND_WRITTEN,
    )
    assert kept.markers == {item_id(world, "Move the analytics queries to a read replica")}
