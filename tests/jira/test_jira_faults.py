"""Faults: waits the server asks for are sat out, lost answers are never guessed at."""

from __future__ import annotations

import pytest

from connectors.jira import JiraSettings, JiraTracker
from syncd.http import AmbiguousWriteError, AuthError, PermanentError
from syncd.mirror.operations import FieldChanges
from syncd.tracker import TrackerContext
from tests.fakes.faults import Fault
from tests.fakes.jira.server import FakeJira
from tests.http.fakes import VirtualClock
from tests.jira.site import NOW, Site, create, item_ids


def _search_glob(site: Site) -> str:
    return "/rest/api/3/search/jql" if site.cloud else "/rest/api/2/search"


def test_a_429_on_a_search_is_waited_out_then_the_read_completes(site: Site) -> None:
    for n in range(3):
        site.add_issue(f"Item {n}", ["postmortem", f"syncd-{n:016x}"])
    site.fake.faults.on("POST", _search_glob(site), Fault("429", retry_after=7))
    clock = VirtualClock()
    tracker = site.tracker(http_clock=clock)

    changed = tracker.changed_since(None)

    assert len(changed.snapshots) == 3
    assert [r.fault for r in site.fake.requests] == ["429", None]
    assert sum(clock.slept) >= 7  # the wait the server asked for, in virtual time
    assert [r.status for r in site.records] == [429, 200]


def test_5xx_on_reads_and_idempotent_writes_are_retried(site: Site) -> None:
    site.add_issue("Item", ["postmortem", "syncd-" + "1" * 16])
    site.fake.faults.on("POST", _search_glob(site), Fault("503"), times=2)
    site.fake.faults.on("PUT", "/rest/api/*/issue/PAY-1", Fault("drop_after"))
    tracker = site.tracker(http_clock=VirtualClock())

    [found] = tracker.find_markers(["1" * 16])["1" * 16]
    assert found.key == "PAY-1"
    tracker.update("PAY-1", FieldChanges(summary="Edited"))  # a PUT is safe to send again

    site.fake.faults.on("POST", "/rest/api/*/issue/PAY-1/remotelink", Fault("drop_after"))
    tracker.link_postmortem("PAY-1", item_id="1" * 16, url="https://pm.example.com/1", title="PM")

    assert site.fake.state.issue("PAY-1").summary == "Edited"
    assert len(site.fake.state.issue("PAY-1").remote_links) == 1  # an upsert: sent again safely
    faults = [r.fault for r in site.fake.requests]
    assert faults == ["503", "503", None, "drop_after", None, "drop_after", None]


def test_a_lost_bulk_create_answer_is_ambiguous_and_the_markers_tell(site: Site) -> None:
    site.fake.faults.on("POST", "/rest/api/*/issue/bulk", Fault("drop_after"))
    ids = item_ids(5)
    tracker = site.tracker(http_clock=VirtualClock())

    with pytest.raises(AmbiguousWriteError):
        tracker.create([create(i) for i in ids])

    assert site.counts()[site.endpoint("POST", "issue/bulk")] == 1  # never sent again blindly
    found = tracker.find_markers(ids)
    assert {i: [s.key for s in found[i]] for i in ids} == {
        i: [f"PAY-{n}"] for n, i in enumerate(ids, start=1)
    }
    assert site.counts()[site.search_endpoint] == 1  # the guard: one search for the batch


def test_a_500_on_a_bulk_create_is_ambiguous(site: Site) -> None:
    site.fake.faults.on("POST", "/rest/api/*/issue/bulk", Fault("500"))
    tracker = site.tracker(http_clock=VirtualClock())
    with pytest.raises(AmbiguousWriteError):
        tracker.create([create(i) for i in item_ids(2)])
    assert site.sent() == 1


def test_wrong_credentials_stop_with_an_auth_error_that_shows_no_secret(site: Site) -> None:
    secret = "wrong-secret-token-value"
    auth = {"email": site.fake.email, "token": secret} if site.cloud else {"token": secret}
    tracker = site.tracker(auth=auth)

    with pytest.raises(AuthError) as raised:
        tracker.changed_since(None)

    assert raised.value.status == 401
    assert secret not in str(raised.value) and secret not in repr(raised.value.__dict__)


def test_a_refused_edit_carries_jiras_reason(site: Site) -> None:
    site.add_issue("Item", ["postmortem"])
    tracker = site.tracker()
    with pytest.raises(PermanentError) as raised:
        tracker.update("PAY-1", FieldChanges(priority="Urgent-ish"))
    assert raised.value.status == 400
    assert "priority" in str(raised.value) and "Urgent-ish" in str(raised.value)


def test_cloud_without_an_email_is_an_auth_problem_before_signing_in(fake_jira: FakeJira) -> None:
    settings = JiraSettings.model_validate(
        {"url": fake_jira.url, "deployment": "auto", "auth": {"token": "t"}, "project": "PAY"}
    )
    tracker = JiraTracker(settings, TrackerContext(team="payments", now=NOW))
    try:
        with pytest.raises(AuthError, match=r"auth\.email"):
            tracker.changed_since(None)  # detected as Cloud: a token alone cannot sign in
    finally:
        tracker.close()
    assert [r.endpoint for r in fake_jira.requests] == ["GET /rest/api/2/serverInfo"]
