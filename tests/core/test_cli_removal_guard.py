"""The mass-removal guard through the command line, against the fake Jira, on both stores:
an emptied folder or a folder that lost most of its postmortems orphans nothing and touches no
issue until the loss is confirmed or persists."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.core.test_cli_sync import JIRA_TOKEN, run, write_team
from tests.fakes.jira.server import FakeJira

DOCUMENTS, ITEMS_PER_DOCUMENT = 5, 2


def _postmortem(number: int) -> str:
    items = "\n".join(
        f"- [ ] Cap queue {number}-{n} at {10 + n} workers @alice due 2026-12-0{n + 1}"
        for n in range(ITEMS_PER_DOCUMENT)
    )
    return (
        f"---\ntitle: Incident {number}\ndate: 2026-10-0{number + 1}\n---\n"
        f"# Incident {number}\n\n## Action items\n\n{items}\n"
    )


@pytest.fixture
def workspace(tmp_path: Path, store_url: str, fake_jira: FakeJira) -> dict[str, Any]:
    fake_jira.state.add_user("alice@example.com", "Alice Smith")
    docs = tmp_path / "docs"
    docs.mkdir()
    for number in range(DOCUMENTS):
        (docs / f"incident-{number}.md").write_text(_postmortem(number), encoding="utf-8")
    config = tmp_path / "config"
    write_team(config, docs=docs, jira=fake_jira.url)
    env = {
        "SYNCD_DATABASE_URL": store_url,
        "SYNCD_STATE_DIR": str(tmp_path / "state"),
        "JIRA_TOKEN": JIRA_TOKEN,
    }
    return {"docs": docs, "config": config, "env": env, "jira": fake_jira}


def _sync(ws: dict[str, Any], *extra: str, status: int) -> dict[str, Any]:
    result = run(ws["env"], "sync", "--config", str(ws["config"]), "--json", *extra)
    assert result.exit_code == status, result.output
    team: dict[str, Any] = json.loads(result.stdout)["teams"]["payments"]
    return team


def _status(ws: dict[str, Any]) -> dict[str, Any]:
    result = run(ws["env"], "status", "--config", str(ws["config"]), "--json")
    assert result.exit_code == 0, result.output
    team: dict[str, Any] = json.loads(result.stdout)["teams"]["payments"]
    return team


def _issues(ws: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    """Every issue as a person would notice a change to it."""
    return {
        key: (i.summary, i.status.name, i.updated, len(i.comments), tuple(i.labels), i.duedate)
        for key, i in ws["jira"].state.issues.items()
    }


def _held(team: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in team["errors"] if e.get("held")]


def test_an_emptied_folder_is_held_until_three_syncs_find_it_empty(
    workspace: dict[str, Any],
) -> None:
    first = _sync(workspace, status=0)
    assert first["created"] == DOCUMENTS * ITEMS_PER_DOCUMENT
    issues = _issues(workspace)
    shutil.rmtree(workspace["docs"])
    workspace["docs"].mkdir()  # mounted, but empty

    held = _sync(workspace, status=1)
    assert (held["orphaned"], held["created"], held["updated"], held["closed"]) == (0, 0, 0, 0)
    [error] = _held(held)
    assert error["source"] == "pm"
    assert error["error"].startswith(
        "source pm returned 0 of the 5 documents it had last time; their items are kept, "
        "not orphaned. If the documents were really removed, run "
        "`syncd sync --team payments --confirm-removal pm`"
    )
    assert error["error"].endswith("the next 2 syncs find them missing too")
    assert _issues(workspace) == issues  # no issue touched
    status = _status(workspace)
    assert [i["orphaned_at"] for i in status["items"]] == [None] * 10
    [shown] = status["held_sources"]
    assert (shown["source"], shown["cycles"], shown["documents"]) == ("pm", 1, 5)
    assert shown["message"] == error["error"]
    text = run(workspace["env"], "status", "--config", str(workspace["config"]))
    assert "payments: held since" in text.stdout and "--confirm-removal pm" in text.stdout
    dry = run(workspace["env"], "sync", "--config", str(workspace["config"]), "--dry-run")
    assert dry.exit_code == 1
    assert "held: source pm returned 0 of the 5 documents" in " ".join(dry.stdout.split())
    digest = run(workspace["env"], "digest", "--config", str(workspace["config"]), "--dry-run")
    assert digest.exit_code == 0, digest.output
    attention = digest.stdout.split("Needs attention", 1)[1]
    assert "\u26a0 source pm returned 0 of the 5 documents" in attention

    second = _sync(workspace, status=1)
    assert second["orphaned"] == 0
    assert _held(second)[0]["error"].endswith("the next sync finds them missing too")
    assert _issues(workspace) == issues

    third = _sync(workspace, status=0)  # the loss persisted: accepted
    assert third["orphaned"] == DOCUMENTS * ITEMS_PER_DOCUMENT
    assert _held(third) == []
    status = _status(workspace)
    assert all(i["orphaned_at"] is not None for i in status["items"])
    assert status["held_sources"] == []
    # Orphaning leaves issues alone, as it always has.
    assert {k: v[:2] for k, v in _issues(workspace).items()} == {
        k: v[:2] for k, v in issues.items()
    }
    # The source is empty now: an empty read is no news.
    assert _held(_sync(workspace, status=0)) == []


@pytest.mark.parametrize("backend", ["sqlite"])  # PostgreSQL: the test above, and the e2e one
def test_losing_60_percent_is_held_until_confirmed_and_a_small_loss_is_not(
    workspace: dict[str, Any],
) -> None:
    _sync(workspace, status=0)
    issues = _issues(workspace)
    docs: Path = workspace["docs"]
    for number in (0, 1, 2):  # 3 of 5: 60 %, more than the default 50 %
        (docs / f"incident-{number}.md").unlink()

    dry = _sync(workspace, "--dry-run", status=1)
    assert [op for op in dry["plan"] if op["op"] == "orphan"] == []
    held = _sync(workspace, status=1)
    assert held["orphaned"] == 0
    assert (
        "returned 2 of the 5 documents it had last time (3 missing, more than "
        in (_held(held)[0]["error"])
    )
    assert _issues(workspace) == issues
    assert _status(workspace)["held_sources"][0]["cycles"] == 1  # the dry run counted nothing

    unknown = run(
        workspace["env"], "sync", "--config", str(workspace["config"]), "--confirm-removal", "pn"
    )
    assert unknown.exit_code == 2
    assert "--confirm-removal pn: no such source (sources: pm)" in unknown.output

    confirmed = _sync(workspace, "--confirm-removal", "pm", status=0)
    assert confirmed["orphaned"] == 3 * ITEMS_PER_DOCUMENT
    assert _held(confirmed) == []
    status = _status(workspace)
    assert status["held_sources"] == []
    gone = {i["path"] for i in status["items"] if i["orphaned_at"] is not None}
    assert gone == {"incident-0.md", "incident-1.md", "incident-2.md"}

    # 1 of the 2 left is 50 %: not more than the share, believed at once.
    (docs / "incident-3.md").unlink()
    small = _sync(workspace, status=0)
    assert small["orphaned"] == ITEMS_PER_DOCUMENT and _held(small) == []


@pytest.mark.parametrize("backend", ["sqlite"])  # the settings are no store's business
def test_the_share_and_the_cycles_are_each_sources_settings(workspace: dict[str, Any]) -> None:
    team_file = workspace["config"] / "teams" / "payments.yaml"
    text = team_file.read_text(encoding="utf-8")
    team_file.write_text(
        text.replace(
            "    type: markdown\n",
            "    type: markdown\n    max_document_loss: 0.2\n    removal_confirm_cycles: 2\n",
        ),
        encoding="utf-8",
    )
    _sync(workspace, status=0)
    (workspace["docs"] / "incident-0.md").unlink()
    (workspace["docs"] / "incident-1.md").unlink()  # 40 %, more than 20 %
    held = _sync(workspace, status=1)
    assert held["orphaned"] == 0
    assert _held(held)[0]["error"].endswith("the next sync finds them missing too")
    accepted = _sync(workspace, status=0)
    assert accepted["orphaned"] == 2 * ITEMS_PER_DOCUMENT

    team_file.write_text(
        text.replace("    type: markdown\n", "    type: markdown\n    max_document_loss: 2\n"),
        encoding="utf-8",
    )
    bad = run(workspace["env"], "sync", "--config", str(workspace["config"]))
    assert bad.exit_code == 2
    assert "sources[0].max_document_loss: must be at most 1" in bad.output
