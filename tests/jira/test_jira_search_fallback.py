"""A 405 on ``POST …/search`` turns the connection's searches into GETs; 405 anywhere else is a
permanent error that names the endpoint."""

from __future__ import annotations

import pytest

from connectors.jira.issues import SNAPSHOT_FIELDS
from connectors.jira.search import DATACENTER_PAGE_SIZE, search_params
from syncd.cycle.tracker_errors import tracker_failure
from syncd.http import PermanentError
from tests.fakes.faults import Fault
from tests.fakes.jira.contract import validate_requests
from tests.http.fakes import VirtualClock
from tests.jira.site import Site, create, item_ids


def _populate(site: Site, count: int) -> list[str]:
    ids = item_ids(count)
    for item_id in ids:
        site.add_issue(f"Item {item_id}", ["postmortem", f"syncd-{item_id}"])
    return ids


def _search_path(site: Site) -> str:
    return f"/rest/api/{site.fake.api_version}/" + ("search/jql" if site.cloud else "search")


def test_a_405_on_post_search_falls_back_to_get_with_the_same_query_and_paging(
    site: Site,
) -> None:
    ids = _populate(site, 7)
    site.fake.search_page_cap = 3  # three pages, so paging is part of it
    site.fake.refuse_post_search()
    tracker = site.tracker()

    changed = tracker.changed_since(None)
    found = tracker.find_markers(ids)

    assert sorted(s.item_id for s in changed.snapshots.values()) == ids
    assert all(len(found[i]) == 1 for i in ids)
    path = _search_path(site)
    searches = [r for r in site.fake.requests if r.path == path]
    # One refused POST, then GETs only: the connection remembers.
    assert [(r.method, r.status) for r in searches] == [("POST", 405)] + [("GET", 200)] * 6
    refused, *gets = searches
    first = {name: values[-1] for name, values in gets[0].query.items()}
    assert first["jql"] == refused.body["jql"]
    assert first["fields"].split(",") == list(SNAPSHOT_FIELDS) == refused.body["fields"]
    assert first["maxResults"] == str(refused.body["maxResults"])
    if site.cloud:
        tokens = [r.query.get("nextPageToken", [None])[-1] for r in gets[:3]]
        assert tokens[0] is None and None not in tokens[1:]
    else:
        assert [r.query["startAt"] for r in gets[:3]] == [["0"], ["3"], ["6"]]
    assert validate_requests(site.fake.requests) == []


def test_search_params_carry_the_post_body() -> None:
    body = {"jql": 'labels in ("a") ORDER BY key ASC', "fields": ["summary", "labels"]}
    params = search_params({**body, "startAt": 500, "maxResults": DATACENTER_PAGE_SIZE})
    assert params == {
        "jql": 'labels in ("a") ORDER BY key ASC',
        "fields": "summary,labels",
        "startAt": "500",
        "maxResults": str(DATACENTER_PAGE_SIZE),
    }


def test_a_405_elsewhere_is_a_permanent_error_naming_the_endpoint(site: Site) -> None:
    site.fake.faults.on("POST", "/rest/api/*/issue/bulk", Fault("405"))
    tracker = site.tracker(http_clock=VirtualClock())

    with pytest.raises(PermanentError) as caught:
        tracker.create([create(i) for i in item_ids(2)])

    host = site.fake.url.removeprefix("http://")
    assert caught.value.status == 405 and caught.value.attempts == 1  # never retried
    assert tracker_failure(caught.value) == (
        f"{host} does not allow POST /rest/api/{site.fake.api_version}/issue/bulk "
        "(HTTP 405 Method Not Allowed): the server, or a proxy in front of it, refuses this "
        "method on this endpoint"
    )
    assert site.fake.state.issues == {}


def test_a_405_on_the_get_search_too_names_the_get(site: Site) -> None:
    site.fake.refuse_post_search()
    site.fake.faults.on("GET", _search_path(site), Fault("405"), times=None)
    tracker = site.tracker(http_clock=VirtualClock())

    with pytest.raises(PermanentError) as caught:
        tracker.changed_since(None)

    assert caught.value.status == 405
    assert f"does not allow GET {_search_path(site)} (HTTP 405" in tracker_failure(caught.value)
    assert "could not be reached" not in tracker_failure(caught.value)
    assert [r.method for r in site.fake.requests] == ["POST", "GET"]
