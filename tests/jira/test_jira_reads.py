"""Reading issues back: incremental reads, markers, keys, status, and who the site is."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from connectors.jira.search import CLOUD_PAGE_SIZE
from tests.jira.site import NOW, Site, create, fields, item_ids

PERSON_LABELS = ["postmortem", "team-payments"]


def _populate(site: Site, count: int) -> list[str]:
    """``count`` marked issues carrying the configured label, created at NOW; their ids."""
    ids = item_ids(count)
    for item_id in ids:
        site.add_issue(f"Item {item_id}", ["postmortem", f"syncd-{item_id}"])
    return ids


def _page_size(site: Site) -> int:
    if site.cloud:
        return CLOUD_PAGE_SIZE
    site.fake.search_page_cap = 40  # Data Center's cap is the server's: follow what it answers
    return 40


def test_a_full_read_pages_through_every_issue_one_request_per_page(site: Site) -> None:
    ids = _populate(site, 230)
    site.add_issue("A person's issue elsewhere", ["unrelated"])
    page = _page_size(site)
    tracker = site.tracker()

    changed = tracker.changed_since(None)

    assert len(changed.snapshots) == 230
    assert {s.item_id for s in changed.snapshots.values()} == set(ids)
    assert changed.newest_updated == NOW
    assert changed.complete
    assert site.counts() == {site.search_endpoint: math.ceil(230 / page)}
    requested = site.fake.requests[0].body
    assert set(requested["fields"]) >= {"summary", "labels", "updated", "status", "resolution"}
    assert "comment" not in requested["fields"]
    if site.cloud:
        assert requested["maxResults"] == 100
        assert "nextPageToken" in site.fake.requests[1].body


def test_a_read_since_a_moment_returns_only_what_changed_after_it(site: Site) -> None:
    _populate(site, 150)
    tracker = site.tracker()
    site.clock.advance(3600)
    changed_keys = ["PAY-3", "PAY-77", "PAY-149"]
    for n, key in enumerate(changed_keys):
        site.clock.advance(60)
        site.fake.state.edit(key, summary=f"Edited {n}")

    changed = tracker.changed_since(NOW + dt.timedelta(hours=1))

    assert sorted(changed.snapshots) == sorted(changed_keys)
    assert changed.snapshots["PAY-77"].fields.summary == "Edited 1"
    assert changed.newest_updated == NOW + dt.timedelta(hours=1, minutes=3)
    # One look at the user's time zone, then one search; the zone is remembered.
    assert site.counts() == {site.endpoint("GET", "myself"): 1, site.search_endpoint: 1}
    query = site.fake.requests[-1].body["jql"]
    assert 'updated >= "2026-11-21 09:55"' in query  # the hour, minus the 5-minute margin
    assert 'labels in ("postmortem")' in query and 'project = "PAY"' in query

    assert tracker.changed_since(changed.newest_updated).snapshots.keys() == set(changed_keys)
    assert site.counts()[site.endpoint("GET", "myself")] == 1


def test_an_unchanged_site_costs_one_request_per_read(site: Site) -> None:
    _populate(site, 120)
    tracker = site.tracker()
    tracker.changed_since(NOW)  # learns the time zone
    site.clock.advance(3600)
    site.fake.clear_requests()

    changed = tracker.changed_since(NOW + dt.timedelta(minutes=30))

    assert changed.snapshots == {} and changed.newest_updated is None
    assert site.sent() == 1


def test_without_configured_labels_only_marked_issues_of_the_project_are_read(site: Site) -> None:
    [marked] = _populate(site, 1)
    site.add_issue("A person's own issue", ["postmortem"])
    tracker = site.tracker(labels=[])

    changed = tracker.changed_since(None)

    assert [s.item_id for s in changed.snapshots.values()] == [marked]
    assert changed.snapshots["PAY-1"].fields.labels == frozenset()
    assert "labels" not in site.fake.requests[-1].body["jql"]


def test_snapshots_carry_every_mirrored_field(site: Site) -> None:
    tracker = site.tracker()
    alice = site.user_id("alice@example.com")
    item_id = item_ids(1)[0]
    [result] = tracker.create([create(item_id, fields(assignee=alice))])
    site.fake.state.edit(str(result.key), labels=["postmortem", "team-x", f"syncd-{item_id}"])
    site.fake.state.transition(str(result.key), "In Progress")

    snapshot = tracker.changed_since(None).snapshots[str(result.key)]

    assert snapshot.item_id == item_id
    assert snapshot.fields == fields(assignee=alice)  # configured labels only, text as written
    assert snapshot.status_category == "indeterminate" and snapshot.resolution is None
    assert snapshot.updated == NOW and snapshot.updated.tzinfo is not None
    assert snapshot.url == f"{site.fake.url}/browse/{result.key}"


@pytest.mark.parametrize(
    ("resolution", "comment", "won_t_do", "explained"),
    [
        ("Won't Do", None, True, False),
        ("Won't Do", "We replaced the service instead.", True, True),
        ("Duplicate", "Same as PAY-9.", True, True),
        ("Done", None, False, False),
    ],
)
def test_closures_read_back_with_their_reason(
    site: Site, resolution: str, comment: str | None, won_t_do: bool, explained: bool
) -> None:
    [item_id] = _populate(site, 1)
    site.fake.state.transition("PAY-1", "Done", resolution=resolution, comment=comment)
    tracker = site.tracker()

    snapshot = tracker.changed_since(None).snapshots["PAY-1"]

    assert snapshot.item_id == item_id
    assert snapshot.status_category == "done"
    assert snapshot.resolution == resolution
    assert snapshot.closure_explained is explained
    # Comments are read only for won't-do closures: one more search, for all of them at once.
    assert site.counts()[site.search_endpoint] == (2 if won_t_do else 1)


def test_comments_of_many_wont_do_closures_cost_one_search(site: Site) -> None:
    _populate(site, 30)
    for number in range(1, 31):
        comment = "Not needed any more." if number % 2 else None
        site.fake.state.transition(f"PAY-{number}", "Done", resolution="Won't Do", comment=comment)
    tracker = site.tracker()

    snapshots = tracker.changed_since(None).snapshots

    assert sum(s.closure_explained for s in snapshots.values()) == 15
    assert snapshots["PAY-1"].closure_explained and not snapshots["PAY-2"].closure_explained
    assert site.counts() == {site.search_endpoint: 2}


def test_find_markers_searches_in_chunks_of_100_markers(site: Site) -> None:
    ids = _populate(site, 120)
    site.add_issue("A second issue with the same marker", ["other", f"syncd-{ids[110]}"])
    missing = item_ids(3, prefix="f")
    tracker = site.tracker()

    found = tracker.find_markers([*ids, *missing])

    assert site.counts() == {site.search_endpoint: 2}  # 123 markers: two queries
    assert all(len(found[i]) == 1 for i in ids if i != ids[110])
    assert sorted(s.key for s in found[ids[110]]) == ["PAY-111", "PAY-121"]
    assert all(found[i] == [] for i in missing)
    assert found[ids[0]][0].item_id == ids[0]


def test_get_reads_issues_by_key_including_a_persons_issue(site: Site) -> None:
    _populate(site, 2)
    site.add_issue("A person's issue", ["team-x"])
    tracker = site.tracker()

    found = tracker.get(["PAY-2", "pay-3"])

    assert sorted(found) == ["PAY-2", "PAY-3"]
    assert found["PAY-3"].item_id is None and found["PAY-3"].fields.labels == frozenset()
    assert site.counts() == {site.search_endpoint: 1}


def test_get_still_finds_the_others_when_jira_refuses_an_unknown_key(site: Site) -> None:
    """Real Jira (and the fake) answer 400 to `key in (...)` naming an issue that does not
    exist."""
    _populate(site, 2)
    tracker = site.tracker()

    found = tracker.get(["PAY-1", "PAY-404", "PAY-2"])

    assert sorted(found) == ["PAY-1", "PAY-2"]
    issue_endpoint = site.endpoint("GET", "issue/{issueIdOrKey}")
    assert site.counts() == {site.search_endpoint: 1, issue_endpoint: 3}


@pytest.mark.parametrize("deployment_type", ["Server", "DataCenter"])
def test_deployment_is_asked_once_at_first_use(site: Site, deployment_type: str) -> None:
    site.fake.dc_deployment_type = deployment_type
    _populate(site, 1)
    tracker = site.tracker(deployment="auto")
    assert site.sent() == 0  # nothing at construction

    tracker.changed_since(None)
    tracker.find_markers(item_ids(1))

    server_info = "GET /rest/api/2/serverInfo"
    assert site.counts()[server_info] == 1
    assert site.fake.requests[0].endpoint == server_info
    assert "Authorization" not in site.fake.requests[0].headers  # asked anonymously
    # The REST version follows the answer: v3 on Cloud, v2 on Data Center.
    assert site.counts()[site.search_endpoint] == 2


def test_a_stated_deployment_asks_nothing(site: Site) -> None:
    tracker = site.tracker()
    tracker.changed_since(None)
    assert "GET /rest/api/2/serverInfo" not in site.counts()
