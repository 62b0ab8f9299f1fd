"""Garbage at random, for real: ``syncd sync`` processes against the fakes while 30 % of the
requests are answered with a success status and an HTML page, broken JSON, JSON without the
expected fields or ``{}`` (most of them after the request took effect, the hard case).

Every action item ends on exactly one issue, every request syncd sent is one the published API
allows, and no run prints a traceback or a credential.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.e2e import github_workspace, jira_workspace
from tests.fakes.faults import GARBAGE_KINDS, Fault
from tests.fakes.github.contract import validate_requests as github_requests_valid
from tests.fakes.github.limits import SecondaryLimits
from tests.fakes.github.server import FakeGitHub
from tests.fakes.jira.contract import validate_requests as jira_requests_valid
from tests.fakes.jira.server import FakeJira
from tests.support import syncd_process
from tests.support.proofs import rounds

RATE, SEED = 0.3, 11
CYCLES = rounds(ci=5, full=8)


def _sync(command: list[str], env: dict[str, str], secret: str) -> dict[str, Any]:
    done = syncd_process.run(command, env=env, capture_output=True, timeout=300, check=False)
    output = (done.stdout + done.stderr).decode(errors="replace")
    assert done.returncode in (0, 1), output[-3000:]
    assert "Traceback" not in output, output[-3000:]
    assert secret not in output
    result: dict[str, Any] = json.loads(done.stdout)["teams"]["payments"]
    return result


def _grow(sync: Callable[[], dict[str, Any]], write_documents: Callable[[int], None]) -> list[str]:
    """CYCLES syncs, each after a new postmortem was added (so that every cycle creates); the
    errors the runs reported."""
    errors: list[str] = []
    for cycle in range(CYCLES):
        write_documents(cycle + 1)
        errors += [e["error"] for e in sync()["errors"]]
    return errors


def _aim_at_creates(fake: FakeJira | FakeGitHub, pattern: str) -> None:
    """Beside the random garbage, which a cycle's reads mostly take: every kind on a create
    (the 2nd, 4th, ... create request that reaches the fake), so that creates are hit for sure."""
    for number, kind in enumerate(GARBAGE_KINDS, start=1):
        fake.faults.nth("POST", pattern, 2 * number, Fault(kind))


def test_jira_garbage_at_random_never_duplicates(tmp_path: Path) -> None:
    per_document = 4
    with FakeJira("cloud") as fake:
        ws = jira_workspace.JiraWorkspace(tmp_path, fake)
        ws.write_config()
        fake.faults.random(rate=RATE, kinds=GARBAGE_KINDS, seed=SEED)
        _aim_at_creates(fake, "/rest/api/*/issue/bulk")

        def sync() -> dict[str, Any]:
            return _sync(ws.command("--json"), ws.env(), fake.token)

        errors = _grow(
            sync, lambda n: jira_workspace.write_postmortems(tmp_path / "docs", n, per_document)
        )
        garbage = [r for r in fake.requests if r.fault in GARBAGE_KINDS]
        assert any(r.path.endswith("/issue/bulk") for r in garbage)  # creates were hit
        fake.faults.clear()
        sync()

        per_marker = ws.issues_per_marker()
        assert {m: n for m, n in per_marker.items() if n > 1} == {}
        assert len(per_marker) == len(fake.state.issues) == CYCLES * per_document
        assert jira_requests_valid(fake.requests) == []
    assert any("outcome unknown" in e and "but with" in e for e in errors), errors


def test_github_garbage_at_random_never_duplicates(tmp_path: Path) -> None:
    per_document = 2
    with FakeGitHub(secondary=SecondaryLimits.off()) as fake:
        ws = github_workspace.GitHubWorkspace(tmp_path, fake)
        ws.write_config()
        fake.faults.random(rate=RATE, kinds=GARBAGE_KINDS, seed=SEED)
        _aim_at_creates(fake, "/repos/*/issues")

        def sync() -> dict[str, Any]:
            return _sync(ws.command("--json"), ws.env(), fake.token)

        errors = _grow(
            sync, lambda n: github_workspace.write_postmortems(tmp_path / "docs", n, per_document)
        )
        garbage = [r for r in fake.requests if r.fault in GARBAGE_KINDS]
        assert any(r.method == "POST" for r in garbage)  # creates were hit
        fake.faults.clear()
        sync()

        per_marker = ws.issues_per_marker()
        assert {m: n for m, n in per_marker.items() if n > 1} == {}
        assert len(per_marker) == len(ws.issues()) == CYCLES * per_document
        assert github_requests_valid(fake.requests) == []
    assert any("outcome unknown" in e and "but with" in e for e in errors), errors
