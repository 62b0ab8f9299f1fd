"""``syncd digest --dry-run``: the team's digest from what the state store holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from syncd.cli.app import app

EXAMPLE = Path(__file__).resolve().parents[2] / "config"
# A Monday between the example's postmortems and their due dates: something is overdue (Oct 30),
# something due within the week (Nov 20), something done. The CLI runs on this clock, not the wall.
EXAMPLE_NOW = "2026-11-16T09:00:00+00:00"


@pytest.fixture
def synced_state(tmp_path: Path) -> dict[str, str]:
    env = {"SYNCD_STATE_DIR": str(tmp_path / "state"), "SYNCD_TEST_NOW": EXAMPLE_NOW}
    # The example has no tracker token: items are recorded, the tracker is reported unreachable.
    CliRunner().invoke(app, ["sync", "--config", str(EXAMPLE)], env=env)
    return env


def test_dry_run_prints_a_readable_digest(synced_state: dict[str, str]) -> None:
    result = CliRunner().invoke(
        app, ["digest", "--config", str(EXAMPLE), "--dry-run"], env=synced_state
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith("Action items digest: payments")
    # CONTRACT §7's order: counts, done, overdue, due soon, needs attention.
    positions = [text.index(h) for h in ("open ·", "Done", "Overdue", "Due within", "Needs")]
    assert positions == sorted(positions)
    assert "Improve monitoring" in text


@pytest.mark.parametrize("fmt", ["slack", "teams", "mattermost", "discord", "json"])
def test_dry_run_previews_each_channels_payload(synced_state: dict[str, str], fmt: str) -> None:
    result = CliRunner().invoke(
        app, ["digest", "--config", str(EXAMPLE), "--dry-run", "--format", fmt], env=synced_state
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert isinstance(payload, dict) and payload


def test_an_unknown_format_is_a_usage_error(synced_state: dict[str, str]) -> None:
    result = CliRunner().invoke(
        app,
        ["digest", "--config", str(EXAMPLE), "--dry-run", "--format", "fax"],
        env=synced_state,
    )
    assert result.exit_code == 2
