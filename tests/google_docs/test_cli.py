"""The Google Docs source through the command line: ``check --online`` and syncs that keep
each item's identity when its document is renamed and edited."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from syncd.cli.app import app
from tests.fakes.google_drive.server import FakeGoogleDrive
from tests.fakes.jira.server import FakeJira
from tests.google_docs.support import Folder

CHECKOUT = "2026-11-20 Checkout outage postmortem"
DNS = "2026-09-14 DNS resolution failures"


@pytest.fixture
def folder(fake_drive: FakeGoogleDrive, tmp_path: Path) -> Folder:
    """Two documents are enough here: each sync mirrors every item into the fake Jira."""
    return Folder(fake_drive, tmp_path, only=(CHECKOUT, DNS))


def _workspace(folder: Folder, jira: FakeJira) -> tuple[Path, dict[str, str]]:
    config = folder.tmp_path / "config"
    (config / "teams").mkdir(parents=True)
    (config / "teams" / "payments.yaml").write_text(
        textwrap.dedent(f"""\
            team: payments
            sources:
              - name: drive
                type: google_docs
                folder: {folder.folder.id}
                service_account_key: "${{GOOGLE_SA_KEY}}"
                api_url: {folder.fake.root_url}
            tracker:
              type: jira
              url: {jira.url}
              deployment: cloud
              auth: {{email: {jira.email}, token: "${{JIRA_TOKEN}}"}}
              project: PAY
            people:
              alice: {{aliases: ["Alice Smith"], email: alice@acme.com}}
            """),
        encoding="utf-8",
    )
    env = {
        "SYNCD_STATE_DIR": str(folder.tmp_path / "state"),
        "GOOGLE_SA_KEY": folder.key_json(),
        "JIRA_TOKEN": jira.token,
    }
    return config, env


def _run(env: dict[str, str], *args: str) -> Any:
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def _assert_no_key(folder: Folder, output: str) -> None:
    for line in folder.key.private_pem.splitlines()[1:-1]:
        assert line not in output


def _read_whole(result: Any) -> None:
    """Every document was read; the only errors are the fixtures' references to Jira issues
    the fake Jira does not hold (PAY-1412 ...)."""
    team = json.loads(result.stdout)["teams"]["payments"]
    assert team["documents"] == 2, result.output
    assert all("but Jira has no issue" in e["error"] for e in team["errors"]), result.output


def test_check_online_reads_the_folder(folder: Folder, fake_jira: FakeJira) -> None:
    config, env = _workspace(folder, fake_jira)
    result = _run(env, "check", "--config", str(config), "--online")
    assert "ok payments/drive: 2 document(s) readable, 0 skipped" in result.stdout
    _assert_no_key(folder, result.output)


def test_check_online_says_what_to_do_when_the_folder_is_not_shared(
    folder: Folder, fake_jira: FakeJira
) -> None:
    folder.fake.state.shared.clear()
    config, env = _workspace(folder, fake_jira)
    result = _run(env, "check", "--config", str(config), "--online")
    assert result.exit_code == 1
    assert "failed payments/drive:" in result.stdout
    assert f"share the folder with {folder.key.email} (Viewer)" in " ".join(result.stdout.split())
    _assert_no_key(folder, result.output)


def test_items_keep_their_ids_when_their_document_is_renamed_and_edited(
    folder: Folder, fake_jira: FakeJira
) -> None:
    fake_jira.state.add_user("alice@acme.com", "Alice Smith")
    config, env = _workspace(folder, fake_jira)

    def ids() -> dict[str, str]:
        result = _run(env, "status", "--config", str(config), "--json")
        items = json.loads(result.stdout)["teams"]["payments"]["items"]
        return {i["title"]: i["id"] for i in items if i["state"] != "orphaned"}

    first = _run(env, "sync", "--config", str(config), "--json")
    _read_whole(first)
    before = ids()
    file = folder.documents[CHECKOUT]
    text = file.content.replace("within 21 days", "within 30 days").replace(
        "| Audit every certificate",
        "| Renew the gateway certificate now | repair | Bob | |\n| Audit every certificate",
    )
    folder.fake.state.edit(file.id, text, name="Checkout outage (renamed)")
    second = _run(env, "sync", "--config", str(config), "--json")
    _read_whole(second)
    after = ids()
    moved = "Move the payments-gateway certificate to cert-manager"
    assert after[moved] == before[moved]
    assert (
        after["Alert on certificates expiring within 30 days"]
        == before["Alert on certificates expiring within 21 days"]
    )
    assert "Renew the gateway certificate now" in after
    _assert_no_key(folder, first.output + second.output)
