"""What goes wrong with a Jira site, said so a person can act on it: a project or an issue that is
not there, a URL that is not Jira, a site that cannot be reached."""

from __future__ import annotations

import pytest

from connectors.jira import JiraSettings, JiraTracker
from syncd.cycle.tracker_errors import tracker_failure
from syncd.http import NotFoundError, PermanentError, TransientError, WrongServiceError
from syncd.mirror.operations import FieldChanges
from syncd.tracker import TrackerContext
from tests.http.fakes import VirtualClock
from tests.http.loopback import Reply, serve, unused_port
from tests.jira.site import NOW, Site, fields

NOT_FOUND_PAGE = Reply(404, {"Content-Type": "text/html"}, b"<html><h1>Not Found</h1></html>")


def _project_words(site: Site) -> str:
    return (
        f"Jira has no project NOPE at {site.fake.url}, or syncd's account cannot see it (Jira "
        "answers so for a project the account may not browse): check tracker.project, and that "
        "the account has the Browse Projects permission in it "
        f"(GET {site.fake.url}/rest/api/{site.fake.api_version}/project/NOPE answered HTTP 404)"
    )


def test_check_names_a_project_that_is_not_there(site: Site) -> None:
    with pytest.raises(NotFoundError) as caught:
        site.tracker(project="NOPE").check()
    assert tracker_failure(caught.value) == _project_words(site)


def test_a_sync_read_names_a_project_that_is_not_there(site: Site) -> None:
    tracker = site.tracker(project="NOPE")

    with pytest.raises(NotFoundError) as caught:
        tracker.changed_since(None)

    assert tracker_failure(caught.value) == _project_words(site)
    # Jira refused the query (400); asking for the project told why.
    assert [(r.method, r.status) for r in site.fake.requests] == [("POST", 400), ("GET", 404)]


def test_a_refused_query_in_an_existing_project_stays_what_jira_said(site: Site) -> None:
    tracker = site.tracker()
    refusal = PermanentError(
        "HTTP 400: bad query", service="jira", method="POST", url=site.fake.url, status=400
    )

    def read() -> None:
        raise refusal

    with pytest.raises(PermanentError) as caught:
        tracker._in_project(read)
    assert caught.value is refusal


def test_adopting_an_issue_that_is_not_there_says_so(site: Site) -> None:
    tracker = site.tracker()
    with pytest.raises(NotFoundError) as caught:
        tracker.adopt("PAY-999", add_labels=["postmortem"], marker="syncd-" + "a" * 16)
    assert caught.value.reason == "Jira has no issue PAY-999, or syncd's account cannot see it"
    assert caught.value.status == 404


def test_updating_a_deleted_issue_says_so(site: Site) -> None:
    tracker = site.tracker()
    with pytest.raises(NotFoundError) as caught:
        tracker.update("PAY-41", FieldChanges(summary=fields().summary))
    assert caught.value.reason == "Jira has no issue PAY-41, or syncd's account cannot see it"


def _tracker_at(url: str, deployment: str = "datacenter") -> JiraTracker:
    settings = JiraSettings.model_validate(
        {"url": url, "deployment": deployment, "auth": {"token": "pat"}, "project": "PAY"}
    )
    context = TrackerContext(team="payments", now=NOW, http_clock=VirtualClock())
    return JiraTracker(settings, context)


@pytest.mark.parametrize("deployment", ["datacenter", "auto"])
def test_a_url_where_something_else_answers_404_is_not_jira(deployment: str) -> None:
    with serve(otherwise=NOT_FOUND_PAGE) as web:
        tracker = _tracker_at(web.url, deployment)
        with pytest.raises(WrongServiceError) as caught:
            tracker.check()
    path = "/rest/api/2/" + ("myself" if deployment == "datacenter" else "serverInfo")
    assert tracker_failure(caught.value) == (
        f"{web.url} answered HTTP 404 to GET {path}, and not as Jira does: check that "
        "tracker.url is the Jira site's base URL (with its context path, if Jira is served "
        f"under one) (GET {web.url}{path} answered HTTP 404)"
    )


def test_a_login_page_instead_of_json_is_not_jira() -> None:
    page = Reply(200, {"Content-Type": "text/html"}, b"<html>Sign in</html>")
    with serve(otherwise=page) as web, pytest.raises(WrongServiceError) as caught:
        _tracker_at(web.url).check()
    assert tracker_failure(caught.value) == (
        f"Jira at {web.url} answered GET /rest/api/2/myself with HTTP 200 (text/html), but "
        "with an HTML page; the answer begins '<html>Sign in</html>': is the URL behind a "
        "login proxy or SSO? syncd needs a direct route to the API. Check that tracker.url "
        f"is the Jira site's base URL (GET {web.url}/rest/api/2/myself answered HTTP 200)"
    )


def test_only_a_site_nobody_answers_for_could_not_be_reached() -> None:
    port = unused_port()
    with pytest.raises(TransientError) as caught:
        _tracker_at(f"http://127.0.0.1:{port}").changed_since(None)
    assert (caught.value.failure, caught.value.cause) == (
        "connect_failed",
        "ConnectionRefusedError",
    )
    assert tracker_failure(caught.value) == (
        f"the tracker could not be reached: 127.0.0.1:{port} refused the connection (is "
        f"anything listening there?) (POST http://127.0.0.1:{port}/rest/api/2/search, "
        "4 attempts)"
    )
