"""What people do by hand in the tracker, on Jira (Cloud, Data Center) and GitHub: an issue
deleted, a marker removed, a marker copied onto a second issue. Each is reported in words a
person can act on, and none leads to a duplicate silently."""

from __future__ import annotations

from pathlib import Path

from syncd.model import RawItem
from tests.adoption.world import World, cycle, item_id, lose_store

TITLE = "Add an alert on queue depth"


def _item(due: str = "2026-12-01") -> RawItem:
    return RawItem(TITLE, "Action Items", 10, due_text=due)


def _only_link(world: World) -> str:
    (link,) = world.store.links("payments").values()
    return link.key


def test_an_issue_deleted_by_a_person_is_reported_and_not_recreated_unasked(
    world: World,
) -> None:
    assert cycle(world, [_item()]).created == 1
    key = _only_link(world)
    world.delete(key)
    outcome = cycle(world, [_item(due="2026-12-15")])  # a change to push finds the issue gone
    assert (outcome.created, outcome.updated) == (0, 0)
    (problem,) = outcome.problems
    assert problem.message.startswith(f"{key}, the issue of the item '{TITLE}' (")
    assert "is gone from the tracker" in problem.message
    assert "run `syncd sync --recreate-missing` to create a new issue" in problem.message
    assert world.issue_count() == 0 and _only_link(world) == key
    # Asked to, syncd creates a new issue for it, exactly once.
    recreated = cycle(world, [_item(due="2026-12-15")], recreate_missing=True)
    assert recreated.created == 1
    assert any("as --recreate-missing asks" in p.message for p in recreated.problems)
    new_key = _only_link(world)
    assert new_key != key and world.issue_count() == 1
    assert str(world.read(new_key).fields.due) == "2026-12-15"
    quiet = cycle(world, [_item(due="2026-12-15")], recreate_missing=True)
    assert (quiet.created, quiet.problems) == (0, [])


def test_a_marker_removed_by_hand_is_put_back_and_reported(world: World, tmp_path: Path) -> None:
    cycle(world, [_item()])
    key = _only_link(world)
    world.remove_markers(key)
    outcome = cycle(world, [_item()])
    (problem,) = outcome.problems
    assert f"was removed from {key} by hand; syncd puts it back" in problem.message
    assert world.read(key).markers == {item_id(world, TITLE)}
    assert cycle(world, [_item()]).problems == []
    # With its marker back, a lost state store finds the issue again: nothing is created.
    lose_store(world, str(tmp_path / "after-loss.db"))
    again = cycle(world, [_item()])
    assert (again.created, again.adopted) == (0, 1) and world.issue_count() == 1


def test_a_marker_copied_onto_a_second_issue_is_reported_and_ignored(
    world: World, tmp_path: Path
) -> None:
    cycle(world, [_item()])
    key = _only_link(world)
    other = world.person_files("Queue depth dashboards", "Someone's own notes.")
    world.copy_marker(item_id(world, TITLE), other)
    outcome = cycle(world, [_item(due="2026-12-15")])
    (problem,) = outcome.problems
    copy = world.key(other)
    assert f"{copy} carries the marker of the item '{TITLE}'" in problem.message
    assert f"whose issue is {key}: copied by hand?" in problem.message
    assert _only_link(world) == key and str(world.read(key).fields.due) == "2026-12-15"
    assert world.read(copy).fields.description == "Someone's own notes."
    # The store is lost: the issue syncd wrote is the item's, the copy is reported again.
    lose_store(world, str(tmp_path / "after-loss.db"))
    again = cycle(world, [_item(due="2026-12-15")])
    assert (again.created, again.adopted) == (0, 1)
    assert _only_link(world) == key and world.issue_count() == 2
    assert any(f"syncd links the item to {key}" in p.message for p in again.problems)
