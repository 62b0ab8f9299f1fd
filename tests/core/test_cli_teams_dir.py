"""Every command reads the team files from ``SYNCD_TEAMS_DIR`` when it is set."""

from __future__ import annotations

import json
from pathlib import Path

from tests.core.test_cli_sync import CHECKOUT, JIRA_TOKEN, run, write_team
from tests.fakes.jira.server import FakeJira


def test_check_sync_status_and_digest_read_the_teams_directory(
    tmp_path: Path, fake_jira: FakeJira
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2026-09-14-checkout.md").write_text(CHECKOUT, encoding="utf-8")
    # As in the Kubernetes deployment: settings in one directory, team files in another, and
    # no teams/ beside the settings.
    config = tmp_path / "etc-syncd"
    config.mkdir()
    (config / "syncd.yaml").write_text("log_level: warning\n", encoding="utf-8")
    volume = tmp_path / "etc-syncd-teams"
    write_team(volume, docs=docs, jira=fake_jira.url)
    (volume / "teams" / "payments.yaml").rename(volume / "payments.yaml")
    env = {
        "SYNCD_TEAMS_DIR": str(volume),
        "SYNCD_STATE_DIR": str(tmp_path / "state"),
        "JIRA_TOKEN": JIRA_TOKEN,
    }
    at = ["--config", str(config)]

    checked = run(env, "check", *at)
    assert checked.exit_code == 0, checked.output
    assert "1 team(s)" in checked.stdout and "payments:" in checked.stdout
    assert f"(team files in {volume})" in " ".join(checked.stdout.split())

    planned = run(env, "sync", *at, "--dry-run", "--json")
    assert planned.exit_code == 0, planned.output
    assert len(json.loads(planned.stdout)["teams"]["payments"]["items"]) == 4

    synced = run(env, "sync", *at, "--team", "payments", "--json")
    assert synced.exit_code == 0, synced.output
    assert len(fake_jira.state.issues) == 3  # the open items; the done one is only recorded

    status = run(env, "status", *at, "--json")
    assert status.exit_code == 0, status.output
    assert status_mirrored(json.loads(status.stdout)) == 3

    digest = run(env, "digest", *at, "--dry-run")
    assert digest.exit_code == 0, digest.output
    assert "Write a runbook for connection pool exhaustion" in digest.stdout

    # Without the variable, the same command finds no team files: the setting was what counted.
    unset = run({**env, "SYNCD_TEAMS_DIR": ""}, "check", *at)
    assert unset.exit_code == 2
    assert "teams: no teams directory" in unset.output


def status_mirrored(payload: dict[str, object]) -> int:
    teams = payload["teams"]
    assert isinstance(teams, dict)
    mirror = teams["payments"]["mirror"]
    assert isinstance(mirror, dict)
    mirrored = mirror["mirrored"]
    assert isinstance(mirrored, int)
    return mirrored
