"""``syncd check --online`` reads the incident.io source: it says what it found, or why the
source cannot be read, and never shows the API key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from syncd.cli.app import app
from tests.e2e.cli_trackers import Tracker, cli_tracker
from tests.fakes.incident_io.server import FakeIncidentIo
from tests.incident_io.adoption_support import write_config
from tests.incident_io.support import fixtures


@pytest.fixture
def jira() -> Iterator[Tracker]:
    with cli_tracker("jira-cloud", Tracker) as made:
        yield made


def _check(root: Path, jira: Tracker, key: str) -> tuple[int, str]:
    env = {
        "SYNCD_STATE_DIR": str(root / "state"),
        "TRACKER_TOKEN": jira.token,
        "INCIDENTIO_API_KEY": key,
    }
    result = CliRunner().invoke(
        app, ["check", "--online", "--config", str(root / "config")], env=env
    )
    return result.exit_code, " ".join(result.output.split())


def test_a_readable_source_is_ok(tmp_path: Path, jira: Tracker, fake: FakeIncidentIo) -> None:
    write_config(tmp_path, jira, fake)
    code, output = _check(tmp_path, jira, fake.api_key)
    assert code == 0, output
    assert "ok payments/incidents: 10 document(s) readable, 0 skipped" in output


def test_a_refused_key_is_named_and_not_shown(tmp_path: Path, jira: Tracker) -> None:
    key = "inc-stale-key-4b7e0c9d21"
    with FakeIncidentIo() as fake:
        fake.state.load(fixtures())
        write_config(tmp_path, jira, fake)
        code, output = _check(tmp_path, jira, key)
    assert code == 1
    assert "failed payments/incidents: incident.io source 'incidents': the API key was refused" in (
        output
    )
    assert key not in output


def test_a_key_written_in_the_team_file_is_refused(tmp_path: Path, jira: Tracker) -> None:
    with FakeIncidentIo() as fake:
        write_config(tmp_path, jira, fake)
    team = tmp_path / "config" / "teams" / "payments.yaml"
    team.write_text(
        team.read_text(encoding="utf-8").replace('"${INCIDENTIO_API_KEY}"', "inc-plain-4f1e9a"),
        encoding="utf-8",
    )
    code, output = _check(tmp_path, jira, "unused")
    assert code == 2
    assert "api_key" in output and "inc-plain-4f1e9a" not in output
