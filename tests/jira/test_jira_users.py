"""Who an owner is in Jira: from the people map, else one search by e-mail, remembered."""

from __future__ import annotations

from syncd.resolve.people import Person
from syncd.tracker import KnowsOwnAccount
from tests.jira.site import Site


def test_the_people_maps_jira_id_costs_nothing(site: Site) -> None:
    tracker = site.tracker()
    found = tracker.assignee(
        Person("alice", email="alice@example.com", handles={"jira": "alice-in-jira"})
    )
    assert found.user_id == "alice-in-jira" and found.problem is None
    assert site.sent() == 0


def test_an_email_is_searched_once_then_remembered(site: Site) -> None:
    tracker = site.tracker()
    alice = Person("alice", email="Alice@Example.com")

    first = tracker.assignee(alice)
    second = tracker.assignee(Person("alice-again", email="alice@example.com"))

    assert first.user_id == site.user_id("alice@example.com") and first.problem is None
    assert second == first
    assert site.counts() == {site.endpoint("GET", "user/search"): 1}
    [request] = site.fake.requests
    expected = (
        {"query": ["alice@example.com"]} if site.cloud else {"username": ["alice@example.com"]}
    )
    assert request.query == expected


def test_nobody_found_is_a_problem_to_report(site: Site) -> None:
    site.fake.state.add_user("gone@example.com", active=False)
    tracker = site.tracker()

    for email in ("nobody@example.com", "gone@example.com"):
        found = tracker.assignee(Person("someone", email=email))
        assert found.user_id is None
        assert found.problem is not None and email in found.problem


def test_several_found_is_a_problem_to_report(site: Site) -> None:
    site.fake.state.add_user("shared@example.com", "Shared One", name="shared1")
    site.fake.state.add_user("shared@example.com", "Shared Two", name="shared2")
    tracker = site.tracker()

    found = tracker.assignee(Person("shared", email="shared@example.com"))

    assert found.user_id is None
    assert found.problem is not None and "2 Jira users" in found.problem


def test_a_prefix_match_of_another_address_is_not_the_person(site: Site) -> None:
    site.fake.state.add_user("al@example.com.au", "Al Other", name="al-au")
    tracker = site.tracker()
    found = tracker.assignee(Person("al", email="al@example.com"))
    assert found.user_id is None and found.problem is not None


def test_a_person_without_id_or_email_is_reported_without_a_request(site: Site) -> None:
    tracker = site.tracker()
    found = tracker.assignee(Person("carol"))
    assert found.user_id is None and found.problem is not None and "carol" in found.problem
    assert site.sent() == 0


def test_it_names_the_account_it_writes_as_cloud_by_account_id_data_center_by_name(
    site: Site,
) -> None:
    tracker = site.tracker()
    assert isinstance(tracker, KnowsOwnAccount)
    bot = site.fake.state.bot
    expected = bot.account_id if site.fake.state.mode == "cloud" else bot.name
    assert tracker.own_account() == expected
