"""The real `jira` client works against the fake, in Cloud and in Data Center mode."""

from __future__ import annotations

import time
from typing import Any

import jira
import pytest

from tests.fakes.jira.server import FakeJira


def _client(fake: FakeJira) -> jira.JIRA:
    if fake.mode == "cloud":
        return jira.JIRA(server=fake.url, basic_auth=(fake.email, fake.token), max_retries=0)
    return jira.JIRA(server=fake.url, token_auth=fake.pat, max_retries=0)


def _new(summary: str, **extra: Any) -> dict[str, Any]:
    return {"project": {"key": "PAY"}, "issuetype": {"name": "Task"}, "summary": summary, **extra}


@pytest.fixture(params=["cloud", "datacenter"])
def fake(request: pytest.FixtureRequest) -> FakeJira:
    name = "fake_jira" if request.param == "cloud" else "fake_jira_dc"
    found: FakeJira = request.getfixturevalue(name)
    return found


def test_construct_detects_the_deployment(fake: FakeJira) -> None:
    client = _client(fake)
    assert client._is_cloud is (fake.mode == "cloud")
    assert client.myself()["emailAddress"] == fake.email
    auth = next(r.headers["Authorization"] for r in fake.requests if r.path.endswith("myself"))
    assert auth == ("Basic REDACTED" if fake.mode == "cloud" else "Bearer REDACTED")


def test_wrong_credentials_fail_construction(fake: FakeJira) -> None:
    with pytest.raises(jira.JIRAError) as caught:
        if fake.mode == "cloud":
            jira.JIRA(server=fake.url, basic_auth=(fake.email, "nope"), max_retries=0)
        else:
            jira.JIRA(server=fake.url, token_auth="nope", max_retries=0)
    assert caught.value.status_code == 401


def test_create_get_edit_transition_users_and_links(fake: FakeJira) -> None:
    alice = fake.state.add_user("alice@acme.com", "Alice Smith")
    client = _client(fake)
    issue = client.create_issue(
        fields=_new(
            "Add alerts",
            description="See the postmortem.",
            duedate="2026-12-01",
            labels=["postmortem-action"],
        )
    )
    assert (issue.key, issue.fields.description) == ("PAY-1", "See the postmortem.")

    found = (
        client.search_users(query="alice@acme.com")
        if fake.mode == "cloud"
        else client.search_users(user="alice")
    )
    assert [u.displayName for u in found] == ["Alice Smith"]
    who = {"accountId": alice.account_id} if fake.mode == "cloud" else {"name": alice.name}
    issue.update(fields={"assignee": who, "priority": {"name": "High"}})
    assert client.issue("PAY-1").fields.assignee.emailAddress == "alice@acme.com"

    client.transition_issue(
        issue, "Done", fields={"resolution": {"name": "Won't Do"}}, comment="Superseded by PAY-7."
    )
    done = client.issue("PAY-1", fields="status,resolution,comment")
    assert done.fields.status.statusCategory.key == "done"
    assert done.fields.resolution.name == "Won't Do"
    assert done.fields.comment.comments[0].body == "Superseded by PAY-7."

    link = {"url": "https://wiki.example.com/pm/1", "title": "Postmortem"}
    client.add_remote_link("PAY-1", link, globalId="syncd:pm-1")
    client.add_remote_link("PAY-1", {**link, "title": "Postmortem (moved)"}, globalId="syncd:pm-1")
    assert [x.object.title for x in client.remote_links("PAY-1")] == ["Postmortem (moved)"]


def test_bulk_create_with_a_failing_element(fake: FakeJira) -> None:
    client = _client(fake)
    results = client.create_issues(
        [_new("one"), _new("two", priority={"name": "Urgent"}), _new("three")], prefetch=False
    )
    assert [r["status"] for r in results] == ["Success", "Error", "Success"]
    assert "priority" in results[1]["error"]
    assert sorted(fake.state.issues) == ["PAY-1", "PAY-2"]


def test_bulk_create_and_search_1000_issues_quickly(fake: FakeJira) -> None:
    client = _client(fake)
    started = time.perf_counter()
    for chunk in range(0, 1000, 50):
        client.create_issues(
            [_new(f"item {n}", labels=["pm"]) for n in range(chunk, chunk + 50)], prefetch=False
        )
    if fake.mode == "cloud":
        found = client.enhanced_search_issues(
            "labels = pm ORDER BY key", maxResults=0, fields=["summary", "updated", "labels"]
        )
    else:
        found = client.search_issues(
            "labels = pm ORDER BY key", maxResults=0, fields=["summary", "updated", "labels"]
        )
    elapsed = time.perf_counter() - started
    assert [i.key for i in found] == [f"PAY-{n}" for n in range(1, 1001)]
    searches = [r for r in fake.requests if "search" in r.path]
    if fake.mode == "cloud":  # pages by nextPageToken, at most 100 issues with fields
        assert len(searches) == 10
        assert all("nextPageToken" in r.query for r in searches[1:])
    else:  # pages by startAt, in the client's batch size
        assert len(searches) > 1
        assert all("startAt" in r.query for r in searches)
    assert elapsed < 5  # typically ~0.3 s; generous for loaded CI machines


def test_data_center_pages_with_start_at(fake_jira_dc: FakeJira) -> None:
    for n in range(120):
        fake_jira_dc.state.create_issue(_new(f"item {n}", labels=["pm"]))
    client = _client(fake_jira_dc)
    found = client.search_issues("project = PAY AND labels = pm", maxResults=50, startAt=100)
    assert [i.key for i in found] == [f"PAY-{n}" for n in range(101, 121)]
    assert found.total == 120
