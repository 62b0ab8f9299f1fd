"""The garbage fault kinds of both fakes (a success status, a body no tracker sends) and
``FaultPlan.nth``, which aims a fault at the n-th matching request."""

from __future__ import annotations

import json

import pytest
import requests

from tests.fakes.faults import GARBAGE_KINDS, Fault, FaultPlan
from tests.fakes.github.server import FakeGitHub
from tests.fakes.jira.server import FakeJira

NEW = {"fields": {"project": {"key": "PAY"}, "issuetype": {"name": "Task"}, "summary": "x"}}


def _create(fake: FakeJira) -> requests.Response:
    return requests.post(
        f"{fake.url}/rest/api/3/issue", json=NEW, auth=(fake.email, fake.token), timeout=5
    )


def test_nth_hits_only_the_nth_matching_request() -> None:
    plan = FaultPlan().nth("POST", "/issues", 3, Fault("html"))
    decided = [plan.decide(m, p) for m, p in [("POST", "/issues")] * 2 + [("GET", "/issues")]]
    assert decided == [None, None, None]  # a GET does not count
    assert plan.decide("POST", "/issues") == Fault("html")
    assert plan.decide("POST", "/issues") is None
    with pytest.raises(ValueError, match="from 1"):
        plan.nth("POST", "/issues", 0, Fault("html"))


def test_several_nth_rules_count_the_same_requests() -> None:
    plan = FaultPlan()
    for n, kind in [(2, "html"), (3, "empty_json"), (5, "broken_json")]:
        plan.nth("POST", "/issues", n, Fault(kind))
    decided = [plan.decide("POST", "/issues") for _ in range(6)]
    assert [f.kind if f else None for f in decided] == [
        None,
        "html",
        "empty_json",
        None,
        "broken_json",
        None,
    ]


@pytest.mark.parametrize("kind", GARBAGE_KINDS)
def test_jira_garbage_comes_with_a_success_status_after_the_request_took_effect(
    fake_jira: FakeJira, kind: str
) -> None:
    fake_jira.faults.nth("POST", "/rest/api/3/issue", 2, Fault(kind))
    assert _create(fake_jira).status_code == 201
    answer = _create(fake_jira)

    assert answer.status_code == 201
    assert len(fake_jira.state.issues) == 2  # applied: the proxy mangled only the answer
    assert fake_jira.requests[-1].fault == kind
    kind_of_body = answer.headers["Content-Type"].split(";")[0]
    assert kind_of_body == ("text/html" if kind == "html" else "application/json")
    if kind == "html":
        assert answer.text.startswith("<!DOCTYPE html>")
        # A hostile proxy echoes the request's credentials: syncd must never show them.
        assert fake_jira.token not in answer.text  # basic: base64 of email:token
        assert "Authorization: Basic " in answer.text
    elif kind == "broken_json":
        with pytest.raises(ValueError):
            json.loads(answer.text)
        assert answer.text.startswith('{"id": ')
    elif kind == "json_without_keys":
        assert "key" not in answer.json() and "id" not in answer.json()
    else:
        assert answer.json() == {}
    assert _create(fake_jira).status_code == 201  # once only


def test_jira_garbage_in_a_proxys_place_never_reaches_the_tracker(fake_jira: FakeJira) -> None:
    fake_jira.faults.next(1, Fault("html", applied=False))
    answer = _create(fake_jira)
    assert (answer.status_code, fake_jira.state.issues) == (200, {})
    assert "Sign in" in answer.text


@pytest.mark.parametrize("kind", GARBAGE_KINDS)
def test_github_garbage_has_none_of_githubs_headers(fake_github: FakeGitHub, kind: str) -> None:
    fake_github.faults.nth("POST", "/repos/acme/payments/issues", 1, Fault(kind))
    answer = requests.post(
        f"{fake_github.url}/repos/acme/payments/issues",
        json={"title": "x"},
        headers={"Authorization": f"Bearer {fake_github.token}"},
        timeout=5,
    )
    assert answer.status_code == 201
    assert "X-GitHub-Media-Type" not in answer.headers
    titles = [i.title for i in fake_github.repo.issues.values() if not i.is_pull_request]
    assert titles.count("x") == 1
    if kind == "html":
        assert f"Authorization: Bearer {fake_github.token}" in answer.text


def test_an_edit_answered_204_gets_a_200_with_the_garbage(fake_jira: FakeJira) -> None:
    issue = fake_jira.state.create_issue(NEW["fields"])
    fake_jira.faults.nth("PUT", "/rest/api/3/issue/*", 1, Fault("empty_json"))
    answer = requests.put(
        f"{fake_jira.url}/rest/api/3/issue/{issue.key}",
        json={"fields": {"summary": "y"}},
        auth=(fake_jira.email, fake_jira.token),
        timeout=5,
    )
    assert (answer.status_code, answer.json()) == (200, {})
    assert fake_jira.state.issues[issue.key].summary == "y"
