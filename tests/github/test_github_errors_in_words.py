"""What goes wrong with a GitHub, said so a person can act on it: any base URL is taken, and
``check --online`` asks it whether it is a GitHub API; a repository or an issue that is not there
is named; only a server nobody answers for "could not be reached"."""

from __future__ import annotations

import pytest

from connectors.github import GitHubSettings, GitHubTracker
from syncd.cycle.tracker_errors import tracker_failure
from syncd.http import AuthError, NotFoundError, PermanentError, TransientError, WrongServiceError
from syncd.mirror.operations import FieldChanges
from syncd.tracker import TrackerContext
from tests.fakes.github.contract import validate_requests
from tests.fakes.github.server import FakeGitHub
from tests.fakes.jira.server import FakeJira
from tests.github.support import LABEL, VirtualClock, create_op, tracker_on
from tests.http.loopback import Reply, serve, unused_port

GHES_HINT = "; GitHub Enterprise Server serves its API under /api/v3 (e.g. {url}/api/v3), "
GHES_HINT += "github.com at https://api.github.com"


def test_check_says_which_github_answered_and_what_the_token_may_do(
    fake_github: FakeGitHub,
) -> None:
    assert tracker_on(fake_github, VirtualClock()).check() == (
        f"GitHub API at {fake_github.url}; acme/payments visible; the token may push, triage, pull"
    )
    fake_github.enterprise_version = "3.14.2"
    assert (
        tracker_on(fake_github, VirtualClock())
        .check()
        .startswith(
            f"GitHub Enterprise Server 3.14.2 API at {fake_github.url}; acme/payments visible"
        )
    )


def test_an_api_mounted_at_a_root_path_is_checked_and_mirrored_into(
    fake_github: FakeGitHub,
) -> None:
    root = fake_github.root_url  # no /api/v3: a proxy, or an API served at its root
    tracker = tracker_on(fake_github, VirtualClock(), api_url=root)

    assert tracker.check().startswith(f"GitHub API at {root}; acme/payments visible")
    [result] = tracker.create([create_op("pm-1")])
    assert result.key is not None
    assert result.key in tracker.changed_since(None).snapshots
    assert all(not r.path.startswith("/api/v3") for r in fake_github.requests)
    assert validate_requests(fake_github.requests) == []


def test_a_json_api_that_is_not_github_is_named_so(fake_jira: FakeJira) -> None:
    tracker = tracker_on_url(fake_jira.url)
    with pytest.raises(WrongServiceError) as caught:
        tracker.check()
    url = fake_jira.url
    assert tracker_failure(caught.value) == (
        f"{url} answered, but it is not a GitHub API: its answer has no X-GitHub-Media-Type "
        "header, and is not GitHub's meta document (application/json)"
        + GHES_HINT.format(url=url)
        + f" (GET {url}/meta answered HTTP 401)"  # Jira refused the token: still not GitHub
    )


def test_a_web_page_is_not_a_github_api() -> None:
    page = Reply(200, {"Content-Type": "text/html; charset=utf-8"}, b"<html>Sign in</html>")
    with serve(otherwise=page) as web:
        tracker = tracker_on_url(web.url + "/api/v3")
        with pytest.raises(WrongServiceError) as check:
            tracker.check()
        with pytest.raises(WrongServiceError) as sync:
            tracker.changed_since(None)
    assert tracker_failure(check.value) == (
        f"GitHub at {web.url} answered GET /api/v3/meta with HTTP 200 (text/html), but with "
        "an HTML page; the answer begins '<html>Sign in</html>': is the URL behind a login "
        "proxy or SSO? syncd needs a direct route to the API. Check tracker.api_url "
        f"(GET {web.url}/api/v3/meta answered HTTP 200)"
    )
    assert "HTTP 200 (text/html), but with an HTML page" in tracker_failure(sync.value)


def test_a_404_from_something_else_is_not_taken_for_a_missing_repository() -> None:
    page = Reply(404, {"Content-Type": "text/html"}, b"<html>Not Found</html>")
    with serve(otherwise=page) as web, pytest.raises(WrongServiceError) as caught:
        tracker_on_url(web.url).changed_since(None)
    assert tracker_failure(caught.value).startswith(
        f"{web.url} answered, but it is not a GitHub API: its answer has no "
        "X-GitHub-Media-Type header (text/html); GitHub Enterprise Server serves"
    )


def _repository_words(fake: FakeGitHub, path: str) -> str:
    return (
        f"GitHub has no repository acme/paymnts at {fake.url}, or the token cannot see it "
        "(GitHub answers 404 for a private repository the token may not read): check "
        "tracker.repo, and the token's access to the repository "
        f"(GET {fake.url}{path} answered HTTP 404)"
    )


def test_a_wrong_repository_is_named_by_check_and_by_sync(fake_github: FakeGitHub) -> None:
    tracker = tracker_on(fake_github, VirtualClock(), repo="acme/paymnts")
    with pytest.raises(NotFoundError) as check:
        tracker.check()
    with pytest.raises(NotFoundError) as sync:
        tracker.changed_since(None)
    with pytest.raises(NotFoundError) as markers:
        tracker.find_markers(["pm-1"])
    assert tracker_failure(check.value) == _repository_words(fake_github, "/repos/acme/paymnts")
    issues = "/repos/acme/paymnts/issues"
    assert tracker_failure(sync.value) == _repository_words(fake_github, issues)
    assert tracker_failure(markers.value) == _repository_words(fake_github, issues)


def test_a_missing_issue_is_named_and_nothing_is_written(fake_github: FakeGitHub) -> None:
    tracker = tracker_on(fake_github, VirtualClock())
    with pytest.raises(NotFoundError) as caught:
        tracker.adopt("#45", add_labels=["postmortem-action"], marker="<!-- syncd:item=x -->")
    assert caught.value.reason == "acme/payments has no issue #45, or the token cannot see it"
    with pytest.raises(NotFoundError) as updating:
        tracker.update("acme/payments#45", FieldChanges(summary="x"))
    assert updating.value.reason == caught.value.reason
    assert [r.method for r in fake_github.requests] == ["GET", "PATCH"]


def test_a_pull_request_or_another_repository_is_not_adopted(fake_github: FakeGitHub) -> None:
    tracker = tracker_on(fake_github, VirtualClock())
    with pytest.raises(PermanentError) as pull:
        tracker.adopt("#1", add_labels=["postmortem-action"], marker=None)  # a pull request
    assert pull.value.reason == "#1 is a pull request of acme/payments, not an issue"
    with pytest.raises(PermanentError) as other:
        tracker.adopt("acme/other#3", add_labels=["postmortem-action"], marker=None)
    assert other.value.reason == (
        "acme/other#3 is in another repository than the team's (acme/payments); syncd only "
        "mirrors into the team's repository"
    )
    assert [r.method for r in fake_github.requests] == ["GET"]  # no label was added


def test_a_token_github_refuses_is_an_auth_failure(fake_github: FakeGitHub) -> None:
    tracker = tracker_on(fake_github, VirtualClock(), token="ghp_notTheToken")
    with pytest.raises(AuthError) as caught:
        tracker.check()
    assert tracker_failure(caught.value) == (
        "the tracker refused syncd's credentials or permissions: HTTP 401: Bad credentials "
        f"(GET {fake_github.url}/meta)"
    )


def test_only_a_server_nobody_answers_for_could_not_be_reached() -> None:
    port = unused_port()
    with pytest.raises(TransientError) as caught:
        tracker_on_url(f"http://127.0.0.1:{port}").check()
    assert tracker_failure(caught.value) == (
        f"the tracker could not be reached: 127.0.0.1:{port} refused the connection (is "
        f"anything listening there?) (GET http://127.0.0.1:{port}/meta, 4 attempts)"
    )


def tracker_on_url(api_url: str) -> GitHubTracker:
    """A tracker pointed at ``api_url``, whatever answers there."""
    settings = GitHubSettings.model_validate(
        {"repo": "acme/payments", "api_url": api_url, "token": "ghp_token", "labels": [LABEL]}
    )
    clock = VirtualClock()
    return GitHubTracker(settings, TrackerContext(team="payments", now=clock(), http_clock=clock))
