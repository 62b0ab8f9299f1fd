"""Requests per cycle, the incident cache, filters and identity across edits."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

from tests.fakes.incident_io.server import FakeIncidentIo
from tests.incident_io.support import NOW, documents, make_source, read

LISTING = "GET /v2/follow_ups"
INCIDENT = "GET /v2/incidents/{id}"
WITH_FOLLOW_UPS = 10  # fixture incidents with follow-ups that incident.io lists by default


def _counts(fake: FakeIncidentIo) -> Counter[str]:
    counts = fake.endpoint_counts()
    fake.clear_requests()
    return counts


def test_a_cycle_with_nothing_changed_costs_the_listing_alone(
    tmp_path: Path, fake: FakeIncidentIo
) -> None:
    source = make_source(fake, tmp_path)
    first = read(source)
    assert _counts(fake) == {LISTING: 1, INCIDENT: WITH_FOLLOW_UPS}
    assert read(source) == first
    assert _counts(fake) == {LISTING: 1}


def test_the_cache_outlives_the_process(tmp_path: Path, fake: FakeIncidentIo) -> None:
    first = read(make_source(fake, tmp_path))
    fake.clear_requests()
    assert read(make_source(fake, tmp_path)) == first
    assert _counts(fake) == {LISTING: 1}


def test_a_corrupt_cache_means_a_full_read(tmp_path: Path, fake: FakeIncidentIo) -> None:
    first = read(make_source(fake, tmp_path))
    fake.clear_requests()
    (cache,) = tmp_path.glob("incidents-*.json")
    cache.write_text('{"format": 1, "incidents": [{"id": 4', encoding="utf-8")
    assert read(make_source(fake, tmp_path)) == first
    assert _counts(fake) == {LISTING: 1, INCIDENT: WITH_FOLLOW_UPS}


def test_a_renamed_incident_shows_after_its_refresh(tmp_path: Path, fake: FakeIncidentIo) -> None:
    read(make_source(fake, tmp_path))
    fake.state.edit_incident("01HQ0CHECKOUTLATENCY0000101", name="Checkout outage (Redis)")
    fake.clear_requests()
    soon = documents(read(make_source(fake, tmp_path, now=NOW + timedelta(hours=23))))
    assert soon["incident.io:01HQ0CHECKOUTLATENCY0000101"].postmortem.title.startswith(
        "Checkout la"
    )
    later = documents(read(make_source(fake, tmp_path, now=NOW + timedelta(hours=48))))
    renamed = later["incident.io:01HQ0CHECKOUTLATENCY0000101"]
    assert renamed.postmortem.title == "Checkout outage (Redis)"
    # Refreshes are spread over a day after the first: at 48 h every incident was refetched.
    assert _counts(fake) == {LISTING: 2, INCIDENT: WITH_FOLLOW_UPS}


def test_a_renamed_follow_up_keeps_its_identity(tmp_path: Path, fake: FakeIncidentIo) -> None:
    source = make_source(fake, tmp_path)
    before = documents(read(source))["incident.io:01HQ0CHECKOUTLATENCY0000101"]
    fake.state.edit_follow_up("01HQ0FU0000000000000000101", title="Alert when Redis lags")
    after = documents(read(source))["incident.io:01HQ0CHECKOUTLATENCY0000101"]
    assert [i.native_id for i in after.items] == [i.native_id for i in before.items]
    assert after.items[0].title == "Alert when Redis lags"


def test_filters_by_severity_type_and_date(tmp_path: Path, fake: FakeIncidentIo) -> None:
    def references(**settings: object) -> list[str]:
        found = documents(read(make_source(fake, tmp_path, **settings)))
        return sorted(d.postmortem.incident or "" for d in found.values())

    assert references(severities=["critical"]) == ["INC-101", "INC-108", "INC-109"]
    assert references(incident_types=["Security", "Data Incident"]) == ["INC-104", "INC-109"]
    assert references(since="2025-01-01") == ["INC-111", "INC-112"]


def test_test_incidents_only_when_asked(tmp_path: Path, fake: FakeIncidentIo) -> None:
    found = documents(read(make_source(fake, tmp_path, include_test_incidents=True)))
    assert "incident.io:01HQ6TESTINCIDENT0000000107" in found
    modes = sorted(
        str(r.query.get("incident_mode")) for r in fake.requests if r.endpoint == LISTING
    )
    assert modes == ["None", "['test']", "['tutorial']"]


def test_items_keep_their_places_whatever_order_incident_io_lists_them_in(
    tmp_path: Path, fake: FakeIncidentIo
) -> None:
    source = make_source(fake, tmp_path)
    first = read(source)
    with fake.state.lock:
        reordered = dict(reversed(list(fake.state.follow_ups.items())))
        fake.state.follow_ups = reordered
    assert read(source) == first
