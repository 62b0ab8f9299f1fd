"""Garbage (a success status, a body Jira never sends) on the Jira connector's reads: an error
that names it, one request each, and nothing read from it as if it were an answer."""

from __future__ import annotations

import pytest

from syncd.http import MalformedAnswerError
from syncd.resolve.people import Person
from tests.fakes.faults import GARBAGE_KINDS, Fault
from tests.jira.site import Site


@pytest.mark.parametrize("kind", GARBAGE_KINDS)
def test_a_user_search_answered_with_garbage_is_not_a_refusal(site: Site, kind: str) -> None:
    tracker = site.tracker()
    tracker.check()  # connected: the next request is the user search
    site.fake.faults.nth("GET", "/rest/api/*/user/search", 1, Fault(kind))
    with pytest.raises(MalformedAnswerError) as caught:
        tracker.assignee(Person("alice", email="alice@example.com"))
    assert "/user/search with HTTP 200" in caught.value.reason
    # Not remembered as "nobody has that address": asked again, and found.
    assert tracker.assignee(Person("alice", email="alice@example.com")).user_id is not None


@pytest.mark.parametrize("kind", GARBAGE_KINDS)
def test_a_key_search_answered_with_garbage_asks_nothing_more(site: Site, kind: str) -> None:
    tracker = site.tracker()
    issue = site.add_issue("Rotate the keys")
    tracker.check()
    before = site.sent()
    site.fake.faults.nth("*", "/rest/api/*/search*", 1, Fault(kind))
    with pytest.raises(MalformedAnswerError):
        tracker.get([issue.key])
    assert site.sent() == before + 1  # no issue-by-issue fallback at a login page
    assert set(tracker.get([issue.key])) == {issue.key}


@pytest.mark.parametrize("kind", GARBAGE_KINDS)
def test_a_changed_issues_read_answered_with_garbage_is_never_an_empty_read(
    site: Site, kind: str
) -> None:
    tracker = site.tracker()
    site.add_issue("Marked", labels=["postmortem", "syncd-00000000000000aa"])
    site.fake.faults.nth("*", "/rest/api/*/search*", 1, Fault(kind))
    with pytest.raises(MalformedAnswerError):
        tracker.find_markers(["00000000000000aa"])
    assert [s.key for s in tracker.find_markers(["00000000000000aa"])["00000000000000aa"]]


@pytest.mark.parametrize("kind", GARBAGE_KINDS)
def test_garbage_from_server_info_never_picks_a_deployment(site: Site, kind: str) -> None:
    site.fake.faults.nth("GET", "/rest/api/2/serverInfo", 1, Fault(kind))
    tracker = site.tracker(deployment="auto")
    with pytest.raises(MalformedAnswerError) as caught:
        tracker.check()
    assert "answered GET /rest/api/2/serverInfo with HTTP 200" in caught.value.reason
    expected = "cloud:" if site.cloud else "datacenter:"
    assert site.tracker(deployment="auto").check().startswith(expected)
