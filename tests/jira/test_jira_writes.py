"""Updates, adoption and the link back: one request each, and nothing of a person's lost."""

from __future__ import annotations

import datetime as dt

import pytest

from connectors.jira.adf import adf_to_text
from syncd.mirror.operations import FieldChanges
from tests.jira.site import Site, create, fields, item_ids


def _created(site: Site, **field_values: object) -> str:
    tracker = site.tracker()
    [result] = tracker.create([create(item_ids(1)[0], fields(**field_values))])  # type: ignore[arg-type]
    assert result.key is not None
    site.fake.clear_requests()
    return result.key


def test_an_update_writes_only_the_changes_in_one_request(site: Site) -> None:
    key = _created(site, assignee=site.user_id("alice@example.com"))
    tracker = site.trackers[0]
    bob = site.user_id("bob@example.com")

    tracker.update(
        key,
        FieldChanges(
            summary="Rotate the keys every 90 days",
            description="New text.\n\nhttps://pm.example.com/2",
            assignee=bob,
            due=dt.date(2027, 1, 31),
            priority="Highest",
        ),
    )

    issue = site.fake.state.issue(key)
    assert issue.summary == "Rotate the keys every 90 days"
    assert adf_to_text(issue.description) == "New text.\n\nhttps://pm.example.com/2"
    assert issue.assignee is not None and issue.assignee.email == "bob@example.com"
    assert issue.duedate == "2027-01-31" and issue.priority.name == "Highest"
    assert site.counts() == {site.endpoint("PUT", "issue/{issueIdOrKey}"): 1}


def test_an_update_adds_labels_and_keeps_a_persons_labels_and_assignee(site: Site) -> None:
    key = _created(site, assignee=site.user_id("alice@example.com"), labels=())
    marker = f"syncd-{item_ids(1)[0]}"  # a person removed the configured label
    site.fake.state.edit(key, labels=[marker, "customer-impact"], assignee="bob@example.com")
    tracker = site.trackers[0]

    tracker.update(
        key, FieldChanges(summary="New summary", labels_to_add=frozenset({"postmortem"}))
    )

    issue = site.fake.state.issue(key)
    assert sorted(issue.labels) == sorted([marker, "customer-impact", "postmortem"])
    assert issue.assignee is not None and issue.assignee.email == "bob@example.com"
    [put] = site.fake.requests
    assert put.body["update"] == {"labels": [{"add": "postmortem"}]}
    assert "assignee" not in put.body["fields"] and "labels" not in put.body["fields"]


def test_an_update_never_clears_an_assignee(site: Site) -> None:
    key = _created(site, assignee=site.user_id("alice@example.com"))
    tracker = site.trackers[0]

    with pytest.raises(ValueError, match="never clears an assignee"):
        tracker.update(key, FieldChanges(summary="Changed", assignee=None))  # type: ignore[arg-type]

    assert site.sent() == 0
    issue = site.fake.state.issue(key)
    assert issue.assignee is not None and issue.summary == "Rotate the signing keys"


def test_a_due_date_removed_in_the_document_is_cleared(site: Site) -> None:
    key = _created(site)
    site.trackers[0].update(key, FieldChanges(due=None))
    assert site.fake.state.issue(key).duedate is None


def test_nothing_to_change_sends_nothing(site: Site) -> None:
    key = _created(site)
    tracker = site.trackers[0]
    tracker.update(key, FieldChanges(labels_to_add=frozenset()))
    tracker.update(key, FieldChanges(priority=None))  # Jira requires a priority: never unset
    tracker.adopt(key, add_labels=(), marker=None)
    assert site.sent() == 0


def test_a_field_syncd_does_not_own_is_refused(site: Site) -> None:
    key = _created(site)
    with pytest.raises(ValueError, match="status"):
        site.trackers[0].update(key, FieldChanges.of({"status": "Done"}))
    assert site.sent() == 0


def test_adoption_adds_labels_and_the_marker_and_nothing_else(site: Site) -> None:
    issue = site.add_issue("A person's issue", ["customer-impact"], duedate="2026-12-01")
    tracker = site.tracker()
    item_id = item_ids(1)[0]

    tracker.adopt(issue.key, add_labels={"postmortem"}, marker=tracker.marker(item_id))

    after = site.fake.state.issue(issue.key)
    assert sorted(after.labels) == ["customer-impact", "postmortem", f"syncd-{item_id}"]
    assert after.summary == "A person's issue" and after.duedate == "2026-12-01"
    assert site.sent() == 1
    assert tracker.get([issue.key])[issue.key].item_id == item_id


def test_the_link_to_the_postmortem_is_an_upsert(site: Site) -> None:
    key = _created(site)
    tracker = site.trackers[0]
    item_id = item_ids(1)[0]

    tracker.link_postmortem(key, item_id=item_id, url="https://pm.example.com/1", title="PM one")
    tracker.link_postmortem(key, item_id=item_id, url="https://pm.example.com/1b", title="PM two")

    [link] = site.fake.state.issue(key).remote_links
    assert link.global_id == f"syncd:{item_id}"
    assert link.object == {"url": "https://pm.example.com/1b", "title": "PM two"}
    assert site.counts() == {site.endpoint("POST", "issue/{issueIdOrKey}/remotelink"): 2}


def test_remote_links_turned_off_cost_nothing(site: Site) -> None:
    key = _created(site)
    tracker = site.tracker(remote_links=False)

    tracker.link_postmortem(key, item_id=item_ids(1)[0], url="https://pm.example.com/1", title="PM")

    assert site.fake.state.issue(key).remote_links == []
    assert site.fake.requests == []


def test_markers_round_trip(site: Site) -> None:
    tracker = site.tracker()
    assert tracker.marker("0123456789abcdef") == "syncd-0123456789abcdef"
    assert tracker.item_id_of_marker("syncd-0123456789abcdef") == "0123456789abcdef"
    assert tracker.item_id_of_marker("postmortem") is None
    assert tracker.item_id_of_marker("syncd-") is None
    assert tracker.issue_url("PAY-7") == f"{site.fake.url}/browse/PAY-7"
    assert tracker.priority_map["P0"] == "Highest"
    assert tracker.labels == frozenset({"postmortem"})
    assert site.sent() == 0
