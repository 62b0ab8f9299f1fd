"""Hostile input to the incident.io source: what a careless user, a hostile author or a flaky
proxy can put in front of it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner, Result

from connectors.incident_io.cache import IncidentCache
from connectors.incident_io.mapping import Incident
from connectors.incident_io.settings import IncidentIoSettings
from syncd.cli.app import app
from syncd.http.budget import RATE_SCALE_ENV
from tests.e2e.cli_trackers import Tracker, cli_tracker
from tests.fakes.incident_io.server import FakeIncidentIo
from tests.incident_io.adoption_support import write_config
from tests.incident_io.test_adoption_e2e import INCIDENT, _follow_up


@pytest.fixture
def tracker() -> Iterator[Tracker]:
    with cli_tracker("jira-cloud", Tracker) as made:
        yield made


@pytest.fixture
def incidents() -> Iterator[FakeIncidentIo]:
    with FakeIncidentIo() as fake:
        yield fake


def _sync(root: Path, tracker: Tracker, incidents: FakeIncidentIo, config: str) -> Result:
    env = {
        "SYNCD_STATE_DIR": str(root / "state"),
        "TRACKER_TOKEN": tracker.token,
        "INCIDENTIO_API_KEY": incidents.api_key,
        RATE_SCALE_ENV: "10",
    }
    return CliRunner().invoke(app, ["sync", "--config", config, "--json"], env=env)


def test_a_follow_up_with_a_lone_surrogate_does_not_stop_the_team(
    tmp_path: Path, tracker: Tracker, incidents: FakeIncidentIo
) -> None:
    incidents.state.load(
        [
            {
                "incident": INCIDENT,
                "follow_ups": [
                    _follow_up(1, "Broken \ud800 title"),
                    _follow_up(2, "Set client timeouts on the Redis pool"),
                ],
            }
        ]
    )
    config = write_config(tmp_path, tracker, incidents)
    result = _sync(tmp_path, tracker, incidents, config)
    # It once failed the team's whole cycle: the store cannot write a lone surrogate.
    assert result.exit_code == 0, result.output
    team = json.loads(result.stdout)["teams"]["payments"]
    assert (team["created"], team["errors"]) == (2, [])
    assert tracker.issues() == 2


def test_an_incident_cached_by_a_clock_in_the_future_is_refreshed(tmp_path: Path) -> None:
    # A host clock set a year ahead once, then put right: every incident fetched meanwhile
    # looked fresh for a year, its renames and severity changes never read.
    incident = Incident("01HQ", "INC-1", "Old name", None, None, None, None, None)
    cache = IncidentCache(tmp_path / "incidents.json", timedelta(hours=24))
    now = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    cache.put(incident, now + timedelta(days=365))
    assert cache.fresh("01HQ", now) is None
    assert cache.fresh("01HQ", now + timedelta(days=365, hours=1)) == incident


@pytest.mark.parametrize("written", ["inc_live_9f8e7d6c5b4a", "ftp://bot:inc_live_9f8e7d6c5b4a@x"])
def test_an_api_url_holding_the_key_is_refused_without_showing_it(written: str) -> None:
    # A careless `api_url: "${INCIDENTIO_API_KEY}"`: the error once quoted the key.
    with pytest.raises(ValidationError) as refused:
        IncidentIoSettings.model_validate({"api_key": "inc_live_9f8e7d6c5b4a", "api_url": written})
    assert "http(s) URL" in str(refused.value.errors()[0]["msg"])
    assert "9f8e7d6c5b4a" not in str([e["msg"] for e in refused.value.errors()])


def test_a_follow_up_moved_to_another_incident_keeps_its_issue(
    tmp_path: Path, tracker: Tracker, incidents: FakeIncidentIo
) -> None:
    other = {**INCIDENT, "id": "01HQE2EINCIDENT00000000002", "reference": "INC-8"}
    other["name"] = "Checkout latency, again"
    incidents.state.load(
        [
            {"incident": INCIDENT, "follow_ups": [_follow_up(1, "Add an alert on Redis lag")]},
            {"incident": other, "follow_ups": []},
        ]
    )
    config = write_config(tmp_path, tracker, incidents)
    first = _sync(tmp_path, tracker, incidents, config)
    assert first.exit_code == 0, first.output
    assert tracker.issues() == 1

    # Someone re-attaches the follow-up to the incident it really belongs to.
    incidents.state.edit_follow_up("01HQE2EFOLLOWUP000000000001", incident_id=other["id"])
    _sync(tmp_path, tracker, incidents, config)
    assert tracker.issues() == 1  # the same follow-up: never a second issue


def test_an_api_url_over_plain_http_is_refused_off_this_machine() -> None:
    # The API key is a Bearer token on every request: http would send it in clear text.
    with pytest.raises(ValidationError, match="https://"):
        IncidentIoSettings.model_validate(
            {"api_key": "inc_live_9f8e7d6c5b4a", "api_url": "http://api.incident.io"}
        )
    local = {"api_key": "inc_live_9f8e7d6c5b4a", "api_url": "http://127.0.0.1:8080"}
    assert IncidentIoSettings.model_validate(local).api_url == "http://127.0.0.1:8080"
