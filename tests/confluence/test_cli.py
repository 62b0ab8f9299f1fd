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
from tests.confluence.support import seed
from tests.fakes.confluence.server import FakeConfluence
from tests.fakes.jira.server import FakeJira

ALICE = "557058:2f0e4b7c-1a2b-4c3d-9e8f-000000000a11"


def _config(root: Path, wiki: FakeConfluence, jira: FakeJira) -> str:
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
tracker:
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


def _run(root: Path, wiki: FakeConfluence, jira: FakeJira, token: str, *args: str) -> Any:
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
    config = _config(tmp_path, fake_confluence, fake_jira)
    checked = _run(tmp_path, fake_confluence, fake_jira, fake_confluence.token,
                   "check", "--config", config, "--online")  # fmt: skip
    assert "ok payments/wiki: 11 document(s) readable, 0 skipped" in " ".join(
        checked.stdout.split()
    )


def test_check_online_says_the_credentials_were_refused(
    tmp_path: Path, fake_confluence: FakeConfluence, fake_jira: FakeJira
) -> None:
    seed(fake_confluence)
    fake_confluence.echo_requests = True
    config = _config(tmp_path, fake_confluence, fake_jira)
    checked = _run(tmp_path, fake_confluence, fake_jira, "a-revoked-token-value",
                   "check", "--config", config, "--online")  # fmt: skip
    said = " ".join(checked.stdout.split())
    assert checked.exit_code == 1
    assert "failed payments/wiki" in said and "refused the credentials (HTTP 401)" in said


def test_a_dry_run_lists_the_items_with_owners_resolved(
    tmp_path: Path, fake_confluence: FakeConfluence, fake_jira: FakeJira
) -> None:
    seed(fake_confluence)
    config = _config(tmp_path, fake_confluence, fake_jira)
    synced = _run(tmp_path, fake_confluence, fake_jira, fake_confluence.token,
                  "sync", "--config", config, "--dry-run", "--json")  # fmt: skip
    items = json.loads(synced.stdout)["teams"]["payments"]["items"]
    canary = next(i for i in items if i["title"].startswith("Canary configuration"))
    assert canary["assignee"] == "alice" and canary["due"] == "2026-12-15"
    assert canary["tracker_ref"] == "PAY-812"
    page = next(p for p in fake_confluence.state.pages.values() if p.title.startswith("atlas"))
    # the page's link, as a person opens it
    assert canary["document"] == f"{fake_confluence.url}/spaces/PAY/pages/{page.id}/{page.title}"
    assert len(items) == 21  # every fixture page's items (test_extraction.EXPECTED)
