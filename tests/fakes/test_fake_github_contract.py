"""The fake GitHub answers what GitHub's REST OpenAPI description says, and PyGithub works on it.

Part one sends one realistic request per endpoint with `requests`, checks the request against
the spec, and validates the answer (body and listed headers) against the spec's schema for that
path, method and status. Part two drives the REAL PyGithub client through the whole surface and
then checks every request it sent against the spec too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import github
import pytest
import requests

from tests.fakes.github import contract
from tests.fakes.github.fixtures import client_for
from tests.fakes.github.limits import SecondaryLimits
from tests.fakes.github.server import FakeGitHub
from tests.fakes.github.state import ManualClock

REPO = "/repos/acme/payments"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub(secondary=SecondaryLimits.off()) as server:
        server.state.add_collaborator(server.repo, "alice")
        yield server


class Driver:
    """Sends one request to the fake, checking request and answer against the spec."""

    def __init__(self, fake: FakeGitHub) -> None:
        self.fake = fake
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"token {fake.token}"
        self.last: requests.Response | None = None

    def call(
        self,
        method: str,
        path: str,
        status: int,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
        headers: dict[str, str] | None = None,
        valid: bool = True,
    ) -> Any:
        """`valid=False`: a request the spec itself rejects, sent to see the fake refuse it."""
        query = {k: [str(v)] for k, v in (params or {}).items()}
        assert (contract.validate_request(method, path, query, body) == []) is valid
        answer = self.session.request(
            method,
            self.fake.url + path,
            params=params,
            json=body,
            headers=headers,
            timeout=5,
        )
        self.last = answer
        assert answer.status_code == status, answer.text
        assert answer.headers["x-ratelimit-resource"] == "core"
        payload = answer.json() if answer.content else None
        if valid:
            headers_sent = dict(answer.headers)
            assert contract.validate_response(method, path, status, payload, headers_sent) == []
        else:
            assert contract.validate_schema("basic-error", payload) == []
        return payload


@pytest.fixture
def driver(fake: FakeGitHub) -> Driver:
    return Driver(fake)


def test_spec_is_found_and_knows_the_served_paths() -> None:
    assert contract.spec_template("/api/v3/repos/a/b/issues/7") == (
        "/repos/{owner}/{repo}/issues/{issue_number}"
    )
    assert contract.spec_template("/repos/a/b/issues/comments") == (
        "/repos/{owner}/{repo}/issues/comments"
    )
    assert contract.spec_template("/nowhere/at/all") is None


def test_meta_endpoints(driver: Driver, fake: FakeGitHub) -> None:
    me = driver.call("GET", "/user", 200)
    assert me["login"] == "syncd-bot"
    repo = driver.call("GET", REPO, 200)
    assert (repo["full_name"], repo["permissions"]["push"]) == ("acme/payments", True)
    assert repo["url"] == f"{fake.url}{REPO}"
    limits = driver.call("GET", "/rate_limit", 200)
    assert limits["resources"]["core"]["limit"] == 5000
    user = driver.call("GET", "/users/alice", 200)
    assert user["login"] == "alice"
    driver.call("GET", "/repos/acme/nope", 404)
    driver.call("GET", "/users/nobody", 404)


def test_meta_says_it_is_a_github_api(driver: Driver, fake: FakeGitHub) -> None:
    """What `syncd check --online` relies on: `GET /meta` (schema api-overview) and the
    X-GitHub-Media-Type header on every answer, errors included, at /api/v3 and at the root."""
    meta = driver.call("GET", "/meta", 200)
    assert meta["verifiable_password_authentication"] is False
    assert "installed_version" not in meta  # github.com
    assert driver.last is not None
    assert driver.last.headers["X-GitHub-Media-Type"] == "github.v3; format=json"
    for url in (f"{fake.url}/nowhere", f"{fake.root_url}/repos/acme/nope", f"{fake.root_url}/meta"):
        answer = driver.session.get(url, timeout=5)
        assert answer.headers["X-GitHub-Media-Type"] == "github.v3; format=json", url
    fake.enterprise_version = "3.14.2"
    assert driver.call("GET", "/meta", 200)["installed_version"] == "3.14.2"


def test_issue_lifecycle(driver: Driver, fake: FakeGitHub) -> None:
    fake.state.create_milestone(fake.repo, "Q4", fake.bot)
    created = driver.call(
        "POST",
        f"{REPO}/issues",
        201,
        body={
            "title": "Add alerts",
            "body": "From the pm.\n\n<!-- syncd:item=abc -->",
            "assignees": ["alice"],
            "labels": ["postmortem-action"],
            "milestone": 1,
        },
    )
    assert created["number"] == 4  # after the three seeded pull requests
    assert driver.last is not None and driver.last.headers["Location"] == created["url"]
    number = created["number"]
    got = driver.call("GET", f"{REPO}/issues/{number}", 200)
    assert got["milestone"]["title"] == "Q4"
    closed = driver.call(
        "PATCH",
        f"{REPO}/issues/{number}",
        200,
        body={"state": "closed", "state_reason": "not_planned", "milestone": None},
    )
    assert (closed["state"], closed["state_reason"], closed["milestone"]) == (
        "closed",
        "not_planned",
        None,
    )
    assert closed["closed_by"]["login"] == "syncd-bot"
    reopened = driver.call("PATCH", f"{REPO}/issues/{number}", 200, body={"state": "open"})
    assert (reopened["state_reason"], reopened["closed_at"]) == ("reopened", None)
    labels = driver.call("POST", f"{REPO}/issues/{number}/labels", 200, body={"labels": ["sev-1"]})
    assert [x["name"] for x in labels] == ["postmortem-action", "sev-1"]
    driver.call("GET", f"{REPO}/issues/9999", 404)
    driver.call("POST", f"{REPO}/issues", 422, body={"body": "no title"}, valid=False)
    driver.call("PATCH", f"{REPO}/issues/{number}", 422, body={"milestone": 42})


def test_issue_list_filters_pages_and_mixes_in_pull_requests(
    driver: Driver, fake: FakeGitHub
) -> None:
    for n in range(5):
        fake.state.create_issue(fake.repo, f"item {n}", fake.bot, labels=["pm", "sev-2"])
    page = driver.call(
        "GET",
        f"{REPO}/issues",
        200,
        params={"state": "all", "per_page": 3, "page": 1, "sort": "created", "direction": "asc"},
    )
    assert [i["number"] for i in page] == [1, 2, 3]
    assert all("pull_request" in i for i in page)  # the seeded PRs come first
    assert driver.last is not None
    link = driver.last.headers["Link"]
    assert 'rel="next"' in link and 'rel="last"' in link and "page=3" in link
    labelled = driver.call(
        "GET", f"{REPO}/issues", 200, params={"labels": "pm,sev-2", "state": "open"}
    )
    assert len(labelled) == 5 and not any("pull_request" in i for i in labelled)
    assert driver.call("GET", f"{REPO}/issues", 200, params={"labels": "pm,other"}) == []
    driver.call("GET", f"{REPO}/issues", 422, params={"state": "sideways"}, valid=False)


def test_people_labels_milestones_comments(driver: Driver, fake: FakeGitHub) -> None:
    driver.call("GET", f"{REPO}/assignees/alice", 204)
    driver.call("GET", f"{REPO}/assignees/mallory", 404)
    driver.call("GET", f"{REPO}/collaborators/alice", 204)
    driver.call("GET", f"{REPO}/collaborators/mallory", 404)
    assert [u["login"] for u in driver.call("GET", f"{REPO}/assignees", 200)] == [
        "syncd-bot",
        "alice",
    ]
    label = driver.call(
        "POST", f"{REPO}/labels", 201, body={"name": "postmortem action", "color": "d73a4a"}
    )
    assert label["url"].endswith("/labels/postmortem%20action")
    driver.call("POST", f"{REPO}/labels", 422, body={"name": "Postmortem Action"})
    assert driver.call("GET", f"{REPO}/labels/postmortem%20action", 200)["id"] == label["id"]
    assert len(driver.call("GET", f"{REPO}/labels", 200)) == 1
    milestone = driver.call(
        "POST",
        f"{REPO}/milestones",
        201,
        body={"title": "Due 2026-12-01", "due_on": "2026-12-01T00:00:00Z"},
    )
    assert milestone["due_on"].startswith("2026-12-01T")
    driver.call("POST", f"{REPO}/milestones", 422, body={"title": "Due 2026-12-01"})
    edited = driver.call(
        "PATCH", f"{REPO}/milestones/{milestone['number']}", 200, body={"state": "closed"}
    )
    assert edited["closed_at"] is not None
    assert driver.call("GET", f"{REPO}/milestones", 200, params={"state": "closed"})
    assert driver.call("GET", f"{REPO}/milestones/1", 200)["title"] == "Due 2026-12-01"
    issue = fake.state.create_issue(fake.repo, "x", fake.bot)
    comment = driver.call(
        "POST", f"{REPO}/issues/{issue.number}/comments", 201, body={"body": "Still open?"}
    )
    listed = driver.call("GET", f"{REPO}/issues/{issue.number}/comments", 200)
    assert [c["id"] for c in listed] == [comment["id"]]


def test_pull_requests_open_once_per_branch(driver: Driver, fake: FakeGitHub) -> None:
    """Write-back's proposals: `POST /pulls` opens one, `GET /pulls?head=owner:branch` finds
    it, and a second from the same branch into the same base is GitHub's 422."""
    assert driver.call("GET", f"{REPO}/pulls", 200, params={"head": "acme:syncd/keys"}) == []
    body = {"title": "syncd: keys", "head": "syncd/keys", "base": "main", "body": "Keys."}
    made = driver.call("POST", f"{REPO}/pulls", 201, body=body)
    assert (made["head"]["ref"], made["base"]["ref"], made["state"]) == (
        "syncd/keys",
        "main",
        "open",
    )
    assert made["html_url"].endswith(f"/acme/payments/pull/{made['number']}")
    found = driver.call(
        "GET", f"{REPO}/pulls", 200, params={"state": "open", "head": "acme:syncd/keys"}
    )
    assert [p["number"] for p in found] == [made["number"]]
    assert driver.call("GET", f"{REPO}/pulls", 200, params={"head": "acme:other"}) == []
    again = driver.call("POST", f"{REPO}/pulls", 422, body=body)
    assert "already exists" in again["errors"][0]["message"]
    # Its issue number is shared with the issues, as on GitHub.
    assert driver.call("GET", f"{REPO}/issues/{made['number']}", 200)["pull_request"]


def test_errors_have_githubs_shape(driver: Driver, fake: FakeGitHub) -> None:
    answer = requests.get(f"{fake.url}/user", headers={"Authorization": "token wrong"}, timeout=5)
    assert answer.status_code == 401
    assert contract.validate_schema("basic-error", answer.json()) == []
    assert answer.json()["message"] == "Bad credentials"
    driver.call("GET", f"{REPO}/issues/1/nonsense", 404, valid=False)


def test_etag_and_304_cost_nothing(driver: Driver, fake: FakeGitHub) -> None:
    driver.call("GET", f"{REPO}/issues", 200, params={"state": "all"})
    assert driver.last is not None
    etag = driver.last.headers["ETag"]
    assert etag.startswith('W/"')
    used = int(driver.last.headers["x-ratelimit-used"])
    again = driver.call(
        "GET", f"{REPO}/issues", 304, params={"state": "all"}, headers={"If-None-Match": etag}
    )
    assert again is None and driver.last is not None
    assert driver.last.headers["ETag"] == etag
    assert int(driver.last.headers["x-ratelimit-used"]) == used  # the 304 was free
    fake.state.create_issue(fake.repo, "a change", fake.bot)
    driver.call(
        "GET", f"{REPO}/issues", 200, params={"state": "all"}, headers={"If-None-Match": etag}
    )
    assert driver.last is not None and driver.last.headers["ETag"] != etag


def test_validate_request_finds_what_github_would_reject() -> None:
    assert contract.validate_request("GET", "/api/v3/repos/a/b/issues", {"state": ["all"]}) == []
    problems = contract.validate_request(
        "GET", "/api/v3/repos/a/b/issues", {"state": ["every"], "since": ["yesterday"], "x": ["1"]}
    )
    assert len(problems) == 3
    assert contract.validate_request("POST", "/repos/a/b/issues", body={"body": "x"})
    assert contract.validate_request("DELETE", "/repos/a/b/issues")
    assert contract.validate_request("GET", "/repos/a/b/nowhere/else")


# --- the real PyGithub client ---------------------------------------------------------------


def test_pygithub_drives_the_whole_surface() -> None:
    clock = ManualClock(dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC))
    with FakeGitHub(clock=clock, secondary=SecondaryLimits.off()) as fake:
        fake.state.add_collaborator(fake.repo, "alice")
        gh = client_for(fake)
        assert gh.get_user().login == "syncd-bot"
        repo = gh.get_repo("acme/payments")

        # create / get / edit / close with a reason; the silent drop seen in the answer
        issue = repo.create_issue(
            title="Add alerts",
            body="Due: 2026-12-01\n<!-- syncd:item=1 -->",
            assignees=["alice", "mallory"],
            labels=["postmortem-action"],
        )
        assert [a.login for a in issue.assignees] == ["alice"]  # mallory silently dropped
        assert [(d.field, d.value, d.reason) for d in fake.drops] == [
            ("assignees", "mallory", "not_assignable")
        ]
        assert repo.has_in_assignees("mallory") is False
        clock.advance(60)
        issue.edit(state="closed", state_reason="not_planned")
        fetched = repo.get_issue(issue.number)
        assert (fetched.state, fetched.state_reason) == ("closed", "not_planned")

        # a milestone per due date
        milestone = repo.create_milestone("Due 2026-12-01", due_on=dt.date(2026, 12, 1))
        assert milestone.due_on.date() == dt.date(2026, 12, 1)
        issue.edit(milestone=milestone)
        assert repo.get_issue(issue.number).milestone.number == milestone.number

        # pagination over > 100 issues follows Link; PRs are in the list
        for n in range(130):
            fake.state.create_issue(fake.repo, f"item {n}", fake.bot, labels=["postmortem-action"])
        everything = list(repo.get_issues(state="all"))
        assert len(everything) == 3 + 1 + 130
        assert sum(1 for i in everything if i.pull_request is not None) == 3
        assert repo.get_issues(state="all", labels=["postmortem-action"]).totalCount == 131

        # since: only what changed at or after the given time
        clock.advance(3600)
        cut = clock()
        fake.state.edit_issue(fake.repo, 10, fake.state.user("alice"), title="reworded by a person")
        changed = list(repo.get_issues(state="all", since=cut, labels=["postmortem-action"]))
        assert [i.number for i in changed] == [10]

        # 304 through PyGithub: `update()` sends If-None-Match with the stored ETag
        again = repo.get_issue(issue.number)
        assert again.etag is not None and again.update() is False
        fake.state.edit_issue(fake.repo, issue.number, fake.bot, body="changed")
        assert again.update() is True and again.body == "changed"
        statuses = [r.status for r in fake.requests if r.api_path.endswith(f"/{issue.number}")]
        assert 304 in statuses

        # comments
        issue.create_comment("Still open?")
        assert [c.body for c in issue.get_comments()] == ["Still open?"]

        assert gh.rate_limiting[1] == 5000
        assert contract.validate_requests(fake.requests) == []
        gh.close()


def test_pygithub_sees_a_secondary_limit_with_retry_after() -> None:
    limits = SecondaryLimits(min_write_interval=60.0, content_per_minute=None, retry_after=5)
    with FakeGitHub(secondary=limits) as fake:
        repo = client_for(fake).get_repo("acme/payments")
        repo.create_issue(title="first")
        with pytest.raises(github.RateLimitExceededException) as caught:
            repo.create_issue(title="too soon")
        assert caught.value.status == 403
        assert caught.value.headers is not None and caught.value.headers["retry-after"] == "5"
        assert [(h.kind, h.reason) for h in fake.secondary_hits] == [
            ("secondary", "write_interval")
        ]
        assert len(fake.repo.issues) == 3 + 1  # the refused one was not created
