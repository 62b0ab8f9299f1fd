"""Tracker users mapped back to people: the people map's ids, then syncd's own assignments."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from syncd.model import TrackerAssignee
from syncd.reconcile.holders import tracker_assignees
from syncd.resolve.people import Person
from syncd.store import StoredItem, TrackerLink
from syncd.store.rows import item_row, stored_item
from tests.store.conftest import build_item
from tests.store.mirror_records import T0, build_link

PEOPLE = [
    Person("alice", handles={"jira": "5b10ac8d82e05b22cc7d4ef5", "github": "alice-gh"}),
    Person("bob", email="bob@acme.com", handles={"github": "BobJ"}),  # no Jira id: by e-mail
    Person("carol", email="carol@acme.com"),
]


def _stored(item_id: str, person: str | None) -> StoredItem:
    item = build_item(item_id)
    item = dataclasses.replace(item, owner=dataclasses.replace(item.owner, person=person))
    return stored_item(item_row(item, seen_at=T0))  # type: ignore[arg-type]  # a row is a mapping


def _link(item_id: str, user: str | None, name: str | None = None, **more: Any) -> TrackerLink:
    return build_link(item_id, assignee=user, assignee_name=name, key=f"PAY-{item_id}", **more)


def _base(assignee: str | None, source_assignee: str | None = None) -> dict[str, Any]:
    fields = {"summary": "s", "description": "d", "due": None, "priority": None, "labels": []}
    source = None if source_assignee is None else {**fields, "assignee": source_assignee}
    return {"base": {**fields, "assignee": assignee}, "source_base": source, "conflicts": []}


def test_the_people_maps_ids_name_the_holder() -> None:
    holders = tracker_assignees(
        [_stored("1", "bob")],
        {"1": _link("1", "5b10ac8d82e05b22cc7d4ef5", "Alice Smith")},
        {"1": _base("5b10ac8d82e05b22cc7d4ef5")},
        PEOPLE,
    )
    assert holders == {"1": TrackerAssignee("5b10ac8d82e05b22cc7d4ef5", "Alice Smith", "alice")}


def test_github_logins_match_whatever_their_case() -> None:
    links = {"1": _link("1", "bobj", "bobj", system="github")}
    holders = tracker_assignees([_stored("1", "alice")], links, {"1": _base("bobj")}, PEOPLE)
    assert holders["1"].person == "bob"


def test_a_jira_id_is_not_a_github_login() -> None:
    # alice's GitHub login used as a Jira user name means nothing
    links = {"1": _link("1", "alice-gh", "alice-gh", system="jira")}
    holders = tracker_assignees([_stored("1", None)], links, {"1": _base("alice-gh")}, PEOPLE)
    assert holders["1"].person is None


def test_a_user_syncd_assigned_for_a_person_maps_back_to_them() -> None:
    # bob has no jira id: syncd found 557058:bob by e-mail and assigned him item 1. Item 2,
    # carol's, was reassigned in Jira to that same user: bob holds it.
    items = [_stored("1", "bob"), _stored("2", "carol")]
    links = {"1": _link("1", "557058:bob", "Bob Jones"), "2": _link("2", "557058:bob", "Bob J.")}
    bases = {"1": _base("557058:bob"), "2": _base("557058:bob", source_assignee="557058:carol")}
    holders = tracker_assignees(items, links, bases, PEOPLE)
    assert holders["2"] == TrackerAssignee("557058:bob", "Bob J.", "bob")
    assert holders["1"].person == "bob"


def test_a_user_syncd_assigned_for_two_people_is_not_guessed() -> None:
    items = [_stored("1", "bob"), _stored("2", "carol"), _stored("3", None)]
    links = {
        "1": _link("1", "557058:shared"),
        "2": _link("2", "557058:shared"),
        "3": _link("3", "557058:shared", "Shared Account"),
    }
    bases = {key: _base("557058:shared") for key in links}
    holders = tracker_assignees(items, links, bases, PEOPLE)
    assert holders["3"] == TrackerAssignee("557058:shared", "Shared Account", None)


@pytest.mark.parametrize("user", [None, ""])
def test_an_issue_without_an_assignee_has_no_holder(user: str | None) -> None:
    holders = tracker_assignees([_stored("1", "bob")], {"1": _link("1", user)}, {}, PEOPLE)
    assert holders == {}


def test_an_unknown_user_keeps_the_trackers_name() -> None:
    links = {"1": _link("1", "5b10ac8d82e05b22cc7d4eff", "Zed Contractor")}
    holders = tracker_assignees([_stored("1", "alice")], links, {}, PEOPLE)
    assert holders["1"].shown == "Zed Contractor"
    assert holders["1"].person is None


def test_an_assignee_removed_after_syncd_set_one_is_a_cleared_holder() -> None:
    holders = tracker_assignees(
        [_stored("1", "alice"), _stored("2", None)],
        {"1": _link("1", None), "2": _link("2", None)},
        # syncd assigned alice's id on 1; on 2 it never assigned anyone (owner unresolved)
        {"1": _base(None, source_assignee="5b10ac8d82e05b22cc7d4ef5"), "2": _base(None)},
        PEOPLE,
    )
    assert list(holders) == ["1"]
    assert holders["1"].cleared and holders["1"].person is None
    assert holders["1"].shown == "nobody (unassigned in the tracker)"
