"""The fake Jira (Cloud mode, REST v3) answers what the Jira Cloud v3 spec describes.

Each case drives one realistic request, checks the request against the spec too, and validates
the answer against the spec's schema for that path, method and status. Where the spec gives no
body schema (errors), Jira's `ErrorCollection` is checked instead.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.fakes.jira import contract
from tests.fakes.jira.server import FakeJira

ADF = {
    "type": "doc",
    "version": 1,
    "content": [{"type": "paragraph", "content": [{"type": "text", "text": "From the pm."}]}],
}


def _fields(**extra: Any) -> dict[str, Any]:
    return {
        "project": {"key": "PAY"},
        "issuetype": {"name": "Task"},
        "summary": "Add alerts",
        **extra,
    }


class Driver:
    """Sends one request to the fake, checking request and answer against the spec."""

    def __init__(self, fake: FakeJira) -> None:
        self.fake = fake
        self.session = requests.Session()
        self.session.auth = (fake.email, fake.token)

    def call(
        self,
        method: str,
        path: str,
        status: int,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
    ) -> Any:
        query = {k: [str(v)] for k, v in (params or {}).items()}
        assert contract.validate_request(method, path, query, body) == []
        answer = self.session.request(
            method, self.fake.url + path, params=params, json=body, timeout=5
        )
        assert answer.status_code == status, answer.text
        payload = answer.json() if answer.content else None
        if status >= 400:
            assert contract.validate_schema("ErrorCollection", payload) == []
            assert payload["errorMessages"] or payload["errors"]
        else:
            assert contract.validate_response(method, path, status, payload) == []
        return payload


@pytest.fixture
def driver(fake_jira: FakeJira) -> Driver:
    fake_jira.state.add_user("alice@acme.com", "Alice Smith", account_id="5b10ac8d82e05b22cc7d4ef5")
    return Driver(fake_jira)


@pytest.fixture
def issue_key(driver: Driver) -> str:
    created = driver.call(
        "POST",
        "/rest/api/3/issue",
        201,
        body={
            "fields": _fields(
                description=ADF,
                assignee={"accountId": "5b10ac8d82e05b22cc7d4ef5"},
                duedate="2026-12-01",
                priority={"name": "High"},
                labels=["postmortem-action"],
            )
        },
    )
    key: str = created["key"]
    return key


@pytest.mark.parametrize(
    "path",
    [
        "serverInfo",
        "myself",
        "field",
        "priority",
        "issuetype",
        "project/PAY",
        "status",
        "resolution",
        "statuscategory",
    ],
)
def test_meta_endpoints_match_the_spec(driver: Driver, path: str) -> None:
    payload = driver.call("GET", f"/rest/api/3/{path}", 200)
    assert payload


def test_server_info_says_cloud(driver: Driver) -> None:
    info = driver.call("GET", "/rest/api/3/serverInfo", 200)
    assert info["deploymentType"] == "Cloud"


def test_created_issue_reads_back_with_every_field_in_spec_shape(
    driver: Driver, issue_key: str
) -> None:
    issue = driver.call("GET", f"/rest/api/3/issue/{issue_key}", 200)
    fields = issue["fields"]
    assert fields["description"] == ADF
    assert fields["assignee"]["accountId"] == "5b10ac8d82e05b22cc7d4ef5"
    assert fields["duedate"] == "2026-12-01"
    assert fields["labels"] == ["postmortem-action"]
    for name, schema in [
        ("assignee", "UserDetails"),
        ("reporter", "UserDetails"),
        ("status", "StatusDetails"),
        ("priority", "Priority"),
        ("issuetype", "IssueTypeDetails"),
        ("project", "ProjectDetails"),
        ("comment", "PageOfComments"),
    ]:
        assert contract.validate_schema(schema, fields[name]) == [], name
    assert fields["status"]["statusCategory"]["key"] == "new"


def test_get_issue_returns_only_the_requested_fields(driver: Driver, issue_key: str) -> None:
    issue = driver.call(
        "GET", f"/rest/api/3/issue/{issue_key}", 200, params={"fields": "summary,labels"}
    )
    assert set(issue["fields"]) == {"summary", "labels"}


def test_unknown_issue_is_404(driver: Driver) -> None:
    payload = driver.call("GET", "/rest/api/3/issue/PAY-999", 404)
    assert "does not exist" in payload["errorMessages"][0]


def test_create_with_a_bad_field_is_a_400_naming_it(driver: Driver) -> None:
    payload = driver.call(
        "POST", "/rest/api/3/issue", 400, body={"fields": _fields(priority={"name": "Urgent"})}
    )
    assert set(payload["errors"]) == {"priority"}


def test_bulk_create_reports_per_element_errors(driver: Driver) -> None:
    payload = driver.call(
        "POST",
        "/rest/api/3/issue/bulk",
        201,
        body={
            "issueUpdates": [
                {"fields": _fields(summary="one")},
                {"fields": _fields(summary="two", assignee={"accountId": "nobody"})},
                {"fields": _fields(summary="three", priority={"name": "Urgent"})},
                {"fields": _fields(summary="four")},
            ]
        },
    )
    assert [i["key"] for i in payload["issues"]] == ["PAY-1", "PAY-2"]
    assert [
        (e["failedElementNumber"], set(e["elementErrors"]["errors"])) for e in payload["errors"]
    ] == [(1, {"assignee"}), (2, {"priority"})]


def test_bulk_create_where_everything_fails_is_400_in_the_same_shape(driver: Driver) -> None:
    answer = driver.session.post(
        f"{driver.fake.url}/rest/api/3/issue/bulk",
        timeout=5,
        json={"issueUpdates": [{"fields": _fields(summary="")}]},
    )
    assert answer.status_code == 400
    assert answer.json()["issues"] == []
    assert contract.validate_schema("CreatedIssues", answer.json()) == []


def test_bulk_create_refuses_more_than_50(driver: Driver) -> None:
    driver.call(
        "POST", "/rest/api/3/issue/bulk", 400, body={"issueUpdates": [{"fields": _fields()}] * 51}
    )
    assert driver.fake.state.issues == {}


def test_edit_labels_with_add_and_remove(driver: Driver, issue_key: str) -> None:
    driver.call(
        "PUT",
        f"/rest/api/3/issue/{issue_key}",
        204,
        body={
            "fields": {"duedate": "2026-12-24"},
            "update": {"labels": [{"add": "syncd-abc"}, {"remove": "postmortem-action"}]},
        },
    )
    issue = driver.fake.state.issue(issue_key)
    assert (issue.labels, issue.duedate) == (["syncd-abc"], "2026-12-24")


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_search_jql_pages_with_next_page_token(driver: Driver, method: str) -> None:
    for n in range(5):
        driver.fake.state.create_issue(_fields(summary=f"item {n}", labels=["x"]))
    keys: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        inputs: dict[str, Any] = {
            "jql": "labels = x ORDER BY key",
            "maxResults": 2,
            "fields": "summary",
        }
        if token:
            inputs["nextPageToken"] = token
        if method == "GET":
            page = driver.call("GET", "/rest/api/3/search/jql", 200, params=inputs)
        else:
            page = driver.call(
                "POST", "/rest/api/3/search/jql", 200, body={**inputs, "fields": ["summary"]}
            )
        pages += 1
        keys.extend(i["key"] for i in page["issues"])
        assert all(set(i["fields"]) == {"summary"} for i in page["issues"])
        token = page.get("nextPageToken")
        assert page["isLast"] is (token is None)
        if token is None:
            break
    assert keys == [f"PAY-{n}" for n in range(1, 6)]
    assert pages == 3


def test_search_jql_without_fields_returns_ids_only(driver: Driver, issue_key: str) -> None:
    page = driver.call("GET", "/rest/api/3/search/jql", 200, params={"jql": "project = PAY"})
    assert page["issues"] == [{"id": driver.fake.state.issue(issue_key).id}]


def test_unbounded_jql_is_refused(driver: Driver) -> None:
    payload = driver.call("GET", "/rest/api/3/search/jql", 400, params={"jql": "order by key"})
    assert "Unbounded" in payload["errorMessages"][0]


def test_the_old_search_endpoint_is_gone_in_cloud(driver: Driver) -> None:
    answer = driver.session.get(
        f"{driver.fake.url}/rest/api/3/search", timeout=5, params={"jql": "project = PAY"}
    )
    assert answer.status_code == 410
    assert contract.validate_schema("ErrorCollection", answer.json()) == []


def test_transitions_and_resolution(driver: Driver, issue_key: str) -> None:
    listed = driver.call(
        "GET",
        f"/rest/api/3/issue/{issue_key}/transitions",
        200,
        params={"expand": "transitions.fields"},
    )
    done = next(t for t in listed["transitions"] if t["to"]["statusCategory"]["key"] == "done")
    assert "resolution" in done["fields"]
    driver.call(
        "POST",
        f"/rest/api/3/issue/{issue_key}/transitions",
        204,
        body={
            "transition": {"id": done["id"]},
            "fields": {"resolution": {"name": "Won't Do"}},
            "update": {"comment": [{"add": {"body": ADF}}]},
        },
    )
    issue = driver.call(
        "GET", f"/rest/api/3/issue/{issue_key}", 200, params={"fields": "status,resolution"}
    )
    assert issue["fields"]["status"]["statusCategory"]["key"] == "done"
    assert issue["fields"]["resolution"]["name"] == "Won't Do"
    comments = driver.call("GET", f"/rest/api/3/issue/{issue_key}/comment", 200)
    assert comments["total"] == 1
    assert comments["comments"][0]["body"] == ADF


def test_invalid_transition_is_400(driver: Driver, issue_key: str) -> None:
    driver.call(
        "POST",
        f"/rest/api/3/issue/{issue_key}/transitions",
        400,
        body={"transition": {"id": "999"}},
    )


def test_user_search_by_email(driver: Driver) -> None:
    users = driver.call("GET", "/rest/api/3/user/search", 200, params={"query": "alice@acme.com"})
    assert [u["accountId"] for u in users] == ["5b10ac8d82e05b22cc7d4ef5"]
    assert users[0]["emailAddress"] == "alice@acme.com"


def test_remote_links_upsert_by_global_id(driver: Driver, issue_key: str) -> None:
    path = f"/rest/api/3/issue/{issue_key}/remotelink"
    link = {
        "globalId": "syncd:pm-1",
        "relationship": "postmortem",
        "object": {"url": "https://wiki/pm-1", "title": "Postmortem"},
    }
    first = driver.call("POST", path, 201, body=link)
    again = driver.call(
        "POST",
        path,
        200,
        body={**link, "object": {"url": "https://wiki/pm-1-moved", "title": "Postmortem"}},
    )
    assert first["id"] == again["id"]
    one = driver.call("GET", path, 200, params={"globalId": "syncd:pm-1"})
    assert one["object"]["url"] == "https://wiki/pm-1-moved"
    # The spec documents the list answer as a single RemoteIssueLink; Jira answers an array.
    answer = driver.session.get(driver.fake.url + path, timeout=5)
    assert [contract.validate_schema("RemoteIssueLink", x) for x in answer.json()] == [[]]


def test_wrong_credentials_are_401(fake_jira: FakeJira) -> None:
    answer = requests.get(
        f"{fake_jira.url}/rest/api/3/myself", timeout=5, auth=(fake_jira.email, "wrong")
    )
    assert answer.status_code == 401
    assert contract.validate_schema("ErrorCollection", answer.json()) == []


def test_every_request_these_tests_sent_is_in_the_spec(driver: Driver, issue_key: str) -> None:
    driver.call(
        "GET",
        "/rest/api/3/search/jql",
        200,
        params={"jql": f"key in ({issue_key})", "fields": "summary,updated"},
    )
    assert contract.validate_requests(driver.fake.requests) == []


@pytest.mark.parametrize(
    ("method", "path", "query", "body", "problem"),
    [
        ("GET", "/rest/api/3/nothing/here", {}, None, "no such path"),
        ("DELETE", "/rest/api/3/search/jql", {}, None, "has no DELETE"),
        ("GET", "/rest/api/3/search/jql", {"maxResults": ["many"]}, None, "is not integer"),
        ("GET", "/rest/api/3/search/jql", {"startAt": ["0"]}, None, "'startAt' is not in"),
        (
            "POST",
            "/rest/api/3/search/jql",
            {},
            {"jql": "project = PAY", "startAt": 0},
            "Additional properties",
        ),
        ("POST", "/rest/api/3/issue/bulk", {}, {"issueUpdates": {"fields": {}}}, "not of type"),
    ],
)
def test_validate_request_catches_what_the_spec_forbids(
    method: str, path: str, query: dict[str, list[str]], body: Any, problem: str
) -> None:
    problems = contract.validate_request(method, path, query, body)
    assert any(problem in p for p in problems), problems


def test_validate_request_maps_v2_paths_onto_the_v3_spec() -> None:
    assert (
        contract.validate_request("GET", "/rest/api/2/issue/PAY-1", {"fields": ["summary"]}) == []
    )
    assert contract.spec_template("/rest/api/2/issue/bulk") == "/rest/api/3/issue/bulk"


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_issue_properties_set_by_an_edit_are_returned_by_searches_that_ask(
    driver: Driver, issue_key: str, method: str
) -> None:
    updated_before = driver.fake.state.issue(issue_key).updated
    origin = {"item": "abc", "title": "Add alerts -- and <!-- more -->"}
    driver.call(
        "PUT",
        f"/rest/api/3/issue/{issue_key}",
        204,
        body={"properties": [{"key": "syncd.origin", "value": origin}]},
    )
    # A property is no field of the issue: setting one leaves ``updated`` as it was.
    assert driver.fake.state.issue(issue_key).updated == updated_before
    inputs: dict[str, Any] = {"jql": f"key = {issue_key}", "fields": "summary"}
    if method == "GET":
        page = driver.call(
            "GET", "/rest/api/3/search/jql", 200, params={**inputs, "properties": "syncd.origin"}
        )
    else:
        body = {**inputs, "fields": ["summary"], "properties": ["syncd.origin"]}
        page = driver.call("POST", "/rest/api/3/search/jql", 200, body=body)
    assert page["issues"][0]["properties"] == {"syncd.origin": origin}
    unasked = driver.call("POST", "/rest/api/3/search/jql", 200, body={**inputs, "fields": []})
    assert "properties" not in unasked["issues"][0]
    one = driver.call(
        "GET", f"/rest/api/3/issue/{issue_key}", 200, params={"properties": "syncd.origin"}
    )
    assert one["properties"] == {"syncd.origin": origin}


def test_a_malformed_property_is_refused_and_changes_nothing(
    driver: Driver, issue_key: str
) -> None:
    driver.call(
        "PUT",
        f"/rest/api/3/issue/{issue_key}",
        400,
        body={"properties": [{"key": "syncd.origin"}]},
    )
    assert driver.fake.state.issue(issue_key).properties == {}
