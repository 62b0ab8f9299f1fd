"""``syncd status``: the totals are the sum of the rows, in the table and in ``--json``.

The store holds an item of each state: open, done in the document, done in Jira (its row says
done while the document still says open), and orphaned (removed from its document).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from syncd.cli.app import app
from tests.core.test_cli_sync import CHECKOUT, JIRA_TOKEN, write_team
from tests.fakes.jira.server import FakeJira

ALERT = "Alert on checkout 5xx rate above 2% for 5 minutes"
RUNBOOK = "Write a runbook for connection pool exhaustion"
COLUMNS = ("id", "action item", "tracker", "owner", "due", "status", "flags")


def invoke(env: dict[str, str], *args: str) -> Any:
    result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def every_state(tmp_path: Path, store_url: str, fake_jira: FakeJira) -> tuple[dict[str, str], str]:
    """The environment and config path of a team whose store holds an item in each state."""
    fake_jira.state.add_user("alice@example.com", "Alice Smith")
    fake_jira.state.add_user("bob@example.com", "Bob Jones")
    docs = tmp_path / "docs"
    docs.mkdir()
    document = docs / "2026-09-14-checkout.md"
    document.write_text(CHECKOUT, encoding="utf-8")
    config = tmp_path / "config"
    write_team(config, docs=docs, jira=fake_jira.url)
    env = {
        "SYNCD_DATABASE_URL": store_url,
        "SYNCD_STATE_DIR": str(tmp_path / "state"),
        "JIRA_TOKEN": JIRA_TOKEN,
    }
    invoke(env, "sync", "--config", str(config), "--json")
    [alert] = [i for i in fake_jira.state.issues.values() if i.summary == ALERT]
    fake_jira.state.transition(alert.key, "Done")  # a person finished it in Jira
    document.write_text(CHECKOUT.replace(f"- [ ] {RUNBOOK}\n", ""), encoding="utf-8")
    invoke(env, "sync", "--config", str(config), "--json")
    return env, str(config)


def table_rows(text: str) -> list[dict[str, str]]:
    """The rows of a rich table, by column name (a cell folded onto more lines: its first)."""
    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if len(cells) == len(COLUMNS) and cells[0]:
            rows.append(dict(zip(COLUMNS, cells, strict=True)))
    return rows


def test_the_printed_totals_are_the_sum_of_the_rows(
    every_state: tuple[dict[str, str], str],
) -> None:
    env, config = every_state
    out = invoke(env, "status", "--config", config).stdout

    rows = table_rows(out)
    states = Counter(row["status"] for row in rows)
    assert states == {"open": 1, "done": 2, "orphaned": 1}  # one of each, two ways of done
    assert (
        f"{len(rows)} items: {states['open']} open, {states['done']} done, "
        f"{states['orphaned']} orphaned"
    ) in out
    with_issue = sum(1 for row in rows if row["status"] == "open" and row["tracker"])
    assert f"{with_issue} of {states['open']} open items have an issue" in out
    # Done in Jira while its document still says open: the row follows the tracker.
    [alert] = [row for row in rows if ALERT.startswith(row["action item"])]
    assert alert["status"] == "done" and alert["tracker"].startswith("PAY-")
    # Gone from its document: judged only as orphaned, not nagged about its owner or date.
    [runbook] = [row for row in rows if RUNBOOK.startswith(row["action item"])]
    assert (runbook["status"], runbook["flags"]) == ("orphaned", "")


def test_the_json_totals_are_the_sum_of_the_items(every_state: tuple[dict[str, str], str]) -> None:
    env, config = every_state
    team = json.loads(invoke(env, "status", "--config", config, "--json").stdout)["teams"][
        "payments"
    ]

    items, totals = team["items"], team["totals"]
    assert totals == {"items": len(items), **Counter(i["state"] for i in items)}
    assert totals == {"items": 4, "open": 1, "done": 2, "orphaned": 1}
    # Each state agrees with the contract's fields: done is the status, orphaned a flag.
    for item in items:
        assert (item["status"] == "done") == (item["state"] == "done")
        if item["state"] == "orphaned":
            assert "orphaned" in item["flags"]
    assert team["mirror"] == {
        "to_mirror": totals["open"],
        "mirrored": sum(1 for i in items if i["state"] == "open" and i.get("issue")),
        "creates_in_flight": 0,
    }
