"""Garbage at random, for real: ``syncd sync`` processes against the fakes while 30 % of the
requests are answered with a success status and an HTML page, broken JSON, JSON without the
expected fields or ``{}`` (most of them after the request took effect, the hard case).

Every action item ends on exactly one issue, every request syncd sent is one the published API
allows, and no run prints a traceback or a credential.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.e2e import github_workspace, jira_workspace
from tests.fakes.faults import GARBAGE_KINDS
from tests.fakes.github.contract import validate_requests as github_requests_valid
from tests.fakes.github.limits import SecondaryLimits
from tests.fakes.github.server import FakeGitHub
from tests.fakes.jira.contract import validate_requests as jira_requests_valid
from tests.fakes.jira.server import FakeJira

RATE, SEED, CYCLES = 0.3, 11, 12


def _sync(command: list[str], env: dict[str, str], secret: str) -> dict[str, Any]:
    done = subprocess.run(command, env=env, capture_output=True, timeout=300, check=False)
    output = (done.stdout + done.stderr).decode(errors="replace")
    assert done.returncode in (0, 1), output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    assert secret not in output
    result: dict[str, Any] = json.loads(done.stdout)["teams"]["payments"]
    return result


def _converge(
    sync: Callable[[], dict[str, Any]], mirrored: Callable[[], int], items: int
) -> list[str]:
    """Sync until every item is mirrored (or CYCLES ran); the errors the runs reported."""
    errors: list[str] = []
    for _cycle in range(CYCLES):
        errors += [e["error"] for e in sync()["errors"]]
        if mirrored() == items:
            break
    return errors


def test_jira_garbage_at_random_converges_without_duplicates(tmp_path: Path) -> None:
    documents, per_document = 4, 6
    with FakeJira("cloud") as fake:
        ws = jira_workspace.JiraWorkspace(tmp_path, fake)
        jira_workspace.write_postmortems(tmp_path / "docs", documents, per_document)
        ws.write_config()
        fake.faults.random(rate=RATE, kinds=GARBAGE_KINDS, seed=SEED)

        def sync() -> dict[str, Any]:
            return _sync(ws.command("--json"), ws.env(), fake.token)

        errors = _converge(sync, lambda: len(ws.issues_per_marker()), documents * per_document)
        assert any(r.fault in GARBAGE_KINDS for r in fake.requests)
        fake.faults.clear()
        sync()

        per_marker = ws.issues_per_marker()
        assert {m: n for m, n in per_marker.items() if n > 1} == {}
        assert len(per_marker) == len(fake.state.issues) == documents * per_document
        assert jira_requests_valid(fake.requests) == []
    assert any("but with" in e for e in errors), errors


def test_github_garbage_at_random_converges_without_duplicates(tmp_path: Path) -> None:
    documents, per_document = 2, 4
    with FakeGitHub(secondary=SecondaryLimits.off()) as fake:
        ws = github_workspace.GitHubWorkspace(tmp_path, fake)
        github_workspace.write_postmortems(tmp_path / "docs", documents, per_document)
        ws.write_config()
        fake.faults.random(rate=RATE, kinds=GARBAGE_KINDS, seed=SEED)

        def sync() -> dict[str, Any]:
            return _sync(ws.command("--json"), ws.env(), fake.token)

        errors = _converge(sync, lambda: len(ws.issues_per_marker()), documents * per_document)
        assert any(r.fault in GARBAGE_KINDS for r in fake.requests)
        fake.faults.clear()
        sync()

        per_marker = ws.issues_per_marker()
        assert {m: n for m, n in per_marker.items() if n > 1} == {}
        assert len(per_marker) == len(ws.issues()) == documents * per_document
        assert github_requests_valid(fake.requests) == []
    assert any("but with" in e for e in errors), errors
