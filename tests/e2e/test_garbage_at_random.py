"""Garbage at random, for real: ``syncd sync`` processes against the fakes while 30 % of the
requests are answered with a success status and an HTML page, broken JSON, JSON without the
expected fields or ``{}`` (most of them after the request took effect, the hard case).

Every action item ends on exactly one issue, every request syncd sent is one the published API
allows, and no run prints a traceback or a credential.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.workspaces import TRACKERS, tracker_workspace, write_postmortems
from tests.fakes.faults import GARBAGE_KINDS, Fault
from tests.fakes.github.server import FakeGitHub
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


@dataclass(frozen=True)
class Creates:
    per_document: int  # items a cycle's new postmortem brings (GitHub's writes are paced)
    pattern: str  # the path of a create request
    hit: Callable[[Any], bool]  # whether a logged request was a create


CREATES = {
    "jira": Creates(4, "/rest/api/*/issue/bulk", lambda r: r.path.endswith("/issue/bulk")),
    "github": Creates(2, "/repos/*/issues", lambda r: r.method == "POST"),
}


@pytest.mark.parametrize("tracker", TRACKERS)
def test_garbage_at_random_never_duplicates(tracker: str, tmp_path: Path) -> None:
    creates = CREATES[tracker]
    with tracker_workspace(tmp_path, tracker) as ws:
        fake = ws.fake
        ws.write_config()
        fake.faults.random(rate=RATE, kinds=GARBAGE_KINDS, seed=SEED)
        _aim_at_creates(fake, creates.pattern)

        def sync() -> dict[str, Any]:
            return _sync(ws.command("--json"), ws.env(), fake.token)

        errors = _grow(
            sync, lambda n: write_postmortems(tmp_path / "docs", n, creates.per_document)
        )
        garbage = [r for r in fake.requests if r.fault in GARBAGE_KINDS]
        assert any(creates.hit(r) for r in garbage)  # creates were hit
        fake.faults.clear()
        sync()

        per_marker = ws.issues_per_marker()
        assert {m: n for m, n in per_marker.items() if n > 1} == {}
        assert len(per_marker) == ws.issue_count() == CYCLES * creates.per_document
        assert ws.request_problems() == []
    assert any("outcome unknown" in e and "but with" in e for e in errors), errors
