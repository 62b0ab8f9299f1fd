"""The fake's JQL evaluator, on a small fixed set of issues, and the people-side helpers."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.fakes.jira import jql
from tests.fakes.jira.state import JiraState, ManualClock

T0 = dt.datetime(2026, 11, 21, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def state() -> JiraState:
    clock = ManualClock(T0)
    state = JiraState("cloud", clock)
    state.add_project("OPS")
    alice = state.add_user("alice@acme.com", account_id="acc-alice")
    base = {"project": {"key": "PAY"}, "issuetype": {"name": "Task"}}
    state.create_issue({**base, "summary": "one", "labels": ["pm", "syncd-a"]})  # PAY-1, 10:00
    clock.advance(30 * 60)
    state.create_issue(
        {**base, "summary": "two", "labels": ["pm"], "assignee": {"accountId": alice.account_id}}
    )  # PAY-2, 10:30
    clock.advance(60 * 60)
    state.create_issue({**base, "summary": "three", "duedate": "2026-12-01"})  # PAY-3, 11:30
    state.create_issue({**base, "summary": "ops", "project": {"key": "OPS"}})  # OPS-1
    state.transition("PAY-3", "Done", resolution="Won't Do")
    return state


def keys(state: JiraState, text: str) -> list[str]:
    ctx = jql.Context("cloud", state.clock(), state.bot)
    query = jql.parse(text)
    jql.validate(query)
    return [i.key for i in jql.run(query, list(state.issues.values()), ctx)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("project = PAY", ["PAY-1", "PAY-2", "PAY-3"]),
        ('labels = "pm"', ["PAY-1", "PAY-2"]),
        ('labels in ("syncd-a", "nothing")', ["PAY-1"]),
        ("key in (PAY-1, PAY-3)", ["PAY-1", "PAY-3"]),
        ("issuekey = pay-2", ["PAY-2"]),
        ('updated >= "2026-11-21 10:30"', ["OPS-1", "PAY-2", "PAY-3"]),
        ('updated > "2026-11-21 10:30"', ["OPS-1", "PAY-3"]),
        ('updated < "2026-11-21 10:30"', ["PAY-1"]),
        ('created <= "2026-11-21"', []),
        ("status != Done AND project = PAY", ["PAY-1", "PAY-2"]),
        ("statusCategory = Done", ["PAY-3"]),
        ('resolution = "Won\'t Do"', ["PAY-3"]),
        ("assignee = acc-alice", ["PAY-2"]),
        ("assignee is EMPTY AND project = PAY", ["PAY-1", "PAY-3"]),
        ("labels = pm OR project = OPS", ["OPS-1", "PAY-1", "PAY-2"]),
        ("project = PAY AND (labels = syncd-a OR duedate <= 2026-12-31)", ["PAY-1", "PAY-3"]),
        ("project = PAY ORDER BY updated DESC, key", ["PAY-3", "PAY-2", "PAY-1"]),
        ("project = PAY AND NOT labels = pm", ["PAY-3"]),
        ("updated >= -30m", ["OPS-1", "PAY-3"]),
    ],
)
def test_queries(state: JiraState, text: str, expected: list[str]) -> None:
    assert keys(state, text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("summary ~ alerts", "Field 'summary' does not exist"),
        ("labels ~ x", "not supported"),
        ("project = PAY AND", "Expecting a field name"),
        ('updated >= "yesterday"', "Date value 'yesterday' is invalid"),
        ("status = Closed", "The value 'Closed' does not exist"),
        ("project = PAY ORDER BY summary", "Not able to sort"),
        ("issuekey in linkedIssues(PAY-1)", "Unable to find JQL function"),
        ("project = PAY project = OPS", "Expecting either 'OR' or 'AND'"),
    ],
)
def test_unsupported_or_invalid_jql_is_refused_with_a_message(text: str, message: str) -> None:
    with pytest.raises(jql.JqlError, match=message):
        jql.validate(jql.parse(text))


def test_order_by_alone_is_unbounded() -> None:
    assert not jql.parse("ORDER BY key").bounded
    assert jql.parse("labels = x ORDER BY key").bounded


def test_a_person_edit_advances_updated_only_when_something_changes(state: JiraState) -> None:
    clock = state.clock
    assert isinstance(clock, ManualClock)
    clock.advance(60)
    state.edit("PAY-1", assignee="alice@acme.com", duedate=dt.date(2026, 12, 24))
    issue = state.issue("PAY-1")
    assert (issue.assignee and issue.assignee.account_id, issue.duedate) == (
        "acc-alice",
        "2026-12-24",
    )
    assert issue.updated == clock()
    clock.advance(60)
    state.edit("PAY-1", duedate="2026-12-24")
    assert issue.updated == clock() - dt.timedelta(seconds=60)


def test_transition_back_clears_the_resolution(state: JiraState) -> None:
    state.transition("PAY-3", "To Do")
    assert state.issue("PAY-3").resolution is None
    state.transition("PAY-3", "Done", comment="Duplicate of PAY-1", resolution="Duplicate")
    issue = state.issue("PAY-3")
    assert issue.resolution is not None and issue.resolution.name == "Duplicate"
    assert issue.comments[-1].body == "Duplicate of PAY-1"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('project = "NOPE"', "The value 'NOPE' does not exist for the field 'project'."),
        ("project != NOPE AND labels = pm", "The value 'NOPE' does not exist"),
        ("key in (PAY-1, PAY-99)", "An issue with key 'PAY-99' does not exist for field 'key'."),
        ("key = FOO-1", "The issue key 'FOO-1' for field 'key' is invalid."),
    ],
)
def test_a_query_naming_a_project_or_issue_that_does_not_exist_is_refused(
    state: JiraState, text: str, message: str
) -> None:
    def project_exists(ref: str) -> bool:
        return ref.upper() in state.projects

    def issue_exists(ref: str) -> bool:
        return ref.upper() in state.issues

    with pytest.raises(jql.JqlError) as caught:
        jql.check_references(jql.parse(text), project_exists, issue_exists)
    assert str(caught.value).startswith(message)


def test_a_query_naming_what_exists_passes_the_reference_check(state: JiraState) -> None:
    query = jql.parse(
        "project in (PAY, OPS) AND key in (PAY-1, OPS-1) AND assignee = currentUser()"
    )
    jql.check_references(query, lambda p: p in state.projects, lambda k: k in state.issues)
