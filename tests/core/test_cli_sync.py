"""``syncd sync``, ``status`` and ``check`` end to end: config → markdown → store → output."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from syncd.cli.app import app
from tests.fakes.jira.server import FakeJira

ROOT = Path(__file__).resolve().parents[2]
JIRA_TOKEN = "fake-api-token"  # the fake Jira's token for its bot account
EXAMPLE = ROOT / "config"
ITEM_KEYS = {
    "id", "title", "source", "document", "postmortem", "owner", "assignee", "due", "due_origin",
    "priority", "type", "status", "tracker_ref", "flags",
}  # fmt: skip

CHECKOUT = """\
---
title: Checkout outage
date: 2026-09-14
---
# Checkout outage

## Timeline

- 09:12 first errors; @mallory noticed

## Action items

- [ ] Alert on checkout 5xx rate above 2% for 5 minutes @alice due 2026-10-01
- [ ] Validate pool sizes in CI against the documented minimum (owner: Bob Jones)
- [x] Roll back the pool size change @alice
- [ ] Write a runbook for connection pool exhaustion
"""


def write_team(
    root: Path, *, docs: Path, jira: str, team: str = "payments", extra: str = ""
) -> Path:
    (root / "teams").mkdir(parents=True, exist_ok=True)
    team_file = root / "teams" / f"{team}.yaml"
    team_file.write_text(
        textwrap.dedent(f"""\
            team: {team}
            timezone: Europe/Berlin
            sources:
              - name: pm
                type: markdown
                path: {docs}
            tracker:
              type: jira
              url: {jira}
              deployment: cloud
              auth: {{email: syncd-bot@example.com, token: "${{JIRA_TOKEN:-}}"}}
              project: PAY
            people:
              alice: {{aliases: ["Alice Smith"], email: alice@example.com}}
              bob: {{aliases: ["Bob Jones"], email: bob@example.com}}
            """)
        + extra,
        encoding="utf-8",
    )
    return team_file


@pytest.fixture
def jira(fake_jira: FakeJira) -> FakeJira:
    """The fake Jira with the team's people as users."""
    fake_jira.state.add_user("alice@example.com", "Alice Smith")
    fake_jira.state.add_user("bob@example.com", "Bob Jones")
    return fake_jira


@pytest.fixture
def workspace(tmp_path: Path, store_url: str, jira: FakeJira) -> dict[str, Any]:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2026-09-14-checkout.md").write_text(CHECKOUT, encoding="utf-8")
    config = tmp_path / "config"
    write_team(config, docs=docs, jira=jira.url)
    env = {
        "SYNCD_DATABASE_URL": store_url,
        "SYNCD_STATE_DIR": str(tmp_path / "state"),
        "JIRA_TOKEN": JIRA_TOKEN,
    }
    return {"docs": docs, "config": config, "env": env, "tmp": tmp_path, "jira": jira}


def run(env: dict[str, str], *args: str) -> Any:
    result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
    return result


def sync_json(ws: dict[str, Any], *extra: str) -> dict[str, Any]:
    result = run(ws["env"], "sync", "--config", str(ws["config"]), "--json", *extra)
    assert result.exit_code == 0, result.output
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def status_items(ws: dict[str, Any]) -> list[dict[str, Any]]:
    result = run(ws["env"], "status", "--config", str(ws["config"]), "--json")
    assert result.exit_code == 0, result.output
    items: list[dict[str, Any]] = json.loads(result.stdout)["teams"]["payments"]["items"]
    return items


def test_dry_run_on_the_example_config_writes_nothing(tmp_path: Path) -> None:
    state = tmp_path / "state"
    env = {"SYNCD_STATE_DIR": str(state), "JIRA_TOKEN": ""}
    result = run(env, "sync", "--config", str(EXAMPLE), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Validate pool sizes in CI" in result.stdout
    assert "unowned" in result.stdout and "vague" in result.stdout
    assert not state.exists(), "a dry run must not create the state directory or database"


def test_dry_run_json_lists_items_as_the_contract_says(tmp_path: Path) -> None:
    env = {"SYNCD_STATE_DIR": str(tmp_path / "state")}
    result = run(env, "sync", "--config", str(EXAMPLE), "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    team = json.loads(result.stdout)["teams"]["payments"]
    assert team["errors"] == []
    items = {i["title"]: i for i in team["items"]}
    assert all(set(i) >= ITEM_KEYS for i in items.values())
    alert = items["Alert on checkout 5xx rate above 2% for 5 minutes"]
    assert alert["assignee"] == "alice" and alert["owner"] == "@alice"
    assert (alert["due"], alert["due_origin"]) == ("2026-10-01", "document")
    assert alert["status"] == "done" and alert["tracker_ref"] == "PAY-812"
    vague = items["Improve monitoring"]
    assert {"unowned", "undated", "vague"} <= set(vague["flags"])
    assert vague["due_origin"] == "policy"
    runbook = items["Write a runbook for connection pool exhaustion"]
    assert "ambiguous_date" in runbook["flags"] and runbook["assignee"] == "dave"
    recorded = [op for op in team["plan"] if op["target"] == "state_store"]
    assert {op["op"] for op in recorded} == {"track"}
    assert len(recorded) == len(team["items"])


def test_sync_records_items_and_a_second_sync_changes_nothing(workspace: dict[str, Any]) -> None:
    first = sync_json(workspace)["teams"]["payments"]
    assert first["tracked"] == 4 and first["errors"] == []
    stored = status_items(workspace)
    assert len(stored) == 4
    by_title = {i["title"]: i for i in stored}
    assert by_title["Roll back the pool size change"]["status"] == "done"
    assert by_title["Validate pool sizes in CI against the documented minimum"]["assignee"] == "bob"
    assert "unowned" in by_title["Write a runbook for connection pool exhaustion"]["flags"]
    # Open items are mirrored (done ones are not, by default) and status shows their issues.
    mirrored = {i["title"]: i["tracker_ref"] for i in stored if i.get("issue")}
    assert len(mirrored) == 3 and all(key.startswith("PAY-") for key in mirrored.values())
    assert first["created"] == 3
    status = run(workspace["env"], "status", "--config", str(workspace["config"]), "--json")
    progress = json.loads(status.stdout)["teams"]["payments"]["mirror"]
    assert progress == {"to_mirror": 3, "mirrored": 3, "creates_in_flight": 0}
    second = sync_json(workspace)["teams"]["payments"]
    assert (second["tracked"], second["changed"], second["orphaned"]) == (0, 0, 0)
    assert (second["created"], second["updated"]) == (0, 0)
    dry = sync_json(workspace, "--dry-run")["teams"]["payments"]
    assert dry["plan"] == []


def test_edits_keep_ids_new_items_are_tracked_and_removed_ones_orphaned(
    workspace: dict[str, Any],
) -> None:
    sync_json(workspace)
    before = {i["title"]: i["id"] for i in status_items(workspace)}
    edited = """\
---
title: Checkout outage
date: 2026-09-14
---
# Checkout outage

## Action items

- [ ] Validate pool sizes in CI against the documented minimum value (owner: Bob Jones)
- [ ] Alert on checkout 5xx rate above 2% for 5 minutes @bob due 2026-10-15

## Follow-ups

- [x] Roll back the pool size change @alice
- [ ] Load test checkout at 3x peak before Black Friday @alice
"""
    (workspace["docs"] / "2026-09-14-checkout.md").write_text(edited, encoding="utf-8")
    plan = sync_json(workspace, "--dry-run")["teams"]["payments"]["plan"]
    kinds = sorted(op["op"] for op in plan if op["target"] == "state_store")
    assert kinds == ["orphan", "track", "update", "update", "update"]  # reworded, reassigned, moved
    sync_json(workspace)
    after = {i["title"]: i for i in status_items(workspace)}
    reworded = "Validate pool sizes in CI against the documented minimum value"
    assert (
        after[reworded]["id"] == before["Validate pool sizes in CI against the documented minimum"]
    )
    alert = after["Alert on checkout 5xx rate above 2% for 5 minutes"]
    assert alert["id"] == before["Alert on checkout 5xx rate above 2% for 5 minutes"]
    assert (alert["assignee"], alert["due"]) == ("bob", "2026-10-15")
    moved = after["Roll back the pool size change"]
    assert moved["id"] == before["Roll back the pool size change"]
    assert moved["section"] == "Follow-ups"
    new = after["Load test checkout at 3x peak before Black Friday"]
    assert new["id"] not in before.values()
    gone = after["Write a runbook for connection pool exhaustion"]
    assert "orphaned" in gone["flags"]


def test_a_lost_state_store_finds_the_same_ids_again(tmp_path: Path, jira: FakeJira) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2026-09-14-checkout.md").write_text(CHECKOUT, encoding="utf-8")
    config = tmp_path / "config"
    write_team(config, docs=docs, jira=jira.url)
    ids = []
    for attempt in range(2):
        env = {"SYNCD_STATE_DIR": str(tmp_path / f"state-{attempt}"), "JIRA_TOKEN": JIRA_TOKEN}
        result = run(env, "sync", "--config", str(config), "--json")
        assert result.exit_code == 0, result.output
        status = run(env, "status", "--config", str(config), "--json")
        ids.append(sorted(i["id"] for i in json.loads(status.stdout)["teams"]["payments"]["items"]))
    assert ids[0] == ids[1] and len(ids[0]) == 4


MALFORMED_TABLE = """\
# Search outage

## Action items

| Action | Owner | Due |
|---|---|---|
| Add a shard-health alert | @alice | 2026-12-01 | an extra cell |
| Raise the indexer heap to 8 GB | Bob Jones | 2026-12-15 |
"""


def test_bad_documents_are_reported_and_the_rest_is_read(workspace: dict[str, Any]) -> None:
    docs: Path = workspace["docs"]
    latin1 = "# Caf\xe9\n\n## Action items\n\n- [ ] x @alice\n".encode("latin-1")
    (docs / "latin1.md").write_bytes(latin1)
    (docs / "blob.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00binary")
    (docs / "huge.md").write_text(CHECKOUT + "x" * (5 * 1024 * 1024), encoding="utf-8")
    (docs / "loop").mkdir()
    (docs / "loop" / "again").symlink_to(docs, target_is_directory=True)
    (docs / "search.md").write_text(MALFORMED_TABLE, encoding="utf-8")
    result = run(workspace["env"], "sync", "--config", str(workspace["config"]), "--json")
    assert result.exit_code == 1, result.output
    team = json.loads(result.stdout)["teams"]["payments"]
    skipped = {e["document"]: e["error"] for e in team["errors"] if "severity" not in e}
    assert set(skipped) == {"latin1.md", "blob.md", "huge.md", "loop/again"}
    assert "UTF-8" in skipped["latin1.md"] and "max_document_bytes" in skipped["huge.md"]
    (warning,) = [e for e in team["errors"] if e.get("severity") == "warning"]
    assert (warning["document"], warning["line"]) == ("search.md", 7)
    # Everything else is read: the checkout postmortem and both rows of the malformed table.
    assert team["tracked"] == 6


def test_a_failing_source_does_not_stop_another_team(tmp_path: Path, jira: FakeJira) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2026-09-14-checkout.md").write_text(CHECKOUT, encoding="utf-8")
    config = tmp_path / "config"
    write_team(config, docs=docs, jira=jira.url)
    write_team(config, docs=tmp_path / "missing", jira=jira.url, team="search")
    env = {"SYNCD_STATE_DIR": str(tmp_path / "state"), "JIRA_TOKEN": JIRA_TOKEN}
    result = run(env, "sync", "--config", str(config), "--json")
    assert result.exit_code == 1
    teams = json.loads(result.stdout)["teams"]
    assert teams["payments"]["tracked"] == 4 and teams["payments"]["errors"] == []
    assert teams["search"]["errors"][0]["source"] == "pm"


def test_a_configuration_error_names_file_line_and_key_and_does_nothing(tmp_path: Path) -> None:
    config = tmp_path / "config"
    team_file = write_team(config, docs=tmp_path, jira="https://example.atlassian.net")
    team_file.write_text(team_file.read_text().replace("project: PAY", "projekt: PAY"))
    state = tmp_path / "state"
    result = run({"SYNCD_STATE_DIR": str(state)}, "sync", "--config", str(config))
    assert result.exit_code == 2
    assert "teams/payments.yaml:12: tracker.projekt: unknown key" in result.stderr
    assert not state.exists()


def test_an_unknown_team_is_a_usage_error(workspace: dict[str, Any]) -> None:
    result = run(workspace["env"], "sync", "--config", str(workspace["config"]), "--team", "nope")
    assert result.exit_code == 2
    assert "no team 'nope'" in result.stderr


def test_check_validates_and_online_reads_the_sources(workspace: dict[str, Any]) -> None:
    config = str(workspace["config"])
    result = run(workspace["env"], "check", "--config", config)
    assert result.exit_code == 0 and "configuration OK: 1 team" in result.stdout
    online = run(workspace["env"], "check", "--config", config, "--online")
    assert online.exit_code == 0 and "1 document(s) readable" in online.stdout
    shutil.rmtree(workspace["docs"])
    broken = run(workspace["env"], "check", "--config", config, "--online")
    assert broken.exit_code == 1 and "failed" in broken.stdout


def test_schema_command_prints_the_shipped_schema() -> None:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    shipped = json.loads((EXAMPLE / "team.schema.json").read_text(encoding="utf-8"))
    assert json.loads(result.stdout) == shipped


def test_check_online_verifies_the_tracker_with_its_credentials(
    workspace: dict[str, Any],
) -> None:
    config = str(workspace["config"])
    good = run(workspace["env"], "check", "--config", config, "--online")
    assert good.exit_code == 0, good.output
    assert "ok payments tracker (jira)" in good.stdout and "project PAY" in good.stdout
    wrong = {**workspace["env"], "JIRA_TOKEN": "not-the-token"}
    refused = run(wrong, "check", "--config", config, "--online")
    assert refused.exit_code == 1
    assert "failed payments tracker (jira)" in refused.stdout
    assert "not-the-token" not in refused.output
