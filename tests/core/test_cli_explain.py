"""``syncd sync --dry-run --explain``: why each item was taken and each candidate skipped; and an
owner written before the action resolved through the people map's teams to the team's lead."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.core.cli_dry_run import dry_run

DOCUMENT = """\
# Cache stampede

## Timeline

- 10:02 paged the on-call
- 10:05 restarted the cache

## Lessons learned

**Follow-up actions:**

- Storage squad: rotate the cache keys
- [Add a dashboard](https://example.org/x) for queue lag

**What we did:**

- Flushed the cache

## Action items

| Notes | Comments |
|---|---|
| a | b |
"""


def _config(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "2026-02-10-cache-stampede.md").write_text(DOCUMENT, encoding="utf-8")
    teams = tmp_path / "config" / "teams"
    teams.mkdir(parents=True)
    (teams / "cache.yaml").write_text(
        textwrap.dedent("""\
            team: cache
            sources:
              - {name: pm, type: markdown, path: ../../docs}
            tracker: {type: github, repo: acme/cache, token: "${GITHUB_TOKEN:-}"}
            people:
              kofi: {aliases: ["Kofi Mensah"]}
              storage: {aliases: ["Storage squad"], lead: kofi}
            """),
        encoding="utf-8",
    )
    return tmp_path / "config"


@pytest.fixture
def team(tmp_path: Path) -> dict[str, Any]:
    listed = json.loads(dry_run(_config(tmp_path), "--json", "--explain", columns=200).stdout)
    entry: dict[str, Any] = listed["teams"]["cache"]
    return entry


def test_json_explains_every_item_taken_and_every_candidate_skipped(team: dict[str, Any]) -> None:
    [document] = team["explain"]
    assert document["document"] == "2026-02-10-cache-stampede.md"
    steps = document["steps"]
    taken = [(s["line"], s["what"], s["section"]) for s in steps if s["taken"]]
    assert taken == [
        (12, "rotate the cache keys", "Follow-up actions"),
        (13, "Add a dashboard for queue lag", "Follow-up actions"),
        (17, "Flushed the cache", "What we did"),
    ]
    rules = {s["line"]: s["rule"] for s in steps}
    assert rules[12] == "list item under a bold action label"
    assert "actions taken" in rules[17]
    skipped = {(s["line"], s["what"]): s["rule"] for s in steps if not s["taken"]}
    assert "tells the story" in skipped[(5, "list")]
    assert "no column of its header names the action" in skipped[(21, "table")]
    # Each step is plain data, and the items listed are the ones the steps took.
    assert {s["what"] for s in steps if s["taken"]} == {i["title"] for i in team["items"]}


def test_without_the_flag_there_is_no_explain(tmp_path: Path) -> None:
    listed = json.loads(dry_run(_config(tmp_path), "--json").stdout)
    assert "explain" not in listed["teams"]["cache"]


def test_text_output_names_the_section_and_the_rule(tmp_path: Path) -> None:
    out = dry_run(_config(tmp_path), "--explain", columns=200).stdout
    assert "why: team cache" in out
    assert (
        'line 12: took "rotate the cache keys" in "Follow-up actions": list item under a bold'
        in out
    )
    assert 'line 5: skipped the list in "Timeline": this section tells the story' in out


def test_a_team_written_before_the_action_is_assigned_to_its_lead(team: dict[str, Any]) -> None:
    item = next(i for i in team["items"] if i["title"] == "rotate the cache keys")
    assert (item["owner"], item["assignee"]) == ("Storage squad", "kofi")
    assert "unowned" not in item["flags"]
    taken = next(i for i in team["items"] if i["title"] == "Flushed the cache")
    assert taken["status"] == "done"
