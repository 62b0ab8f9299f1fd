"""Who holds each item's issue in the tracker now, named through the team's people map. Pure.

A person may reassign an issue in the tracker; from then on the digest and ``status`` name the
tracker's assignee, not the document's owner. A tracker user is mapped back to a person by the
people map's own ids (the person's handle of the tracker's type: a Jira accountId, a GitHub
login), else by the assignments syncd made itself (a person found in the tracker by e-mail has
no id of it in the map, but syncd knows which user it assigned for them). A user nobody maps is
named as the tracker names them, and never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from syncd.model import TrackerAssignee
from syncd.resolve.people import Person
from syncd.store import StoredItem, TrackerLink


def tracker_assignees(
    items: Iterable[StoredItem],
    links: Mapping[str, TrackerLink],
    bases: Mapping[str, Mapping[str, Any]],
    people: Iterable[Person],
) -> dict[str, TrackerAssignee]:
    """Item id → the tracker's assignee of its issue, for items whose issue has one.

    An issue whose assignee a person removed after syncd set one is held by nobody: its
    holder is ``cleared``, and the item is unowned whatever its document says.
    """
    people = list(people)
    items = list(items)
    assigned = _assigned_by_syncd(items, links, bases)
    ids_by_system: dict[str, dict[str, str]] = {}
    holders: dict[str, TrackerAssignee] = {}
    set_by_syncd = _items_syncd_assigned(items, links, bases)
    for item_id, link in links.items():
        if not link.assignee:
            if item_id in set_by_syncd:  # a person removed the assignee syncd had set
                holders[item_id] = TrackerAssignee(user_id="", name=None, person=None)
            continue
        if link.system not in ids_by_system:
            ids_by_system[link.system] = _people_ids(people, link.system)
        user = _fold(link.assignee)
        person = ids_by_system[link.system].get(user) or assigned.get((link.system, user))
        holders[item_id] = TrackerAssignee(
            user_id=link.assignee, name=link.assignee_name, person=person
        )
    return holders


def _items_syncd_assigned(
    items: Iterable[StoredItem],
    links: Mapping[str, TrackerLink],
    bases: Mapping[str, Mapping[str, Any]],
) -> set[str]:
    """Items whose issue syncd gave an assignee (the source side of their base holds one)."""
    found: set[str] = set()
    for item in items:
        stored = bases.get(item.id)
        if item.id not in links or stored is None:
            continue
        side = stored.get("source_base") or stored.get("base") or {}
        if isinstance(side.get("assignee"), str) and side["assignee"]:
            found.add(item.id)
    return found


def _fold(user_id: str) -> str:
    # GitHub logins and Data Center usernames ignore case; Cloud account ids are not words.
    return user_id.casefold()


def _people_ids(people: list[Person], system: str) -> dict[str, str]:
    ids: dict[str, str] = {}
    for person in people:
        user = person.handles.get(system)  # a tracker's system is its connector type
        if user:
            ids[_fold(user)] = person.key
    return ids


def _assigned_by_syncd(
    items: Iterable[StoredItem],
    links: Mapping[str, TrackerLink],
    bases: Mapping[str, Mapping[str, Any]],
) -> dict[tuple[str, str], str]:
    """(system, user) → person, for the users syncd assigned for a document's owner.

    The source side of a base holds the user syncd looked up for the item's owner. A user
    found for two different people is left out: which one it is cannot be told.
    """
    found: dict[tuple[str, str], str] = {}
    ambiguous: set[tuple[str, str]] = set()
    for item in items:
        link = links.get(item.id)
        stored = bases.get(item.id)
        if link is None or stored is None or item.assignee is None:
            continue
        side = stored.get("source_base") or stored.get("base") or {}
        user = side.get("assignee")
        if not isinstance(user, str) or not user:
            continue
        key = (link.system, _fold(user))
        if found.setdefault(key, item.assignee) != item.assignee:
            ambiguous.add(key)
    return {key: person for key, person in found.items() if key not in ambiguous}
