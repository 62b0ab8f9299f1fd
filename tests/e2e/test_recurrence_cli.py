"""Recurrence on a new postmortem's items, for real: ``syncd sync`` and ``syncd status``
processes against the fake Jira and the fake GitHub over loopback.

A new postmortem on a service that an earlier one left open items on gets, in each of its
items' issues, the line "Recurring: 2 open items from 1 earlier postmortem on checkout-api:
PAY-1, PAY-2"; the earlier postmortem's items never do. The line is kept current while the
description is syncd's; a person's edit of the description wins, and a change of the
recurrence alone is then neither a write nor a conflict.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from connectors.jira.adf import adf_to_text, text_to_adf
from tests.e2e.workspaces import TRACKERS, GitHubWorkspace, Workspace, tracker_workspace
from tests.support import syncd_process

EARLIER = ("Checkout down", "Cap checkout retries", "Alert on checkout 5xx")
OTHER = ("Search slow", "Add a search latency alert")
NEW = ("Checkout down again", "Shed checkout load early", "Page on checkout saturation")
PERSONS_TEXT = "Our own notes on this one: see the capacity plan."


def _postmortem(folder: Path, day: str, service: str, title: str, *actions: str) -> None:
    items = "\n".join(f"- [ ] {a} @alice due 2026-12-01" for a in actions)
    (folder / f"{day}-{title.lower().replace(' ', '-')}.md").write_text(
        f"---\ntitle: {title}\ndate: {day}\nservice: {service}\n---\n# {title}\n\n"
        f"## Action items\n\n{items}\n",
        encoding="utf-8",
    )


@pytest.fixture(params=TRACKERS)
def workspace(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Workspace]:
    with tracker_workspace(tmp_path, request.param) as ws:
        docs = tmp_path / "docs"
        docs.mkdir()
        _postmortem(docs, "2026-09-01", "checkout-api", *EARLIER)
        _postmortem(docs, "2026-09-05", "search", *OTHER)
        ws.write_config()
        yield ws


def _add_new_postmortem(ws: Workspace) -> None:
    _postmortem(ws.root / "docs", "2026-10-20", "Checkout-API, payments-db", *NEW)


def descriptions(ws: Workspace) -> dict[str, tuple[str, str]]:
    """Each issue by title: its key and its description as text."""
    if isinstance(ws, GitHubWorkspace):
        return {i.title: (ws.key_of(i), i.body or "") for i in ws.issues()}
    with ws.fake.state.lock:
        return {
            i.summary: (i.key, adf_to_text(i.description)) for i in ws.fake.state.issues.values()
        }


def edit_description(ws: Workspace, title: str) -> None:
    """A person rewrites an issue's description (on GitHub, keeping syncd's hidden lines)."""
    if isinstance(ws, GitHubWorkspace):
        issue = ws.issue_with(title)
        hidden = [line for line in (issue.body or "").splitlines() if line.startswith("<!--")]
        person = ws.fake.state.add_user("dave-gh", "Dave")
        body = "\n".join([PERSONS_TEXT, "", *hidden])
        ws.fake.state.edit_issue(ws.fake.repo, issue.number, person, body=body)
        return
    key = descriptions(ws)[title][0]
    ws.fake.state.edit(key, description=text_to_adf(PERSONS_TEXT))


def close_issue(ws: Workspace, title: str) -> None:
    """A person closes an issue as done."""
    if isinstance(ws, GitHubWorkspace):
        person = ws.fake.state.add_user("dave-gh", "Dave")
        ws.fake.state.edit_issue(ws.fake.repo, ws.issue_with(title).number, person, state="closed")
        return
    ws.fake.state.transition(descriptions(ws)[title][0], "Done")


def status(ws: Workspace, *extra: str) -> str:
    done = syncd_process.run(
        ["status", "--config", str(ws.config), *extra],
        env=ws.env(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]
    return str(done.stdout.decode())


def by_title(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {item["title"]: item.get("recurrence") for item in items}


def test_a_new_postmortem_on_a_service_with_open_items_shows_them_in_its_issues(
    workspace: Workspace,
) -> None:
    first = workspace.sync()
    assert (first["created"], first["errors"]) == (3, [])
    earlier_keys = sorted(descriptions(workspace)[t][0] for t in EARLIER[1:])
    assert not any("Recurring:" in text for _, text in descriptions(workspace).values())

    _add_new_postmortem(workspace)
    preview = workspace.sync("--dry-run")
    wanted = {
        "service": "Checkout-API",
        "open_items": 2,
        "earlier_postmortems": [{"title": EARLIER[0], "date": "2026-09-01"}],
        "issues": earlier_keys,
    }
    # Items of the new postmortem carry it; the earlier one's and another service's do not.
    assert by_title(preview["items"]) == {
        NEW[1]: wanted,
        NEW[2]: wanted,
        EARLIER[1]: None,
        EARLIER[2]: None,
        OTHER[1]: None,
    }
    keys = ", ".join(earlier_keys)
    line = f"Recurring: 2 open items from 1 earlier postmortem on Checkout-API: {keys}"
    creates = [op for op in preview["plan"] if op.get("op") == "create"]
    assert {op["fields"]["summary"] for op in creates} == set(NEW[1:])
    assert all(line in op["fields"]["description"] for op in creates)

    second = workspace.sync()
    assert (second["created"], second["updated"], second["errors"]) == (2, 0, [])
    texts = descriptions(workspace)
    assert all(line in texts[t][1] for t in NEW[1:])
    assert not any("Recurring:" in texts[t][1] for t in (*EARLIER[1:], *OTHER[1:]))
    quiet = workspace.sync()
    assert (quiet["created"], quiet["updated"], quiet["errors"]) == (0, 0, [])

    # status shows the same, as JSON on the items and as a line per postmortem.
    shown = json.loads(status(workspace, "--json"))["teams"]["payments"]["items"]
    assert by_title(shown) == by_title(preview["items"])
    text = status(workspace)
    assert f"↻ {NEW[0]}: 2 open items from 1 earlier postmortem on Checkout-API" in text
    assert f"↻ {EARLIER[0]}:" not in text


def test_the_line_follows_the_earlier_items_but_never_a_persons_description(
    workspace: Workspace,
) -> None:
    workspace.sync()
    _add_new_postmortem(workspace)
    workspace.sync()
    edited, kept_current = NEW[1], NEW[2]
    edit_description(workspace, edited)
    after_edit = workspace.sync()
    assert (after_edit["updated"], after_edit["errors"]) == (0, []), after_edit

    close_issue(workspace, EARLIER[1])
    still_open = descriptions(workspace)[EARLIER[2]][0]
    current = f"Recurring: 1 open item from 1 earlier postmortem on Checkout-API: {still_open}"
    runs = []
    for _ in range(2):  # the closure is read in one cycle, and shown at the latest in the next
        runs.append(workspace.sync())
        if current in descriptions(workspace)[kept_current][1]:
            break
    assert current in descriptions(workspace)[kept_current][1], runs
    assert sum(r["updated"] for r in runs) == 1  # only the description that is syncd's
    # The person's text is kept, and a recurrence that moved is no conflict to report.
    assert PERSONS_TEXT in descriptions(workspace)[edited][1]
    assert "Recurring:" not in descriptions(workspace)[edited][1]
    assert [r["errors"] for r in runs] == [[] for _ in runs]
    quiet = workspace.sync()
    assert (quiet["created"], quiet["updated"], quiet["errors"]) == (0, 0, [])

    # The last earlier item done: the line goes from the description syncd still owns.
    close_issue(workspace, EARLIER[2])
    for _ in range(2):
        workspace.sync()
    assert "Recurring:" not in descriptions(workspace)[kept_current][1]
    assert PERSONS_TEXT in descriptions(workspace)[edited][1]
    final = workspace.sync()
    assert (final["created"], final["updated"], final["errors"]) == (0, 0, [])


def test_a_postmortem_naming_more_than_ten_services_is_warned_of_with_its_line(
    workspace: Workspace,
) -> None:
    docs = workspace.root / "docs"
    names = ", ".join(f"svc-{n}" for n in range(12))
    (docs / "2026-10-21-wide.md").write_text(
        f"# Wide outage\n\nSummary first.\n\nServices: {names}\n\n## Action items\n\n"
        "- [ ] Split the shared pool @alice due 2026-12-01\n",
        encoding="utf-8",
    )
    result = workspace.sync()
    warnings = [e for e in result["errors"] if e.get("document") == "2026-10-21-wide.md"]
    assert [(w["line"], w["severity"]) for w in warnings] == [(5, "warning")], warnings
    assert "12 services" in warnings[0]["error"]
    assert "svc-10, svc-11" in warnings[0]["error"]  # the names left out
