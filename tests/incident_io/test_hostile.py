"""Hostile input to the incident.io source: what a careless user, a hostile author or a flaky
proxy can put in front of it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

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
