"""The shapes the GitHub connector checks before it reads an answer (pure functions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from connectors.github import GitHubSettings, answers
from connectors.github.connection import GitHubConnection
from syncd.tracker import TrackerContext

ISSUE = {"number": 5, "updated_at": "2026-11-21T10:30:00Z", "labels": [], "body": None}


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (ISSUE, None),
        ({**ISSUE, "number": "5"}, "no issue number"),
        ({**ISSUE, "number": True}, "no issue number"),
        ({**ISSUE, "number": 0}, "no issue number"),
        ({"number": 5}, "no updated_at"),
        ({**ISSUE, "labels": "bug"}, "labels that are not a list"),
        ({**ISSUE, "assignees": {}}, "assignees that are not a list"),
        ({**ISSUE, "body": 3}, "a body that is not text"),
        ({}, "no issue number"),
        ([], "not a JSON object"),
    ],
)
def test_an_issue(answer: Any, problem: str | None) -> None:
    assert answers.issue(answer) == problem


@pytest.mark.parametrize(
    ("page", "problem"),
    [
        ([ISSUE, {"number": 6, "pull_request": {"url": "x"}}], None),
        ([], None),
        ({}, "not a list"),
        ({"items": [ISSUE]}, "not a list"),
        (None, "not a list"),
        ([ISSUE, "x"], "an element with not a JSON object"),
        ([{"number": 7}], "an element with no updated_at"),
    ],
)
def test_a_page_of_issues(page: Any, problem: str | None) -> None:
    assert answers.list_of(answers.listed_issue)(page) == problem


def test_meta_and_repository_need_what_check_reads() -> None:
    assert answers.meta({"verifiable_password_authentication": False}) is None
    assert answers.meta({}) == "no verifiable_password_authentication"
    assert answers.repository({"full_name": "acme/payments", "permissions": {"push": True}}) is None
    assert answers.repository({"full_name": "acme/payments", "permissions": []}) == (
        "permissions that are not an object"
    )
    assert answers.repository({}) == "no full_name"


@pytest.mark.parametrize(
    ("api_url", "advised"),
    [
        ("https://api.github.com", False),
        ("https://ghe.example.com/api/v3", False),
        ("https://ghe.example.com", True),
    ],
)
def test_the_enterprise_hint_is_given_only_where_it_can_be_right(
    api_url: str, advised: bool
) -> None:
    settings = GitHubSettings.model_validate(
        {"repo": "acme/payments", "api_url": api_url, "token": "ghp_0123456789"}
    )
    connection = GitHubConnection(
        settings, TrackerContext(team="payments", now=dt.datetime(2026, 11, 21, tzinfo=dt.UTC))
    )
    reason = connection.not_github("GET", "/meta", 200, "an HTML page").reason
    assert ("serves its API under /api/v3" in reason) is advised
