from __future__ import annotations

import pytest

from syncd.model import Owner
from syncd.resolve.people import PeopleDirectory, Person, is_placeholder_owner

ALICE = Person(
    key="alice",
    aliases=("Alice Smith", "@alice", "asmith"),
    email="alice@acme.com",
    handles={"jira": "5b10ac8d82e05b22cc7d4ef5", "github": "alice-gh", "slack": "U012ABCDEF"},
    owner_names=("5b10ac8d82e05b22cc7d4ef5", "alice-gh", "U012ABCDEF"),
)
BOB = Person(
    key="bob",
    aliases=("Robert Jones",),
    email="Bob.Jones@Acme.com",
    handles={"github": "bobj"},
    owner_names=("bobj",),
)
CAROL = Person(key="carol", email="carol+oncall@acme.com")
CORE_TEAM = Person(key="core-1-team", aliases=("Core-1 team", "Core 1"), lead="alice")
SEARCH_TEAM = Person(key="search-team", aliases=("Search",), lead="core-1-team")  # a chain
ORPHAN_TEAM = Person(key="edge-team", aliases=("Edge team",), lead="dave")  # dave: nobody
LOOP_A = Person(key="loop-a", lead="loop-b")
LOOP_B = Person(key="loop-b", lead="loop-a")
RND = Person(key="rnd", aliases=("R&D",), lead="bob")


@pytest.fixture
def people() -> PeopleDirectory:
    return PeopleDirectory(
        [ALICE, BOB, CAROL, CORE_TEAM, SEARCH_TEAM, ORPHAN_TEAM, LOOP_A, LOOP_B, RND]
    )


@pytest.mark.parametrize(
    ("written", "person", "via"),
    [
        # key, any case and spacing
        ("alice", "alice", "key"),
        ("Alice", "alice", "key"),
        ("  ALICE  ", "alice", "key"),
        # aliases, case- and whitespace-insensitive
        ("Alice Smith", "alice", "alias"),
        ("alice   smith", "alice", "alias"),
        ("ALICE SMITH", "alice", "alias"),
        ("asmith", "alice", "alias"),
        ("Robert Jones", "bob", "alias"),
        # @handles: key, alias written with or without @, GitHub and Slack handles
        ("@alice", "alice", "key"),
        ("@asmith", "alice", "alias"),
        ("@alice-gh", "alice", "handle"),
        ("alice-gh", "alice", "handle"),
        ("@bobj", "bob", "handle"),
        ("@U012ABCDEF", "alice", "handle"),
        ("<@U012ABCDEF>", "alice", "handle"),  # a Slack mention pasted from chat
        ("<@U012ABCDEF|alice>", "alice", "handle"),
        ("[~5b10ac8d82e05b22cc7d4ef5]", "alice", "handle"),  # a Jira wiki mention
        # e-mail: exact, case-insensitive, with a display name, as a mailto link
        ("alice@acme.com", "alice", "email"),
        ("ALICE@ACME.COM", "alice", "email"),
        ("bob.jones@acme.com", "bob", "email"),
        ("Alice <alice@acme.com>", "alice", "email"),
        ("Someone Else <alice@acme.com>", "alice", "email"),  # the address decides
        ("carol+oncall@acme.com", "carol", "email"),  # "+" inside an address is no separator
        ("mailto:alice@acme.com", "alice", "email"),
        ("[Alice](mailto:alice@acme.com)", "alice", "key"),  # the link text is her key
        # markdown leftovers
        ("**Alice**", "alice", "key"),
        ("__alice__", "alice", "key"),
        ("*Alice Smith*", "alice", "alias"),
        ("`@alice`", "alice", "key"),
        ("[@alice](https://github.com/alice)", "alice", "key"),
        ("[Ally](https://github.com/alice-gh)", "alice", "handle"),  # the URL names her
        ("[A. Smith](mailto:alice@acme.com)", "alice", "email"),
        # a role or note in parentheses
        ("Alice (SRE)", "alice", "key"),
        ("Payments on-call (bob)", "bob", "key"),
        # teams resolve to their lead, also through a chain of teams
        ("core-1-team", "alice", "lead"),
        ("Core-1 team", "alice", "lead"),
        ("@core-1-team", "alice", "lead"),
        ("Search", "alice", "lead"),
        # an alias that contains a separator is found whole
        ("R&D", "bob", "lead"),
    ],
)
def test_resolve_finds_the_person(
    people: PeopleDirectory, written: str, person: str, via: str
) -> None:
    owner = people.resolve(written)
    assert owner == Owner(written=written.strip(), person=person, via=via)


def test_the_link_text_alone_resolves_before_its_url(people: PeopleDirectory) -> None:
    owner = people.resolve("[Alice](mailto:bob.jones@acme.com)")
    assert owner.person == "alice"  # the text first; the URL only when the text names nobody


@pytest.mark.parametrize(
    ("written", "person"),
    [
        ("alice, bob", "alice"),
        ("bob, alice", "bob"),
        ("Alice & Bob", "alice"),
        ("alice / bob", "alice"),
        ("alice/bob", "alice"),
        ("Alice and Bob", "alice"),
        ("Alice or Bob", "alice"),
        ("alice; bob", "alice"),
        ("alice + bob", "alice"),
        ("@alice, @bob", "alice"),
        # the first that resolves, not the first written
        ("Zed, Bob", "bob"),
        ("Zed and Robert Jones", "bob"),
        ("TBD, bob", "bob"),
        ("Edge team, bob", "bob"),  # the first's lead is missing: the next one is assigned
        ("[Zed](https://github.com/zed) / [Bob](https://github.com/bobj)", "bob"),
        ("Alice <alice@acme.com>, Bob <bob.jones@acme.com>", "alice"),
        ("~~alice~~ bob", "bob"),  # reassigned
        ("~~Alice~~, Bob", "bob"),
    ],
)
def test_several_owners_assign_the_first_that_resolves(
    people: PeopleDirectory, written: str, person: str
) -> None:
    owner = people.resolve(written)
    assert owner.person == person
    assert owner.written == written
    assert owner.unresolved_reason is None


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("Bob Smith", "no one called 'Bob Smith' in the people map"),
        ("@zed", "no one called '@zed' in the people map"),
        ("**Zed**", "no one called 'Zed' in the people map"),
        ("zed@acme.com", "no one called 'zed@acme.com' in the people map"),
        ("Alice Smyth", "no one called 'Alice Smyth' in the people map"),  # no fuzzy guess
        ("Zed, Yan", "no one called 'Zed' or 'Yan' in the people map"),
        (
            "Edge team",
            "'edge-team' is assigned to its lead 'dave', who is not in the people map",
        ),
        ("loop-a", "the leads of 'loop-a' go round in a circle: loop-a -> loop-b -> loop-a"),
        (
            "Zed, Edge team",
            "'edge-team' is assigned to its lead 'dave', who is not in the people map",
        ),
    ],
)
def test_unresolved_owners_keep_what_was_written_and_say_why(
    people: PeopleDirectory, written: str, reason: str
) -> None:
    owner = people.resolve(written)
    assert (owner.written, owner.person, owner.via) == (written, None, None)
    assert owner.unresolved_reason == reason


@pytest.mark.parametrize(
    "written",
    [
        "TBD",
        "tbd",
        "?",
        "-",
        "n/a",
        "N/A",
        "none",
        "unassigned",
        "TBA",
        "owner",
        "Owner",
        "**TBD**",
        "`?`",
        "TBD / ?",
        "@owner",
        "[owner]",
        "\u2014",
    ],
)
def test_placeholders_name_nobody(people: PeopleDirectory, written: str) -> None:
    assert is_placeholder_owner(written)
    assert people.resolve(written) == Owner(written=written, person=None)


@pytest.mark.parametrize("written", [None, "", "   "])
def test_nothing_written_is_no_owner(people: PeopleDirectory, written: str | None) -> None:
    assert is_placeholder_owner(written)
    assert people.resolve(written) == Owner(written=None, person=None)


@pytest.mark.parametrize("written", ["alice", "Zed", "alice, TBD", "Edge team", "n/alice"])
def test_a_name_is_not_a_placeholder(written: str) -> None:
    assert not is_placeholder_owner(written)


@pytest.mark.parametrize(
    ("people", "first", "second"),
    [
        (  # two people with the same alias
            [Person("alice", aliases=("Al",)), Person("albert", aliases=("al",))],
            "alice",
            "albert",
        ),
        (  # an alias that is another person's key
            [Person("alice", aliases=("bob",)), Person("bob")],
            "alice",
            "bob",
        ),
        (  # the same address, different case
            [Person("alice", email="ops@acme.com"), Person("bob", email="OPS@acme.com")],
            "alice",
            "bob",
        ),
        (  # an alias with @ and another's GitHub handle
            [
                Person("alice", aliases=("@ace",)),
                Person("bob", handles={"github": "ace"}, owner_names=("ace",)),
            ],
            "alice",
            "bob",
        ),
        (  # keys that differ only in case
            [Person("Alice"), Person("alice")],
            "Alice",
            "alice",
        ),
    ],
)
def test_names_claimed_by_two_people_are_refused_naming_both(
    people: list[Person], first: str, second: str
) -> None:
    with pytest.raises(ValueError, match="claimed by both") as raised:
        PeopleDirectory(people)
    assert repr(first) in str(raised.value)
    assert repr(second) in str(raised.value)


def test_a_key_defined_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="'alice' is defined twice"):
        PeopleDirectory([Person("alice"), Person("alice", email="a@acme.com")])


def test_one_person_may_name_themself_several_ways() -> None:
    directory = PeopleDirectory(
        [
            Person(
                "alice",
                aliases=("@alice", "Alice", "ALICE"),
                handles={"github": "alice", "mattermost": "alice"},
                owner_names=("alice", "alice"),
            )
        ]
    )
    assert directory.resolve("@alice") == Owner(written="@alice", person="alice", via="key")


def test_get_and_iteration(people: PeopleDirectory) -> None:
    assert people.get("alice") is ALICE
    assert people.get("Alice") is None  # keys are exact; resolve() is the forgiving lookup
    assert people.get("dave") is None
    assert len(people) == 9
    assert [person.key for person in people][:3] == ["alice", "bob", "carol"]


def test_an_empty_directory_resolves_nobody() -> None:
    owner = PeopleDirectory([]).resolve("alice")
    assert owner == Owner(
        written="alice",
        person=None,
        unresolved_reason="no one called 'alice' in the people map",
    )


@pytest.mark.parametrize(
    ("written", "person"),
    [
        ("Alice (SRE/on-call), bob", "alice"),  # a note's "/" and "," do not split owners
        ("Zed (bob)", "bob"),
        ("Zed ([bob](https://github.com/bobj))", "bob"),
    ],
)
def test_notes_in_parentheses_stay_with_their_owner(
    people: PeopleDirectory, written: str, person: str
) -> None:
    assert people.resolve(written).person == person
