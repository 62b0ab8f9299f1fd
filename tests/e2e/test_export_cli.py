"""``syncd export`` end to end: real syncs against the fake Jira on moved days, then the items
with their lifecycle and the team's figures as CSV and JSON; a title written as a spreadsheet
formula is never exported as one."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from pathlib import Path

import pytest

from tests.e2e.workspaces import JiraWorkspace
from tests.fakes.jira.server import FakeJira
from tests.support import syncd_process

DOCUMENT = textwrap.dedent("""\
    ---
    title: Checkout outage
    date: 2026-11-20
    ---
    # Checkout outage

    ## Action items

    - [ ] Rotate the signing keys @alice due 2026-12-01
    - [ ] =HYPERLINK("http://evil.example","click") @carol due 2026-12-20
    - [ ] Add an alert on the error budget @alice due 2026-11-25
    - [x] Revert the bad deploy @carol due 2026-11-20
    """)


def _run(ws: JiraWorkspace, now: str, *args: str) -> str:
    done = syncd_process.run(
        [*args, "--config", str(ws.config)],
        env={**ws.env(), "SYNCD_TEST_NOW": now},
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr.decode(errors="replace")[-2000:]
    return done.stdout.decode()


def test_items_and_figures_export_as_csv_and_json(tmp_path: Path) -> None:
    with FakeJira("cloud") as jira:
        ws = JiraWorkspace(tmp_path, jira)
        (ws.root / "docs").mkdir(parents=True)
        (ws.root / "docs" / "2026-11-20-checkout.md").write_text(DOCUMENT, encoding="utf-8")
        ws.write_config()
        _run(ws, "2026-11-21T09:00:00Z", "sync")
        with jira.state.lock:
            keys = {i.summary: i.key for i in jira.state.issues.values()}
        jira.state.transition(keys["Add an alert on the error budget"], "Done")
        _run(ws, "2026-11-24T09:00:00Z", "sync")  # done a day before its due date

        rows = list(csv.DictReader(io.StringIO(_run(ws, "2026-12-04T09:00:00Z", "export"))))
        by_title = {row["title"]: row for row in rows}
        assert len(rows) == 4
        alert = by_title["Add an alert on the error budget"]
        assert (alert["status"], alert["done"], alert["on_time"]) == ("done", "2026-11-24", "yes")
        assert alert["days_open"] == "4" and alert["issue"].startswith("PAY-")
        rotate = by_title["Rotate the signing keys"]
        assert (rotate["status"], rotate["due"], rotate["on_time"]) == ("open", "2026-12-01", "")
        assert rotate["days_open"] == "14" and rotate["assignee"] == "alice"
        [formula] = [row["title"] for row in rows if "HYPERLINK" in row["title"]]
        assert formula.startswith("'="), "a title was exported as a spreadsheet formula"

        exported = json.loads(_run(ws, "2026-12-04T09:00:00Z", "export", "--format", "json"))
        figures = exported["teams"]["payments"]["figures"]
        assert (figures["items"], figures["done"]) == (4, 2)
        assert figures["completion_rate"] == 0.5
        assert figures["on_time_rate"] == 1.0
        assert figures["overdue_by_age"] == {"1-7d": 1, "8-30d": 0, "31-90d": 0, "over_90d": 0}
        [item] = [i for i in exported["teams"]["payments"]["items"] if "HYPERLINK" in i["title"]]
        assert item["title"].startswith("=")  # JSON keeps the text as written

        table = list(
            csv.DictReader(io.StringIO(_run(ws, "2026-12-04T09:00:00Z", "export", "--figures")))
        )
        assert table[0]["team"] == "payments" and table[0]["overdue_1-7d"] == "1"

        later = _run(ws, "2026-12-04T09:00:00Z", "export", "--since", "2026-11-25")
        titles = {row["title"] for row in csv.DictReader(io.StringIO(later))}
        assert "Add an alert on the error budget" not in titles  # done before that day
        assert "Rotate the signing keys" in titles


def test_export_is_utf8_whatever_the_terminal_encoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A title in another script reaches a spreadsheet intact even from an ASCII-only shell."""
    title = "Überwachung für die Zahlungs-Warteschlange einrichten ✅ café"
    with FakeJira("cloud") as jira:
        ws = JiraWorkspace(tmp_path, jira)
        (ws.root / "docs").mkdir(parents=True)
        (ws.root / "docs" / "2026-11-20-queue.md").write_text(
            f"# Queue outage\n\n## Action items\n\n- [ ] {title} @alice due 2026-12-01\n",
            encoding="utf-8",
        )
        ws.write_config()
        _run(ws, "2026-11-21T09:00:00Z", "sync")
        # A fresh interpreter: the stream encoding is fixed when Python starts.
        monkeypatch.setenv(syncd_process.EXEC_ENV, "1")
        done = syncd_process.run(
            ["export", "--config", str(ws.config)],
            env={**ws.env(), "SYNCD_TEST_NOW": "2026-11-22T09:00:00Z", "PYTHONIOENCODING": "ascii"},
            capture_output=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
        [row] = list(csv.DictReader(io.StringIO(done.stdout.decode("utf-8"))))
        assert row["title"].startswith("Überwachung für die Zahlungs-Warteschlange")
        assert row["title"].endswith("café")
