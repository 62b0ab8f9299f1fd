"""Every request the connector sends to Jira Cloud is one the official v3 description allows."""

from __future__ import annotations

import datetime as dt

from syncd.mirror.operations import FieldChanges
from syncd.resolve.people import Person
from tests.fakes.faults import Fault
from tests.fakes.jira.contract import validate_requests
from tests.fakes.jira.server import FakeJira
from tests.fakes.jira.state import ManualClock
from tests.http.fakes import VirtualClock
from tests.jira.site import NOW, Site, create, fields, item_ids


def test_every_request_of_every_operation_matches_the_cloud_spec(fake_jira: FakeJira) -> None:
    clock = ManualClock(NOW)
    fake_jira.state.clock = clock
    fake_jira.state.add_user("alice@example.com", "Alice Doe")
    fake_jira.search_page_cap = 2  # so that paging with nextPageToken is part of the tour
    site = Site(fake_jira, clock)
    tracker = site.tracker(deployment="auto", http_clock=VirtualClock())
    try:
        alice = tracker.assignee(Person("alice", email="alice@example.com")).user_id
        ids = item_ids(5)
        results = tracker.create(
            [create(i, fields(f"Item {n}", assignee=alice)) for n, i in enumerate(ids)]
            + [create("f" * 16, fields("Refused", assignee="nobody-at-all"))]
        )
        key = str(results[0].key)
        tracker.update(
            key,
            FieldChanges(
                summary="Edited",
                description="Text.\n\nhttps://pm.example.com/1",
                assignee=alice,
                due=dt.date(2027, 1, 1),
                priority="Low",
                labels_to_add=frozenset({"postmortem"}),
            ),
        )
        tracker.update(key, FieldChanges(due=None))
        person = site.add_issue("A person's issue", ["team-x"])
        tracker.adopt(person.key, add_labels={"postmortem"}, marker=tracker.marker("e" * 16))
        tracker.link_postmortem(key, item_id=ids[0], url="https://pm.example.com/1", title="PM")
        fake_jira.state.transition(str(results[1].key), "Done", resolution="Won't Do")
        clock.advance(600)
        tracker.changed_since(None)
        tracker.changed_since(NOW)
        tracker.find_markers(ids)
        fake_jira.faults.on("POST", "/rest/api/3/search/jql", Fault("429", retry_after=2))
        tracker.get([key, person.key])
    finally:
        tracker.close()

    endpoints = set(fake_jira.endpoint_counts())
    assert {
        "GET /rest/api/2/serverInfo",
        "GET /rest/api/3/myself",
        "GET /rest/api/3/user/search",
        "POST /rest/api/3/issue/bulk",
        "PUT /rest/api/3/issue/{issueIdOrKey}",
        "POST /rest/api/3/issue/{issueIdOrKey}/remotelink",
        "POST /rest/api/3/search/jql",
    } == endpoints
    assert any("nextPageToken" in r.body for r in fake_jira.requests if r.method == "POST")
    assert validate_requests(fake_jira.requests) == []
