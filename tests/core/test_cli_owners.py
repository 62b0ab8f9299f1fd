"""``syncd sync --dry-run`` on owners as people write them: several owners, a trailing full stop,
"nobody yet", a Kafka proposal beside the team's issue keys, and ``**Title**: body`` bullets."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.core.cli_dry_run import dry_run

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
DOCUMENT = "2026-11-09-broker-disk-pressure.md"


def _config(tmp_path: Path, tracker: str) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(CORPUS / DOCUMENT, docs / DOCUMENT)
    teams = tmp_path / "config" / "teams"
    teams.mkdir(parents=True)
    (teams / "bus.yaml").write_text(
        textwrap.dedent(f"""\
            team: bus
            sources:
              - {{name: pm, type: markdown, path: ../../docs}}
            {tracker}
            people:
              mateo: {{aliases: ["Mateo Ruiz"]}}
              hana: {{aliases: ["Hana Sato"]}}
              priya: {{aliases: ["Priya Raman"]}}
            """),
        encoding="utf-8",
    )
    return tmp_path / "config"


JIRA = (
    'tracker: {type: jira, url: "https://acme.atlassian.net", project: PAY, '
    'auth: {email: bot@acme.com, token: "${JIRA_TOKEN:-}"}}'
)
GITHUB = 'tracker: {type: github, repo: acme/bus, token: "${GITHUB_TOKEN:-}"}'


@pytest.fixture
def items(tmp_path: Path) -> dict[str, dict[str, Any]]:
    result = dry_run(_config(tmp_path, JIRA), "--json")
    listed = json.loads(result.stdout)["teams"]["bus"]["items"]
    return {item["title"]: item for item in listed}


def _owners(item: dict[str, Any]) -> tuple[str | None, list[str | None]]:
    return item["assignee"], [c["assignee"] for c in item["co_owners"]]


@pytest.mark.parametrize(
    ("title", "assignee", "co_owners"),
    [
        ("Enable tiered storage on the payments cluster", "mateo", ["hana"]),
        ("Size retention from the last 90 days of volume", "mateo", ["hana"]),
        ("Capacity review", "hana", ["mateo"]),
        ("Upgrade the brokers to 3.9", "mateo", ["priya"]),
        ("Document the manual retention change in the bus runbook", "hana", ["mateo"]),
        ("Replay the settlement backlog check in the next game day.", "priya", ["mateo"]),
        ("Alert on broker disk usage above 75% for 10 minutes", "hana", []),
    ],
)
def test_several_owners_are_an_assignee_and_co_owners(
    items: dict[str, dict[str, Any]], title: str, assignee: str, co_owners: list[str]
) -> None:
    assert _owners(items[title]) == (assignee, co_owners)
    assert "unowned" not in items[title]["flags"]


def test_a_trailing_full_stop_is_not_part_of_the_owner(items: dict[str, dict[str, Any]]) -> None:
    item = items["Alert on broker disk usage above 75% for 10 minutes"]
    assert (item["owner"], item["owner_unresolved"]) == ("hana", None)


def test_nobody_yet_is_no_owner(items: dict[str, dict[str, Any]]) -> None:
    item = items["Move the disk alerts to the payments-oncall rotation"]
    assert item["assignee"] is None and item["co_owners"] == []
    assert "unowned" in item["flags"]


def test_a_kafka_proposal_is_not_an_issue_of_the_team(items: dict[str, dict[str, Any]]) -> None:
    assert items["Upgrade the brokers to 3.9"]["tracker_ref"] is None


def test_a_bold_title_is_judged_with_its_body(items: dict[str, dict[str, Any]]) -> None:
    assert "vague" not in items["Capacity review"]["flags"]


def test_a_listed_project_makes_its_keys_references(tmp_path: Path) -> None:
    tracker = JIRA.replace("project: PAY,", "project: PAY, reference_projects: [KIP],")
    listed = json.loads(dry_run(_config(tmp_path, tracker), "--json").stdout)["teams"]["bus"]
    upgrade = next(i for i in listed["items"] if i["title"] == "Upgrade the brokers to 3.9")
    assert upgrade["tracker_ref"] == "KIP-405"


def test_a_github_team_takes_no_jira_key_as_a_reference(tmp_path: Path) -> None:
    listed = json.loads(dry_run(_config(tmp_path, GITHUB), "--json").stdout)["teams"]["bus"]
    assert all(item["tracker_ref"] is None for item in listed["items"])


def test_the_table_shows_co_owners_beside_the_assignee(tmp_path: Path) -> None:
    table = dry_run(_config(tmp_path, JIRA)).stdout
    line = next(row for row in table.splitlines() if "Enable tiered storage" in row)
    assert "mateo + hana" in line
    nobody = next(row for row in table.splitlines() if "Move the disk alerts" in row)
    assert "—" in nobody and "unowned" in nobody
    assert "with an owner not in the people map" not in table
