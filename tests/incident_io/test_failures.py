"""Failures stay as small as they are: an incident, a follow-up, or (only when the listing
fails) the whole source, whose items the core then keeps."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from syncd.connector.source import SourceError
from syncd.connector.testing.clock import VirtualClock
from tests.fakes.faults import Fault
from tests.fakes.incident_io.server import FakeIncidentIo
from tests.incident_io.support import NOW, documents, failures, make_source, read

CHECKOUT = "01HQ0CHECKOUTLATENCY0000101"
WEBHOOKS = "01HQ1WEBHOOKBACKLOG00000102"


def _follow_up(**fields: Any) -> dict[str, Any]:
    return {
        "id": "01HQZFU0000000000000009902",
        "incident_id": CHECKOUT,
        "title": "A follow-up",
        "status": "outstanding",
        "labels": [],
        "creator": {},
        "created_at": "2026-11-20T09:00:00Z",
        "updated_at": "2026-11-20T09:00:00Z",
        **fields,
    }


@pytest.mark.parametrize(("hide", "status"), [(False, "404"), (True, "403")])
def test_an_incident_that_cannot_be_fetched_is_reported_and_the_rest_read(
    tmp_path: Path, fake: FakeIncidentIo, hide: bool, status: str
) -> None:
    if hide:
        fake.state.hidden.add(CHECKOUT)
    else:
        fake.state.delete_incident(CHECKOUT)
    found = read(make_source(fake, tmp_path))
    failure = failures(found)[f"incident.io:{CHECKOUT}"]
    assert f"incident {CHECKOUT} could not be read" in failure.error
    assert status in failure.error
    assert "kept" in failure.error
    assert len(documents(found)) == 9


def test_a_deleted_incident_is_reported_once_its_cached_copy_is_due(
    tmp_path: Path, fake: FakeIncidentIo
) -> None:
    read(make_source(fake, tmp_path))
    fake.state.delete_incident(CHECKOUT)
    later = read(make_source(fake, tmp_path, now=NOW + timedelta(days=3)))
    assert f"incident.io:{CHECKOUT}" in failures(later)
    assert len(documents(later)) == 9


def test_a_refresh_that_fails_for_a_while_keeps_the_cached_incident(
    tmp_path: Path, fake: FakeIncidentIo
) -> None:
    first = read(make_source(fake, tmp_path))
    fake.faults.on("GET", f"/v2/incidents/{CHECKOUT}", Fault("503"), times=None)
    later = read(make_source(fake, tmp_path, now=NOW + timedelta(days=3)))
    assert later[f"incident.io:{CHECKOUT}"] == first[f"incident.io:{CHECKOUT}"]
    assert not failures(later)


def test_garbage_for_an_incident_is_that_incident_s_failure(
    tmp_path: Path, fake: FakeIncidentIo
) -> None:
    fake.faults.on("GET", f"/v2/incidents/{WEBHOOKS}", Fault("html"), times=None)
    found = read(make_source(fake, tmp_path))
    assert "HTML" in failures(found)[f"incident.io:{WEBHOOKS}"].error
    assert len(documents(found)) == 9


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"title": None}, "title is missing or not text"),
        ({"status": 42}, "status is missing or not text"),
        ({"assignee": "alice"}, "assignee is not an object"),
        ({"description": 42}, "description is not text"),
    ],
)
def test_a_follow_up_with_garbage_fields_is_a_problem_of_its_document(
    tmp_path: Path, fake: FakeIncidentIo, fields: dict[str, Any], problem: str
) -> None:
    fake.state.raw_follow_ups.append(_follow_up(**fields))
    document = documents(read(make_source(fake, tmp_path)))[f"incident.io:{CHECKOUT}"]
    assert len(document.items) == 3
    (found,) = document.problems
    assert found.message == f"follow-up '01HQZFU0000000000000009902': {problem}"


def test_follow_ups_that_name_no_incident_are_reported(
    tmp_path: Path, fake: FakeIncidentIo
) -> None:
    fake.state.raw_follow_ups += [_follow_up(incident_id=None), "not an object"]
    found = read(make_source(fake, tmp_path))
    last = len(fake.state.listed(None))  # the one that is not an object: named by its place
    assert sorted(failures(found)) == [
        f"incident.io:follow-up:#{last}",
        "incident.io:follow-up:01HQZFU0000000000000009902",
    ]
    assert len(documents(found)) == 10


def test_an_incident_with_too_many_follow_ups_is_skipped(
    tmp_path: Path, fake: FakeIncidentIo
) -> None:
    found = read(make_source(fake, tmp_path, max_follow_ups=2))
    assert "INC-101 has 3 follow-ups, over the source's max_follow_ups (2)" in (
        failures(found)[f"incident.io:{CHECKOUT}"].error
    )
    assert f"incident.io:{WEBHOOKS}" in documents(found)


def test_a_refused_key_fails_the_source_naming_what_to_do(
    tmp_path: Path, fake: FakeIncidentIo
) -> None:
    key = "inc-revoked-key-7c1d9e3f55"
    with pytest.raises(SourceError) as raised:
        read(make_source(fake, tmp_path, api_key=key))
    message = str(raised.value)
    assert "the API key was refused (HTTP 401)" in message
    assert "its items are kept" in message
    assert key not in message and fake.api_key not in message


def test_a_429_is_waited_out_as_retry_after_says(tmp_path: Path, fake: FakeIncidentIo) -> None:
    clock = VirtualClock(NOW)
    fake.monotonic = clock.monotonic
    fake.faults.on("GET", "/v2/follow_ups", Fault("429", retry_after=7))
    found = read(make_source(fake, tmp_path, clock=clock))
    assert len(documents(found)) == 10
    assert sum(clock.slept) >= 7
    assert fake.requests_before_retry_after() == []


def test_a_5xx_and_a_dropped_connection_are_retried(tmp_path: Path, fake: FakeIncidentIo) -> None:
    fake.faults.on("GET", "/v2/follow_ups", Fault("502"))
    fake.faults.on("GET", f"/v2/incidents/{CHECKOUT}", Fault("drop_before"))
    found = read(make_source(fake, tmp_path))
    assert len(documents(found)) == 10 and not failures(found)


@pytest.mark.parametrize("kind", ["500", "html", "json_without_keys"])
def test_a_listing_that_keeps_failing_fails_the_source(
    tmp_path: Path, fake: FakeIncidentIo, kind: str
) -> None:
    fake.faults.on("GET", "/v2/follow_ups", Fault(kind), times=None)
    with pytest.raises(SourceError, match="the follow-ups could not be listed"):
        read(make_source(fake, tmp_path))


def test_a_long_rate_limit_defers_the_incidents_not_yet_fetched(
    tmp_path: Path, fake: FakeIncidentIo
) -> None:
    clock = VirtualClock(NOW)
    fake.monotonic = clock.monotonic
    fake.faults.on("GET", f"/v2/incidents/{WEBHOOKS}", Fault("429", retry_after=300))
    found = read(make_source(fake, tmp_path, clock=clock))
    # Fetched before the 429: read. The rest: reported (their items kept), nothing more sent.
    assert list(documents(found)) == [f"incident.io:{CHECKOUT}"]
    assert len(failures(found)) == 9
    assert all(
        "kept as they were" in f.error and ("wait" in f.error or "rate limit" in f.error)
        for f in failures(found).values()
    )
    assert fake.endpoint_counts()["GET /v2/incidents/{id}"] == 2
    assert sum(clock.slept) < 300  # not waited out in line: the next cycle reads them
