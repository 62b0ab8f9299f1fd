"""Reading deliveries and routing them to teams: pure, on plain facts about the teams."""

from __future__ import annotations

import pytest

from syncd.webhooks.events import (
    BadDelivery,
    Delivery,
    generic_delivery,
    github_delivery,
    jira_delivery,
)
from syncd.webhooks.route import HookTarget, caused_by_syncd, repository_key, teams_for
from tests.webhooks.deliveries import (
    generic_event,
    github_issue_event,
    github_push_event,
    jira_issue_event,
)

TARGETS = (
    HookTarget("payments", jira_project="PAY", jira_site="https://acme.atlassian.net"),
    HookTarget("search", github_repo="acme/search"),
    HookTarget(
        "checkout",
        github_repo="acme/checkout",
        git_sources=(("https://github.com/acme/postmortems.git", "main"),),
    ),
    HookTarget("platform", git_sources=(("git@github.com:Acme/postmortems", "main"),)),
    HookTarget("legacy", git_sources=(("https://github.com/acme/postmortems", "legacy"),)),
    HookTarget("onprem", jira_project="PAY", jira_site="https://jira.acme.example/jira"),
)


def _github(body: bytes, event: str, delivery: str = "d-1") -> Delivery:
    headers = {"x-github-event": event, "x-github-delivery": delivery}
    return github_delivery(headers, body, fallback_id="fallback")


def test_a_github_issues_event_concerns_the_team_whose_tracker_is_that_repository() -> None:
    delivery = _github(github_issue_event("ACME/Search"), "issues")
    assert delivery.delivery_id == "d-1" and delivery.actor == "alice-gh"
    assert teams_for(delivery, TARGETS) == ("search",)


def test_a_push_concerns_the_teams_reading_that_repository_and_branch_in_any_spelling() -> None:
    delivery = _github(github_push_event("acme/postmortems"), "push")
    assert delivery.branch == "main"
    assert teams_for(delivery, TARGETS) == ("checkout", "platform")
    other_branch = _github(github_push_event("acme/postmortems", branch="legacy"), "push")
    assert teams_for(other_branch, TARGETS) == ("legacy",)
    tag = _github(
        github_push_event("acme/postmortems", branch="x").replace(b"heads", b"tags"), "push"
    )
    assert teams_for(tag, TARGETS) == ()


@pytest.mark.parametrize("event", ["ping", "star", "pull_request", "unknown"])
def test_other_github_events_concern_no_one(event: str) -> None:
    assert teams_for(_github(github_issue_event("acme/search"), event), TARGETS) == ()


def test_a_github_event_for_an_unknown_repository_concerns_no_one() -> None:
    assert teams_for(_github(github_issue_event("evil/search"), "issues"), TARGETS) == ()


def test_a_jira_issue_event_concerns_the_project_on_its_site() -> None:
    body = jira_issue_event("https://acme.atlassian.net", "PAY-12")
    delivery = jira_delivery({"x-atlassian-webhook-identifier": "j-1"}, body, fallback_id="f")
    assert (delivery.delivery_id, delivery.project, delivery.site) == (
        "j-1",
        "PAY",
        "https://acme.atlassian.net",
    )
    assert teams_for(delivery, TARGETS) == ("payments",)
    onprem = jira_issue_event(
        "https://JIRA.acme.example/jira/", "PAY-3", event="jira:issue_deleted"
    )
    assert teams_for(jira_delivery({}, onprem, fallback_id="f"), TARGETS) == ("onprem",)


def test_a_jira_event_without_its_site_goes_to_every_team_of_the_project() -> None:
    body = b'{"webhookEvent": "jira:issue_created", "issue": {"key": "PAY-1"}}'
    delivery = jira_delivery({}, body, fallback_id="body-hash")
    assert delivery.delivery_id == "body-hash" and delivery.project == "PAY"
    assert teams_for(delivery, TARGETS) == ("payments", "onprem")


@pytest.mark.parametrize("event", ["comment_created", "jira:worklog_updated", "project_created"])
def test_other_jira_events_concern_no_one(event: str) -> None:
    body = jira_issue_event("https://acme.atlassian.net", "PAY-12", event=event)
    assert teams_for(jira_delivery({}, body, fallback_id="f"), TARGETS) == ()


def test_a_generic_delivery_concerns_the_team_it_names_and_no_other() -> None:
    delivery = generic_delivery(
        {"x-syncd-delivery": "ci-42"}, generic_event("search"), fallback_id="r"
    )
    assert delivery.delivery_id == "ci-42"
    assert teams_for(delivery, TARGETS) == ("search",)
    unknown = generic_delivery({}, generic_event("nobody"), fallback_id="r")
    assert unknown.delivery_id == "r" and teams_for(unknown, TARGETS) == ()


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[1, 2]", b'"team"', b"\xff\xfe", b'{"team": ""}', b'{"team": 3}', b"{}"],
)
def test_a_generic_body_that_names_no_team_is_refused_in_words(body: bytes) -> None:
    with pytest.raises(BadDelivery, match="JSON"):
        generic_delivery({}, body, fallback_id="r")


@pytest.mark.parametrize("body", [b"", b"<html>", b"[]", b"null"])
def test_vendor_bodies_that_are_not_json_objects_are_refused(body: bytes) -> None:
    with pytest.raises(BadDelivery):
        github_delivery({"x-github-event": "issues"}, body, fallback_id="f")
    with pytest.raises(BadDelivery):
        jira_delivery({}, body, fallback_id="f")


def test_hostile_shapes_read_as_nothing_rather_than_failing() -> None:
    body = b'{"repository": "acme/search", "sender": ["x"], "ref": 5}'
    delivery = _github(body, "issues", delivery="x" * 10_000)
    assert delivery.repository is None and delivery.actor is None
    assert len(delivery.delivery_id) == 200
    assert teams_for(delivery, TARGETS) == ()


def test_events_caused_by_syncds_own_account_are_its_own() -> None:
    delivery = _github(github_issue_event("acme/search", sender="Syncd-Bot"), "issues")
    assert caused_by_syncd(delivery, {"syncd-bot"})
    assert not caused_by_syncd(delivery, {"alice-gh"})
    assert not caused_by_syncd(delivery, ())
    anonymous = jira_delivery({}, b'{"webhookEvent": "jira:issue_updated"}', fallback_id="f")
    assert not caused_by_syncd(anonymous, {"syncd-bot"})


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/acme/pm.git",
        "https://token@GitHub.com/acme/pm/",
        "ssh://git@github.com:22/acme/pm.git",
        "git@github.com:acme/pm.git",
        "git://github.com/acme/pm",
    ],
)
def test_repository_urls_in_every_spelling_have_one_key(url: str) -> None:
    assert repository_key(url) == "github.com/acme/pm"
