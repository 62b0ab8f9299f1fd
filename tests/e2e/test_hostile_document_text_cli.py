"""Document text quoted in the parts of an issue that syncd writes for a postmortem as a
whole, for real: ``syncd sync`` against the fake GitHub and the fake Jira Data Center.

A service named ``@org/team`` in the recurrence line, a postmortem titled with ``#123`` and
``<img>`` in a follow-up review, item titles with ``@bob``: on GitHub they must mention, link and
open HTML nothing (a zero-width space after ``@``, ``#``, ``&``, ``<``; Markdown punctuation
escaped), on Jira Data Center format nothing in wiki markup; the issue keys syncd lists stay
live. A quiet sync after writes nothing (the quoted text reads back as written).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.workspaces import GitHubWorkspace, JiraWorkspace, Workspace
from tests.fakes.github.server import FakeGitHub, SecondaryLimits
from tests.fakes.jira.server import FakeJira

ZWSP = "\u200b"
SERVICE = "@org/team"
TITLE = "Outage <img src=x onerror=alert(1)> see #123 & @org/team"


def _postmortem(folder: Path, day: str, title: str, action: str) -> None:
    (folder / f"{day}-pm.md").write_text(
        f"---\ntitle: '{title}'\ndate: {day}\nservice: '{SERVICE}'\n---\n# x\n\n"
        f"## Action items\n\n- [ ] {action} @alice due 2026-12-01\n",
        encoding="utf-8",
    )


@pytest.fixture(params=["github", "jira-datacenter"])
def workspace(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Workspace]:
    docs = tmp_path / "docs"
    docs.mkdir()
    _postmortem(docs, "2026-09-01", "Earlier outage", "Cap retries")
    if request.param == "github":
        with FakeGitHub(secondary=SecondaryLimits.off()) as github:
            ws: Workspace = GitHubWorkspace(tmp_path, github)
            _configure(ws)
            yield ws
    else:
        with FakeJira("datacenter") as jira:
            ws = JiraWorkspace(tmp_path, jira, mode="datacenter")
            _configure(ws)
            yield ws


def _configure(ws: Workspace) -> None:
    ws.write_config()
    with (ws.config / "teams" / "payments.yaml").open("a", encoding="utf-8") as out:
        out.write("policy:\n  review_issues: true\n")


def bodies(ws: Workspace) -> dict[str, tuple[str, str]]:
    if isinstance(ws, GitHubWorkspace):
        return {i.title: (ws.key_of(i), i.body or "") for i in ws.issues()}
    assert isinstance(ws, JiraWorkspace)
    with ws.fake.state.lock:
        return {i.summary: (i.key, str(i.description)) for i in ws.fake.state.issues.values()}


def test_recurrence_and_review_quote_document_text_and_keep_keys_live(
    workspace: Workspace,
) -> None:
    assert workspace.sync()["errors"] == []
    earlier_key = bodies(workspace)["Cap retries"][0]
    _postmortem(workspace.root / "docs", "2026-10-20", TITLE, "Page ops on #ops")
    second = workspace.sync()
    assert second["errors"] == []
    found = bodies(workspace)
    item_key, item_body = found["Page ops on #ops"]
    [recurring] = [line for line in item_body.splitlines() if line.startswith("Recurring:")]
    [review] = [b for t, (_, b) in found.items() if t.startswith("Follow-up review: Outage")]
    if isinstance(workspace, GitHubWorkspace):
        assert f"on @{ZWSP}org/team: {earlier_key}" in recurring  # the key stays a link
        assert "<img" not in review and f"<{ZWSP}img" in review
        assert "@org" not in review and "#123" not in review and "#ops" not in review
        assert f"#{ZWSP}123" in review and f"#{ZWSP}ops" in review
        assert f"{item_key}: Page" in review  # the item's key stays a link
    else:
        assert f"on @org/team: {earlier_key}" in recurring  # nothing special in wiki
        assert "\\#123" in review and "\\#ops" in review
        assert f"{item_key}: Page" in review  # the key stays an issue link
    quiet = workspace.sync()
    assert (quiet["created"], quiet["updated"], quiet["errors"]) == (0, 0, [])
