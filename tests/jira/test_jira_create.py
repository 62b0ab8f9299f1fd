"""Creating issues: one bulk request per batch of 50, every field where Jira keeps it."""

from __future__ import annotations

import datetime as dt

import pytest

from connectors.jira.adf import adf_to_text
from tests.jira.site import Site, create, fields, item_ids


def test_a_batch_of_120_takes_three_bulk_requests_and_lands_whole(site: Site) -> None:
    tracker = site.tracker()
    alice = site.user_id("alice@example.com")
    ids = item_ids(120)
    issues = [
        create(i, fields(f"Action {n}", assignee=alice, due=dt.date(2026, 12, 1 + n % 28)))
        for n, i in enumerate(ids)
    ]

    results = []
    for start in range(0, len(issues), tracker.create_batch_size):
        results += tracker.create(issues[start : start + tracker.create_batch_size])

    bulk = [r for r in site.fake.requests if r.path.endswith("/issue/bulk")]
    assert [len(r.body["issueUpdates"]) for r in bulk] == [50, 50, 20]
    assert site.sent() == 3  # no project, issue type or server look-ups
    assert [r.item_id for r in results] == ids
    assert all(r.error is None for r in results)
    keys = [r.key for r in results]
    assert len(set(keys)) == 120 and len(site.fake.state.issues) == 120
    assert results[0].url == f"{site.fake.url}/browse/{keys[0]}"

    issue = site.fake.state.issue(str(keys[7]))
    assert issue.summary == "Action 7"
    assert issue.labels == sorted(["postmortem", f"syncd-{ids[7]}"])
    assert issue.assignee is not None and issue.assignee.email == "alice@example.com"
    assert issue.duedate == "2026-12-08"
    assert issue.priority.name == "High"
    assert issue.issue_type.name == "Task" and issue.project.key == "PAY"
    assert adf_to_text(issue.description) == fields().description


def test_create_50_costs_one_request(site: Site) -> None:
    tracker = site.tracker()
    tracker.create([create(i) for i in item_ids(50)])
    assert site.counts() == {site.endpoint("POST", "issue/bulk"): 1}


def test_an_element_jira_refuses_is_reported_while_the_rest_is_created(site: Site) -> None:
    tracker = site.tracker()
    good, bad, other = item_ids(3)
    results = tracker.create(
        [create(good), create(bad, fields("Refused", assignee="no-such-user")), create(other)]
    )

    assert [r.item_id for r in results] == [good, bad, other]
    assert results[0].key is not None and results[2].key is not None
    assert results[1].key is None and results[1].url is None
    assert results[1].error is not None and "assignee" in results[1].error
    assert results[1].refused_fields == frozenset({"assignee"})
    assert "no-such-user" in results[1].error  # Jira's own message, for the report
    assert len(site.fake.state.issues) == 2
    assert site.sent() == 1


def test_unset_fields_are_left_out_and_the_marker_is_always_there(site: Site) -> None:
    tracker = site.tracker(labels=[])
    [result] = tracker.create(
        [create("0" * 16, fields(assignee=None, due=None, priority=None, labels=()))]
    )
    [request] = site.fake.requests
    sent = request.body["issueUpdates"][0]["fields"]
    assert not {"assignee", "duedate", "priority"} & set(sent)
    issue = site.fake.state.issue(str(result.key))
    assert issue.labels == ["syncd-" + "0" * 16] and issue.assignee is None


def test_a_batch_larger_than_jira_takes_is_refused_before_sending(site: Site) -> None:
    tracker = site.tracker()
    with pytest.raises(ValueError, match="at most 50"):
        tracker.create([create(i) for i in item_ids(51)])
    assert tracker.create([]) == []
    assert site.sent() == 0


def test_a_batch_jira_refuses_whole_is_each_elements_refusal(site: Site) -> None:
    tracker = site.tracker()
    first, second = item_ids(2)
    refused = fields("Refused", assignee="no-such-user")

    results = tracker.create([create(first, refused), create(second, refused)])

    assert [(r.item_id, r.key) for r in results] == [(first, None), (second, None)]
    assert all(r.refused_fields == frozenset({"assignee"}) for r in results)
    assert site.fake.state.issues == {}
    assert site.sent() == 1  # Jira's 400 holds each element's errors: nothing asked again
