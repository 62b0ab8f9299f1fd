"""A login proxy that redirects syncd's requests to its sign-in page, in front of Jira or GitHub.

A create redirected so has an unknown outcome (never a KeyError, never sent again blindly); a
check names the redirect and the proxy; the session id in the sign-in URL is never shown.
"""

from __future__ import annotations

import pytest

from connectors.github import GitHubSettings, GitHubTracker
from connectors.jira import JiraSettings, JiraTracker
from syncd.cycle.tracker_errors import tracker_failure
from syncd.http import MalformedAnswerError
from syncd.tracker import TrackerContext
from tests.http.fakes import VirtualClock
from tests.http.loopback import Reply, serve
from tests.jira.site import NOW, create

SIGN_IN = "/sso/login?session=5e551011d&return=%2F"
PAGE = Reply(200, {"Content-Type": "text/html"}, b"<!DOCTYPE html><html>Sign in</html>")


def _jira(url: str) -> JiraTracker:
    settings = JiraSettings.model_validate(
        {
            "url": url,
            "deployment": "datacenter",
            "auth": {"token": "pat-0123456789"},
            "project": "PAY",
        }
    )
    return JiraTracker(
        settings, TrackerContext(team="payments", now=NOW, http_clock=VirtualClock())
    )


def _github(url: str) -> GitHubTracker:
    settings = GitHubSettings.model_validate(
        {"repo": "acme/payments", "api_url": url, "token": "ghp_0123456789"}
    )
    context = TrackerContext(team="payments", now=NOW, http_clock=VirtualClock())
    return GitHubTracker(settings, context)


def test_a_jira_create_redirected_to_a_sign_in_page_is_an_unknown_outcome() -> None:
    with serve([Reply(302, {"Location": SIGN_IN}, b"")], otherwise=PAGE) as web:
        with pytest.raises(MalformedAnswerError) as caught:
            _jira(web.url).create([create("0000000000000001")])
        sent = [(r.method, r.path) for r in web.received]
    assert sent == [("POST", "/rest/api/2/issue/bulk"), ("GET", SIGN_IN)]
    words = tracker_failure(caught.value)
    assert words.startswith(
        f"Jira at {web.url} answered POST /rest/api/2/issue/bulk after a redirect to "
        f"{web.url}/sso/login?session=***&return=%2F with HTTP 200 (text/html), but with an "
        "HTML page; the answer begins '<!DOCTYPE html><html>Sign in</html>': is the URL "
        "behind a login proxy or SSO?"
    )
    assert "5e551011d" not in words


@pytest.mark.parametrize("status", [302, 303, 307])
def test_a_github_create_or_check_redirected_is_named_and_never_read(status: int) -> None:
    redirect = Reply(status, {"Location": f"https://sso.example.com{SIGN_IN}"}, b"")
    with serve(otherwise=redirect) as web:
        tracker = _github(web.url)
        with pytest.raises(MalformedAnswerError) as created:
            tracker.create([create("0000000000000001")])
        with pytest.raises(MalformedAnswerError) as checked:
            tracker.check()
    assert tracker_failure(created.value).startswith(
        f"GitHub at {web.url} answered POST /repos/acme/payments/issues with HTTP {status}, a "
        "redirect to https://sso.example.com/sso/login?session=***&return=%2F, not with an "
        "answer: is the URL behind a login proxy or SSO?"
    )
    assert "GET /meta with HTTP" in tracker_failure(checked.value)
    assert "5e551011d" not in tracker_failure(created.value) + tracker_failure(checked.value)


def test_a_permanent_github_redirect_to_another_host_is_named_without_a_traceback() -> None:
    redirect = Reply(301, {"Location": f"https://sso.example.com{SIGN_IN}"}, b"")
    with serve(otherwise=redirect) as web, pytest.raises(MalformedAnswerError) as caught:
        _github(web.url).check()
    assert tracker_failure(caught.value).startswith(
        f"GitHub at {web.url} answered GET /meta with HTTP 301, a redirect to another host or "
        "scheme, not with an answer: is the URL behind a login proxy or SSO?"
    )
