"""The fake incident.io answers what incident.io's public description says, and every request
the source sends is one that description allows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fakes.incident_io import contract
from tests.fakes.incident_io.server import FakeIncidentIo
from tests.incident_io.support import fixtures, make_source, read


def _get(fake: FakeIncidentIo, path: str, params: dict[str, str] | None = None) -> Any:
    query = {k: [v] for k, v in (params or {}).items()}
    assert contract.validate_request("GET", path, query) == []
    headers = {"Authorization": f"Bearer {fake.api_key}"}
    return httpx.get(fake.url + path, params=params, headers=headers, timeout=5)


@pytest.mark.parametrize("mode", [None, "standard", "retrospective", "test", "tutorial"])
def test_the_follow_ups_listing_is_as_described(fake: FakeIncidentIo, mode: str | None) -> None:
    answer = _get(fake, "/v2/follow_ups", {"incident_mode": mode} if mode else None)
    assert answer.status_code == 200
    assert contract.validate_response("GET", "/v2/follow_ups", 200, answer.json()) == []
    assert answer.json()["follow_ups"] or mode == "tutorial"


def test_each_incident_is_as_described(fake: FakeIncidentIo) -> None:
    for fixture in fixtures():
        path = f"/v2/incidents/{fixture['incident']['id']}"
        answer = _get(fake, path)
        assert answer.status_code == 200
        assert contract.validate_response("GET", path, 200, answer.json()) == []
        assert answer.json()["incident"] == fixture["incident"]


def test_every_fixture_is_in_the_api_s_shape() -> None:
    for fixture in fixtures():
        assert contract.validate_schema("IncidentV2", fixture["incident"]) == []
        for follow_up in fixture["follow_ups"]:
            assert contract.validate_schema("FollowUpV2", follow_up) == []


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("/v2/incidents/01HQZNOSUCHINCIDENT0000000", None, 404),
        ("/v2/follow_ups", {"Authorization": "Bearer wrong-key-000000000"}, 401),
        ("/v2/follow_ups", {}, 401),
    ],
)
def test_errors_come_in_incident_io_s_shape(
    fake: FakeIncidentIo, path: str, headers: dict[str, str] | None, status: int
) -> None:
    sent = headers if headers is not None else {"Authorization": f"Bearer {fake.api_key}"}
    answer = httpx.get(fake.url + path, headers=sent, timeout=5)
    assert answer.status_code == status
    body = answer.json()
    assert body["status"] == status and body["type"] and body["errors"][0]["message"]


def test_every_request_the_source_sends_is_described(tmp_path: Path, fake: FakeIncidentIo) -> None:
    read(make_source(fake, tmp_path, include_test_incidents=True))
    assert fake.requests
    assert contract.validate_requests(fake.requests) == []
    assert {r.headers["Authorization"] for r in fake.requests} == {"Bearer REDACTED"}


def test_a_request_outside_the_description_is_caught() -> None:
    assert contract.validate_request("GET", "/v2/follow_ups", {"page_size": ["25"]}) == [
        "GET /v2/follow_ups: query parameter 'page_size' is not in the spec"
    ]
    assert contract.validate_request("GET", "/v3/follow_ups") == [
        "GET /v3/follow_ups: no such path in the incident.io spec"
    ]
