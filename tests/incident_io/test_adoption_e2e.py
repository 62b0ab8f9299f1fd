"""``syncd sync`` with the incident.io source, against the fake Jira and GitHub: a follow-up
incident.io already exported to the team's tracker adopts that issue and never gets a second
one; the others get theirs, once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from syncd.cli.app import app
from syncd.http.budget import RATE_SCALE_ENV
from tests.e2e.cli_trackers import Tracker, cli_tracker
from tests.fakes.incident_io import contract
from tests.fakes.incident_io.server import FakeIncidentIo
from tests.incident_io.adoption_support import write_config

INCIDENT = {
    "id": "01HQE2EINCIDENT00000000001",
    "reference": "INC-7",
    "name": "Checkout latency spike",
    "mode": "standard",
    "visibility": "public",
    "incident_status": {
        "id": "01FCNDV6P870EA6S7TK1DSYD5H",
        "name": "Closed",
        "description": "Done.",
        "rank": 4,
        "category": "closed",
        "created_at": "2026-09-14T08:00:00Z",
        "updated_at": "2026-09-14T08:00:00Z",
    },
    "creator": {},
    "incident_role_assignments": [],
    "custom_field_entries": [],
    "slack_team_id": "T02A1FSLE8J",
    "slack_channel_id": "C07INCIDENT",
    "permalink": "https://app.incident.io/acme/incidents/7",
    "created_at": "2026-09-14T08:00:00Z",
    "updated_at": "2026-09-14T08:00:00Z",
}
PERSONS_TITLE = "Redis lag alert (from INC-7)"
ASSIGNEE = {"id": "01HUSERALICE00000000000001", "name": "Alice", "email": "alice@example.com"}


def _follow_up(number: int, title: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"01HQE2EFOLLOWUP00000000000{number}",
        "incident_id": INCIDENT["id"],
        "title": title,
        "status": "outstanding",
        "labels": [],
        "creator": {},
        "assignee": {**ASSIGNEE, "role": "responder"},
        "created_at": "2026-09-14T09:00:00Z",
        "updated_at": "2026-09-14T09:00:00Z",
        **extra,
    }


@pytest.fixture(params=["jira-cloud", "github"])
def tracker(request: pytest.FixtureRequest) -> Iterator[Tracker]:
    with cli_tracker(request.param, Tracker) as made:
        yield made


@pytest.fixture
def incidents() -> Iterator[FakeIncidentIo]:
    with FakeIncidentIo() as fake:
        yield fake


def _existing_issue(tracker: Tracker) -> dict[str, str]:
    """An issue a person made from incident.io's export, and how incident.io names it."""
    fake = tracker.fake
    if tracker.github:
        issue = fake.state.create_issue(  # type: ignore[union-attr]
            fake.repo,
            PERSONS_TITLE,
            fake.bot,  # type: ignore[union-attr]
        )
        return {
            "provider": "github",
            "issue_name": f"acme/payments#{issue.number}",
            "issue_permalink": f"{fake.root_url}/acme/payments/issues/{issue.number}",
        }
    made = fake.state.create_issue(  # type: ignore[union-attr]
        {"project": {"key": "PAY"}, "issuetype": {"name": "Task"}, "summary": PERSONS_TITLE}
    )
    return {
        "provider": "jira",
        "issue_name": made.key,
        "issue_permalink": f"{tracker.url}/browse/{made.key}",
    }


def _title_of(tracker: Tracker, name: str) -> str:
    fake = tracker.fake
    if tracker.github:
        number = int(name.rsplit("#", 1)[1])
        return str(fake.state.issue(fake.repo, number).title)  # type: ignore[union-attr]
    return str(fake.state.issue(name).summary)  # type: ignore[union-attr]


def _sync(root: Path, tracker: Tracker, incidents: FakeIncidentIo, config: str) -> Any:
    env = {
        "SYNCD_STATE_DIR": str(root / "state"),
        "TRACKER_TOKEN": tracker.token,
        "INCIDENTIO_API_KEY": incidents.api_key,
        RATE_SCALE_ENV: "10",  # GitHub's write pacing, ten times faster (the fake's limits are off)
    }
    result = CliRunner().invoke(
        app, ["sync", "--config", config, "--json"], env=env, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert incidents.api_key not in result.output
    return json.loads(result.stdout)["teams"]["payments"]


def test_an_exported_follow_up_adopts_its_issue_and_never_gets_a_second(
    tmp_path: Path, tracker: Tracker, incidents: FakeIncidentIo
) -> None:
    exported = _existing_issue(tracker)
    incidents.state.load(
        [
            {
                "incident": INCIDENT,
                "follow_ups": [
                    _follow_up(
                        1,
                        "Add an alert on Redis replication lag",
                        **{"external_issue_reference": exported},
                    ),
                    _follow_up(2, "Set client timeouts on the Redis pool"),
                ],
            }
        ]
    )
    config = write_config(tmp_path, tracker, incidents)

    first = _sync(tmp_path, tracker, incidents, config)
    assert (first["created"], first["adopted"]) == (1, 1), [e["error"] for e in first["errors"]]
    assert first["errors"] == []
    assert tracker.issues() == 2  # the person's issue, adopted, and one created
    assert _title_of(tracker, exported["issue_name"]) == PERSONS_TITLE  # a person's text stays

    incidents.state.edit_follow_up(
        "01HQE2EFOLLOWUP000000000001", title="Alert when Redis replication lags over 5 s"
    )
    again = _sync(tmp_path, tracker, incidents, config)
    assert (again["created"], again["adopted"], again["errors"]) == (0, 0, [])
    assert tracker.issues() == 2
    assert contract.validate_requests(incidents.requests) == []
