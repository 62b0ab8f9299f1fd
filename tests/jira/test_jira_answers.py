"""The shapes the Jira connector checks before it reads an answer (pure functions)."""

from __future__ import annotations

from typing import Any

import pytest

from connectors.jira import answers

ISSUE = {"key": "PAY-1", "fields": {"updated": "2026-11-21T10:30:00.000+0000", "labels": []}}
FIELDS = ("summary", "labels", "updated")


@pytest.mark.parametrize(
    ("cloud", "page", "problem"),
    [
        (True, {"issues": [ISSUE]}, None),
        (True, {"issues": [], "nextPageToken": "abc"}, None),
        (False, {"issues": [ISSUE], "total": 1, "startAt": 0}, None),
        (True, {}, "no list of issues"),
        (True, {"issues": {}}, "no list of issues"),
        (True, [], "not a JSON object"),
        (True, None, "not a JSON object"),
        (False, {"issues": []}, "no total"),
        (False, {"issues": [], "total": "3"}, "no total"),
        (True, {"issues": [], "nextPageToken": 7}, "a nextPageToken that is not text"),
        (True, {"issues": [{"fields": {}}]}, "an issue with no key"),
        (True, {"issues": [{"key": "PAY-1"}]}, "an issue with no fields"),
        (True, {"issues": [{"key": "PAY-1", "fields": {}}]}, "an issue with no updated time"),
        (True, {"issues": ["PAY-1"]}, "an issue with not a JSON object"),
    ],
)
def test_a_search_page(cloud: bool, page: Any, problem: str | None) -> None:
    assert answers.search_page(cloud=cloud, fields=FIELDS)(page) == problem


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ({"issues": [{"key": "PAY-1"}, {"key": "PAY-2"}], "errors": []}, None),
        ({"issues": [{"key": "PAY-1"}], "errors": [{"failedElementNumber": 1}]}, None),
        ({"issues": [], "errors": []}, "0 created and 0 refused of 2 sent"),
        ({"issues": [{"key": "PAY-1"}], "errors": []}, "1 created and 0 refused of 2 sent"),
        (
            {"issues": [{"id": "10001"}, {"key": "PAY-2"}], "errors": []},
            "a created issue without its key",
        ),
        ({"errors": []}, "no list of created issues"),
        ({"issues": []}, "no list of errors"),
        (
            {"issues": [{"key": "PAY-1"}], "errors": [{"failedElementNumber": 5}]},
            "an error without the number of the element it refused",
        ),
        ("ok", "not a JSON object"),
    ],
)
def test_a_bulk_create_of_two(answer: Any, problem: str | None) -> None:
    assert answers.bulk_created(2)(answer) == problem


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (None, None),
        (ISSUE, None),
        ({}, "no key"),
        ({"status": "ok"}, "no key"),
        ([], "not a JSON object"),
    ],
)
def test_an_edit_answered_with_anything_but_nothing_or_the_issue_is_refused(
    answer: Any, problem: str | None
) -> None:
    assert answers.edited(answer) == problem


def test_myself_and_project_need_who_and_which() -> None:
    assert answers.user({"accountId": "5b10"}) is None
    assert answers.user({"name": "syncd-bot"}) is None
    assert answers.user({}) == "no account id or name"
    assert answers.user({"accountId": ""}) == "no account id or name"
    assert answers.project({"key": "PAY", "name": "Payments"}) is None
    assert answers.project({"name": "Payments"}) == "no project key"


def test_server_info_needs_a_kind_or_a_version() -> None:
    assert answers.server_info({"deploymentType": "Cloud", "version": "1001.0.0"}) is None
    assert answers.server_info({"version": "9.12.8"}) is None
    assert answers.server_info({}) == "no deploymentType or version"
    assert answers.server_info({"status": "ok"}) == "no deploymentType or version"
