"""Closing an issue (a follow-up review whose items are all done): into the Done category by
the transition Jira offers, through the one HTTP policy's waits and retries; a workflow that
offers syncd's account no way into Done is a clear, permanent error."""

from __future__ import annotations

import pytest

from syncd.http import HttpError, PermanentError
from tests.fakes.faults import Fault
from tests.http.fakes import VirtualClock
from tests.jira.site import Site

DONE_TRANSITION = "31"  # the fake's transition into its Done status


def _transitions(site: Site) -> list[tuple[str, str | None]]:
    return [(r.method, r.fault) for r in site.fake.requests if r.path.endswith("/transitions")]


def test_closing_moves_the_issue_into_done_with_two_requests(site: Site) -> None:
    site.add_issue("Follow-up review: DB outage", ["postmortem"])
    site.tracker(http_clock=VirtualClock()).close_issue("PAY-1")
    issue = site.fake.state.issue("PAY-1")
    assert issue.status.category.key == "done" and issue.resolution is not None
    assert _transitions(site) == [("GET", None), ("POST", None)]


def test_a_429_on_the_transition_is_waited_out_for_as_long_as_jira_asks(site: Site) -> None:
    site.add_issue("Follow-up review: DB outage", ["postmortem"])
    site.fake.faults.on("POST", "/rest/api/*/issue/PAY-1/transitions", Fault("429", retry_after=9))
    clock = VirtualClock()
    site.tracker(http_clock=clock).close_issue("PAY-1")
    assert site.fake.state.issue("PAY-1").status.category.key == "done"
    assert _transitions(site) == [("GET", None), ("POST", "429"), ("POST", None)]
    assert sum(clock.slept) >= 9  # in virtual time


def test_5xx_on_reading_the_transitions_is_retried(site: Site) -> None:
    site.add_issue("Follow-up review: DB outage", ["postmortem"])
    site.fake.faults.on("GET", "/rest/api/*/issue/PAY-1/transitions", Fault("503"), times=2)
    site.tracker(http_clock=VirtualClock()).close_issue("PAY-1")
    assert site.fake.state.issue("PAY-1").status.category.key == "done"
    assert _transitions(site) == [("GET", "503"), ("GET", "503"), ("GET", None), ("POST", None)]


def test_a_5xx_on_the_transition_is_an_error_and_closing_again_finishes_it(site: Site) -> None:
    site.add_issue("Follow-up review: DB outage", ["postmortem"])
    site.fake.faults.on("POST", "/rest/api/*/issue/PAY-1/transitions", Fault("502"), times=None)
    tracker = site.tracker(http_clock=VirtualClock())
    with pytest.raises(HttpError):
        tracker.close_issue("PAY-1")
    assert site.fake.state.issue("PAY-1").status.category.key != "done"
    site.fake.faults.clear()
    tracker.close_issue("PAY-1")  # the next cycle's attempt
    assert site.fake.state.issue("PAY-1").status.category.key == "done"


def test_a_workflow_without_a_way_into_done_is_a_clear_permanent_error(site: Site) -> None:
    site.add_issue("Follow-up review: DB outage", ["postmortem"])
    site.fake.state.withheld_transitions.add(DONE_TRANSITION)
    with pytest.raises(PermanentError) as raised:
        site.tracker(http_clock=VirtualClock()).close_issue("PAY-1")
    assert "PAY-1 offers no transition into a Done status" in str(raised.value)
    assert _transitions(site) == [("GET", None)]  # nothing guessed at, nothing else sent
    assert site.fake.state.issue("PAY-1").status.category.key == "new"
