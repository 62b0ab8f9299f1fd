"""``people.<name>.confluence``: a Cloud account id or a Data Center user key, and the owners
pages write as mentions resolving to that person."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from syncd.config.models import PersonConfig
from syncd.resolve.people import PeopleDirectory, Person
from tests.confluence.test_extraction import _read

ALICE_ID = "557058:2f0e4b7c-1a2b-4c3d-9e8f-000000000a11"
DC_KEY = "8a7f808a6c2b1234016c2b5678900001"


def _directory() -> PeopleDirectory:
    people = []
    for key, handle in (("alice", ALICE_ID), ("dora", DC_KEY), ("john", "jdoe")):
        config = PersonConfig.model_validate({"confluence": handle, "jira": handle})
        people.append(Person(key=key, handles=config.handles, owner_names=config.owner_names()))
    return PeopleDirectory(people)


def test_a_confluence_id_is_a_handle_documents_may_name_an_owner_by() -> None:
    person = PersonConfig.model_validate({"confluence": ALICE_ID})
    assert person.handles == {"confluence": ALICE_ID}
    assert person.owner_names() == (ALICE_ID,)


@pytest.mark.parametrize("value", ["Alice Smith", "@alice", ""])
def test_what_is_no_confluence_id_is_refused_at_its_key(value: str) -> None:
    with pytest.raises(ValidationError) as caught:
        PersonConfig.model_validate({"confluence": value})
    [error] = caught.value.errors()
    assert error["loc"] == ("confluence",) and "Confluence Cloud account id" in error["msg"]


def test_mentions_in_pages_resolve_to_the_person() -> None:
    directory = _directory()
    owners = [
        directory.resolve(item.owner_text)
        for name in ("task-list-with-assignees.xml", "datacenter-user-keys.xml")
        for item in _read(name).items
        if item.owner_text
    ]
    assert [(o.person, o.via) for o in owners] == [
        (None, None),  # bob has no entry in this map
        ("alice", "handle"),
        ("dora", "handle"),
        ("john", "handle"),
        (None, None),
    ]
    assert owners[0].written == "confluence:557058:2f0e4b7c-1a2b-4c3d-9e8f-000000000b22"
