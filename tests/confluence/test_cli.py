"""``syncd check --online`` and ``syncd sync --dry-run --json`` with a Confluence source: the
source's access checked, its items listed with owners resolved through the people map, and no
credential in anything printed."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from syncd.cli.app import app
from tests.confluence.support import fixture, seed
from tests.fakes.confluence.server import FakeConfluence
from tests.fakes.jira.server import FakeJira

ALICE = "557058:2f0e4b7c-1a2b-4c3d-9e8f-000000000a11"
TASKS = "task-list-with-assignees.xml"


def team_file(root: Path, wiki: FakeConfluence, jira: FakeJira, source_extra: str = "") -> str:
    team = root / "payments.yaml"
    team.write_text(
        f"""\
team: payments
sources:
  - name: wiki
    type: confluence
    url: {wiki.url}
    deployment: cloud
    auth: {{email: {wiki.email}, token: "${{CONFLUENCE_TOKEN}}"}}
    space: PAY
{source_extra}tracker:
  type: jira
  url: {jira.url}
  deployment: cloud
  auth: {{email: syncd-bot@example.com, token: "${{TRACKER_TOKEN}}"}}
  project: PAY
people:
  alice: {{confluence: "{ALICE}"}}
""",
        encoding="utf-8",
    )
    return str(team)


def run_cli(root: Path, wiki: FakeConfluence, jira: FakeJira, token: str, *args: str) -> Any:
    env = {
        "SYNCD_STATE_DIR": str(root / "state"),
        "CONFLUENCE_TOKEN": token,
        "TRACKER_TOKEN": jira.token,
    }
    result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
    output = result.stdout + result.stderr
    basic = base64.b64encode(f"{wiki.email}:{token}".encode()).decode()
    assert "Traceback" not in output
    assert token not in output and basic not in output, output
    return result


def test_check_online_reads_the_space(
    tmp_path: Path, fake_confluence: FakeConfluence, fake_jira: FakeJira
) -> None:
    seed(fake_confluence)
    config = team_file(tmp_path, fake_confluence, fake_jira)
    checked = run_cli(tmp_path, fake_confluence, fake_jira, fake_confluence.token,
                   "check", "--config", config, "--online")  # fmt: skip
    assert "ok payments/wiki: 11 document(s) readable, 0 skipped" in " ".join(
        checked.stdout.split()
    )


def test_check_online_says_the_credentials_were_refused(
    tmp_path: Path, fake_confluence: FakeConfluence, fake_jira: FakeJira
) -> None:
    seed(fake_confluence)
    fake_confluence.echo_requests = True
    config = team_file(tmp_path, fake_confluence, fake_jira)
    checked = run_cli(tmp_path, fake_confluence, fake_jira, "a-revoked-token-value",
                   "check", "--config", config, "--online")  # fmt: skip
    said = " ".join(checked.stdout.split())
    assert checked.exit_code == 1
    assert "failed payments/wiki" in said and "refused the credentials (HTTP 401)" in said


def test_a_dry_run_lists_the_items_with_owners_resolved(
    tmp_path: Path, fake_confluence: FakeConfluence, fake_jira: FakeJira
) -> None:
    seed(fake_confluence)
    config = team_file(tmp_path, fake_confluence, fake_jira)
    synced = run_cli(tmp_path, fake_confluence, fake_jira, fake_confluence.token,
                  "sync", "--config", config, "--dry-run", "--json")  # fmt: skip
    items = json.loads(synced.stdout)["teams"]["payments"]["items"]
    canary = next(i for i in items if i["title"].startswith("Canary configuration"))
    assert canary["assignee"] == "alice" and canary["due"] == "2026-12-15"
    assert canary["tracker_ref"] == "PAY-812"
    page = next(p for p in fake_confluence.state.pages.values() if p.title.startswith("atlas"))
    # the page's link, as a person opens it
    assert canary["document"] == f"{fake_confluence.url}/spaces/PAY/pages/{page.id}/{page.title}"
    assert len(items) == 21  # every fixture page's items (test_extraction.EXPECTED)


def _sync(root: Path, wiki: FakeConfluence, jira: FakeJira, config: str) -> dict[str, Any]:
    synced = run_cli(root, wiki, jira, wiki.token, "sync", "--config", config, "--json")
    team: dict[str, Any] = json.loads(synced.stdout)["teams"]["payments"]
    return team


def _status(root: Path, wiki: FakeConfluence, jira: FakeJira, config: str) -> list[Any]:
    shown = run_cli(root, wiki, jira, wiki.token, "status", "--config", config, "--json")
    items: list[Any] = json.loads(shown.stdout)["teams"]["payments"]["items"]
    return items


def test_a_reworded_task_keeps_its_issue_and_a_failed_page_orphans_nothing(
    tmp_path: Path, fake_confluence: FakeConfluence, fake_jira: FakeJira
) -> None:
    page = fake_confluence.state.add_page("PAY", "Indexing lag", fixture(TASKS))
    config = team_file(tmp_path, fake_confluence, fake_jira)
    first = _sync(tmp_path, fake_confluence, fake_jira, config)
    assert first["created"] == 2  # the third task is done: recorded, not opened
    ids = {i["title"]: i["id"] for i in _status(tmp_path, fake_confluence, fake_jira, config)}

    fake_confluence.state.edit(
        page.id, body=fixture(TASKS).replace("Add a lag alert on", "Page the on-call on lag of")
    )
    second = _sync(tmp_path, fake_confluence, fake_jira, config)
    assert second["created"] == 0 and second["updated"] == 1
    after = {i["title"]: i["id"] for i in _status(tmp_path, fake_confluence, fake_jira, config)}
    assert (
        after["Page the on-call on lag of the indexer queue"]
        == (ids["Add a lag alert on the indexer queue"])
    )

    page.restricted = True  # the page can no longer be read: reported, nothing orphaned
    fake_confluence.state.edit(page.id)  # a new version, so it is fetched again
    third = _sync(tmp_path, fake_confluence, fake_jira, config)
    assert [e["document"] for e in third["errors"]] == [
        f"{fake_confluence.url}/pages/viewpage.action?pageId={page.id}"
    ]
    items = _status(tmp_path, fake_confluence, fake_jira, config)
    assert len(items) == 3 and not any("orphaned" in i["flags"] for i in items)
