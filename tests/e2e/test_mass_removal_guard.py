"""The mass-removal guard for real: ``syncd sync`` processes against the fake GitHub over loopback.

The postmortem folder is emptied (a volume not mounted), then two of its five files come back
(still 60 % missing, more than the default 50 %): each sync exits 1, orphans nothing and sends
GitHub no write, until ``--confirm-removal pm`` accepts the loss. (Acceptance after
``removal_confirm_cycles`` syncs is proven in-process: ``tests/core/test_cli_removal_guard.py``.)
GitHub's limits run 100 times faster on both sides, so the creates take no real second each.
PostgreSQL too with ``SYNCD_E2E_POSTGRES=1``; the in-process tests run on it always.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.github_teams import WRITES, GitHubTeams, Synced
from tests.e2e.workspaces import write_postmortems
from tests.fakes.github.limits import SecondaryLimits
from tests.fakes.github.server import FakeGitHub
from tests.support import syncd_process

SCALE = 100.0
DOCUMENTS = 5


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgres",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(
                    os.environ.get("SYNCD_E2E_POSTGRES") != "1",
                    reason="a second store costs CI 15 s; set SYNCD_E2E_POSTGRES=1",
                ),
            ],
        ),
    ]
)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub(secondary=SecondaryLimits().scaled(SCALE)) as running:
        yield running


def _sync(teams: GitHubTeams, *extra: str) -> Synced:
    """``syncd sync --team NAME --json [extra]`` in a process of its own."""
    process = syncd_process.popen(
        teams.command("--team", teams.names[0], "--json", *extra),
        env=teams.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    return teams.finish(process, timeout=120)


def _issues(fake: FakeGitHub, repo: str) -> dict[int, tuple[Any, ...]]:
    """Every issue of the team's repository as a person would notice a change to it."""
    with fake.state.lock:
        return {
            i.number: (i.title, i.state, i.body, i.updated, tuple(x.name for x in i.labels))
            for i in fake.state.repos[repo].issues.values()
            if not i.is_pull_request
        }


def _writes(fake: FakeGitHub) -> list[str]:
    return [r.endpoint for r in fake.requests if r.method in WRITES]


def test_an_emptied_folder_and_a_60_percent_loss_are_held_until_confirmed(
    tmp_path: Path, fake: FakeGitHub, store_url: str
) -> None:
    teams = GitHubTeams(tmp_path, fake, rate_scale=SCALE, database_url=store_url)
    teams.write(teams=1, items_per_team=1)
    name = teams.names[0]
    docs = tmp_path / "docs" / name
    shutil.rmtree(docs)
    write_postmortems(docs, DOCUMENTS, 1)

    first = _sync(teams)
    assert first.status == 0, first.stderr[-2000:]
    assert first.teams[name]["created"] == DOCUMENTS
    repo = f"acme/{name}"
    issues = _issues(fake, repo)
    assert len(issues) == DOCUMENTS

    # The folder is emptied (a volume not mounted): held.
    away = tmp_path / "away"
    away.mkdir()
    files = sorted(docs.iterdir())
    for path in files:
        path.rename(away / path.name)
    fake.clear_requests()
    empty = _sync(teams)
    assert empty.status == 1, empty.stderr[-2000:]
    result = empty.teams[name]
    assert (result["orphaned"], result["created"], result["updated"]) == (0, 0, 0)
    [error] = [e for e in result["errors"] if e.get("held")]
    assert error["error"] == (
        "source pm returned 0 of the 5 documents it had last time; their items are kept, not "
        f"orphaned. If the documents were really removed, run `syncd sync --team {name} "
        "--confirm-removal pm`; else it is accepted if the next 2 syncs find them missing too"
    )
    assert _writes(fake) == [] and _issues(fake, repo) == issues

    # Two of the five come back: 3 of 5 missing (60 %) is still more than 50 %, still held.
    for path in files[3:]:
        (away / path.name).rename(path)
    partly = _sync(teams)
    assert partly.status == 1, partly.stderr[-2000:]
    assert partly.teams[name]["orphaned"] == 0
    [error] = [e for e in partly.teams[name]["errors"] if e.get("held")]
    assert error["error"].startswith(
        "source pm returned 2 of the 5 documents it had last time (3 missing, more than "
        "max_document_loss 50 %); their items are kept, not orphaned."
    )
    assert error["error"].endswith("it is accepted if the next sync finds them missing too")
    assert _writes(fake) == [] and _issues(fake, repo) == issues

    # Confirmed: the three documents' items are orphaned, their issues left as they are.
    confirmed = _sync(teams, "--confirm-removal", "pm")
    assert confirmed.status == 0, confirmed.stderr[-2000:]
    assert confirmed.teams[name]["orphaned"] == 3
    assert [e for e in confirmed.teams[name]["errors"] if e.get("held")] == []
    assert _writes(fake) == [] and _issues(fake, repo) == issues
