"""Owners as people write them: several owners, trailing punctuation, "nobody yet", one name
that holds a separator. The first owner that resolves is the assignee; the others are co-owners.
"""

from __future__ import annotations

import pytest

from syncd.model import CoOwner, Owner
from syncd.resolve.people import PeopleDirectory, Person, is_placeholder_owner

CAROL = Person(
    key="carol", aliases=("Carol Díaz",), handles={"github": "carol-d"}, owner_names=("carol-d",)
)
DAVE = Person(key="dave", aliases=("Dave Okafor",), email="dave@acme.com")
ERIN = Person(key="erin")
ALICE = Person(key="alice", aliases=("Alice Smith",))
ONEIL = Person(key="oneil", aliases=("Pat O'Neil",))
RND = Person(key="rnd", aliases=("R&D",), lead="erin")
SEARCH_ADS = Person(key="search-ads", aliases=("Search / Ads",), lead="dave")


@pytest.fixture
def people() -> PeopleDirectory:
    return PeopleDirectory([CAROL, DAVE, ERIN, ALICE, ONEIL, RND, SEARCH_ADS])


@pytest.mark.parametrize(
    "written",
    [
        "carol, dave",
        "carol,dave",
        "carol and dave",
        "Carol AND Dave",
        "carol/dave",
        "carol / dave",
        "carol & dave",
        "carol; dave",
        "carol + dave",
        "@carol @dave",
        "@carol, @dave",
        "@carol-d @dave",  # a GitHub login
        "Carol Díaz and Dave Okafor",
        "carol, dave.",
        "**carol**, *dave*",
        "carol, dave, carol",  # named twice: once
    ],
)
def test_the_first_owner_is_the_assignee_and_the_others_co_owners(
    people: PeopleDirectory, written: str
) -> None:
    owner = people.resolve(written)
    assert owner.person == "carol"
    assert [(c.person) for c in owner.co_owners] == ["dave"]
    assert owner.unresolved_reason is None


def test_co_owners_keep_the_order_written_and_how_they_were_written(
    people: PeopleDirectory,
) -> None:
    owner = people.resolve("erin, Dave Okafor & @carol")
    assert owner == Owner(
        written="erin, Dave Okafor & @carol",
        person="erin",
        via="key",
        co_owners=(CoOwner("Dave Okafor", "dave"), CoOwner("@carol", "carol")),
    )


def test_a_co_owner_not_in_the_people_map_is_kept_as_written(people: PeopleDirectory) -> None:
    owner = people.resolve("carol, zed")
    assert owner.person == "carol"
    assert owner.co_owners == (CoOwner("zed", None),)


def test_when_the_first_is_unknown_the_first_that_resolves_is_assigned(
    people: PeopleDirectory,
) -> None:
    owner = people.resolve("zed, dave")
    assert owner.person == "dave"
    assert owner.co_owners == (CoOwner("zed", None),)


def test_when_nobody_resolves_every_owner_is_still_recorded(people: PeopleDirectory) -> None:
    owner = people.resolve("zed and yan")
    assert owner.person is None
    assert owner.written == "zed and yan"
    assert owner.co_owners == (CoOwner("yan", None),)
    assert owner.unresolved_reason == "no one called 'zed' or 'yan' in the people map"


def test_a_name_and_the_same_persons_handle_are_one_owner(people: PeopleDirectory) -> None:
    owner = people.resolve("Dave Okafor @dave")
    assert owner.person == "dave"
    assert owner.co_owners == ()


def test_a_team_as_co_owner_is_shown_as_its_lead(people: PeopleDirectory) -> None:
    owner = people.resolve("carol, R&D")
    assert owner.co_owners == (CoOwner("R&D", "erin"),)


@pytest.mark.parametrize(
    ("written", "person"),
    [
        # one person whose name holds a separator: the people map decides
        ("R&D", "erin"),
        ("Search / Ads", "dave"),
        ("Alice Smith", "alice"),
        ("Pat O'Neil", "oneil"),
        ("Smith, Alice", "alice"),  # surname first
        ("Smith,Alice", "alice"),
        ("Díaz, Carol", "carol"),
    ],
)
def test_a_whole_name_the_people_map_knows_is_one_person(
    people: PeopleDirectory, written: str, person: str
) -> None:
    owner = people.resolve(written)
    assert (owner.person, owner.co_owners) == (person, ())


def test_surname_first_is_only_tried_for_two_single_words(people: PeopleDirectory) -> None:
    # "Okafor, Dave, carol" is three owners, not a reordered name.
    owner = people.resolve("erin, Smith, Alice")
    assert owner.person == "erin"
    assert [c.written for c in owner.co_owners] == ["Smith", "Alice"]


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("bob.", "bob"),
        ("bob,", "bob"),
        ("bob;", "bob"),
        ("bob:", "bob"),
        ("  carol.  ", "carol"),
        ("carol, dave.", "carol, dave"),
        ("dave@acme.com.", "dave@acme.com"),
    ],
)
def test_trailing_punctuation_is_dropped(people: PeopleDirectory, written: str, shown: str) -> None:
    owner = people.resolve(written)
    assert owner.written == shown
    if owner.person is None:
        assert owner.unresolved_reason is not None
        assert "." not in owner.unresolved_reason.removesuffix("people map")


def test_an_unknown_owner_with_a_dot_is_named_without_it(people: PeopleDirectory) -> None:
    assert people.resolve("bob.").unresolved_reason == "no one called 'bob' in the people map"


@pytest.mark.parametrize(
    "written",
    [
        "nobody yet",
        "Nobody yet",
        "nobody yet.",
        "no one yet",
        "unassigned",
        "Unassigned yet",
        "TBD",
        "tbd yet",
        "?",
        "none",
        "None yet",
        "n/a",
        "N/A",
        "-",
        "\u2014",
        "no owner",
        "needs an owner",
        "TBD, ?",
        "nobody yet / TBD",
    ],
)
def test_placeholders_are_no_owner(people: PeopleDirectory, written: str) -> None:
    assert is_placeholder_owner(written)
    owner = people.resolve(written)
    assert owner.person is None
    assert owner.unresolved_reason is None
    assert owner.co_owners == ()


@pytest.mark.parametrize("written", ["carol, TBD", "TBD, carol", "carol and nobody yet"])
def test_a_placeholder_beside_a_name_is_left_out(people: PeopleDirectory, written: str) -> None:
    owner = people.resolve(written)
    assert (owner.person, owner.co_owners) == ("carol", ())


@pytest.mark.parametrize("written", ["Nobody Smith", "yet", "n/alice", "Noneya"])
def test_names_that_look_like_placeholders_are_names(written: str) -> None:
    assert not is_placeholder_owner(written)


def test_an_unknown_owner_named_twice_is_not_their_own_co_owner(people: PeopleDirectory) -> None:
    owner = people.resolve("Zed, zed and yan")
    assert owner.co_owners == (CoOwner("yan", None),)


@pytest.mark.parametrize("written", ["R&D", "AT&T liaison", "Q&A team"])
def test_an_ampersand_inside_a_word_does_not_split_an_unknown_name(written: str) -> None:
    owner = PeopleDirectory([CAROL]).resolve(written)
    assert owner.co_owners == ()
    assert owner.unresolved_reason == f"no one called {written!r} in the people map"


@pytest.mark.parametrize("written", ["carol?", "carol!", "carol?.", "Carol Díaz (?)"])
def test_an_owner_written_with_doubt_is_still_that_owner(
    people: PeopleDirectory, written: str
) -> None:
    assert people.resolve(written).person == "carol"


@pytest.mark.parametrize("written", ["?", "??", "TBD?", "nobody yet?"])
def test_doubt_alone_is_still_no_owner(people: PeopleDirectory, written: str) -> None:
    assert is_placeholder_owner(written)
    assert people.resolve(written).person is None


@pytest.mark.parametrize(
    "written", ["carol (and dave)", "carol (& dave)", "carol (+ Dave Okafor)", "carol (with dave)"]
)
def test_a_note_that_adds_someone_names_a_co_owner(people: PeopleDirectory, written: str) -> None:
    owner = people.resolve(written)
    assert (owner.person, [c.person for c in owner.co_owners]) == ("carol", ["dave"])


def test_a_note_that_describes_the_owner_adds_nobody(people: PeopleDirectory) -> None:
    owner = people.resolve("carol (SRE and on-call)")
    assert (owner.person, owner.co_owners) == ("carol", ())
