"""One writer per team, with real processes (issue 10, point 3): two ``syncd sync`` at once,
and a ``syncd sync`` beside a running ``syncd run``, on SQLite and PostgreSQL, into the fake
Jira and the fake GitHub. Never a duplicate; the second writer names who holds the team and
exits 1 without writing anything for it.

The first writer is made to hold the team at a chosen moment, deterministically: it freezes
itself just before its first tracker write (``SYNCD_TEST_FREEZE_AT=tracker_write:1``), holding
the team, while the second one tries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.writers_support import TeamUnderTest, team_under_test, wait_for
from tests.support.proofs import only_in_full_proofs

DOCUMENTS, ITEMS_PER_DOCUMENT = 2, 3
ITEMS = DOCUMENTS * ITEMS_PER_DOCUMENT
FREEZE_BEFORE_FIRST_WRITE = {"SYNCD_TEST_FREEZE_AT": "tracker_write:1"}
SHORT_WAIT = {"SYNCD_TEAM_LOCK_WAIT": "1"}


@pytest.fixture(params=["jira", "github"])
def team(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> Iterator[TeamUnderTest]:
    # CI crosses them: Jira on SQLite, GitHub on PostgreSQL (the lease path); the full proofs
    # run all four pairs.
    crossed = (request.param == "jira") == (backend == "sqlite")
    only_in_full_proofs(crossed, "CI runs Jira on SQLite and GitHub on PostgreSQL")
    url = request.getfixturevalue("postgres_url") if backend == "postgres" else None
    with team_under_test(
        tmp_path, request.param, url, documents=DOCUMENTS, items=ITEMS_PER_DOCUMENT
    ) as under_test:
        yield under_test


def assert_exactly_once(team: TeamUnderTest) -> None:
    assert team.duplicates() == {}
    assert len(team.per_marker()) == ITEMS and team.issue_count() == ITEMS


def assert_refused_naming(second_stderr: str, command: str, pid: int) -> None:
    said = " ".join(second_stderr.split())
    assert re.search(
        rf"team payments is being written by `syncd {command}` \(pid {pid} on [^,]+, since ",
        said,
    ), said[-2000:]
    assert "nothing was written for this team" in said


def test_a_second_sync_waits_then_names_the_first_and_writes_nothing(team: TeamUnderTest) -> None:
    first = team.start("sync", "first", "--json", **FREEZE_BEFORE_FIRST_WRITE)
    first.wait_frozen()
    second = team.sync("second", **SHORT_WAIT)
    assert second.finish() == 1
    assert_refused_naming(second.stderr(), "sync", first.pid)
    result = json.loads(second.stdout())["teams"]["payments"]
    assert result["created"] == 0 and "is being written by" in result["errors"][0]["error"]
    assert team.issue_count() == 0  # the second wrote nothing; the first is still frozen

    first.resume()
    assert first.finish() == 0, first.stderr()[-3000:]
    assert_exactly_once(team)
    assert json.loads(team.sync("after").stdout())["teams"]["payments"]["created"] == 0
    assert_exactly_once(team)


def test_two_syncs_started_together_never_duplicate(team: TeamUnderTest) -> None:
    """No freeze: whichever takes the team first writes; the other waits for it (the default
    wait), or, without a wait, names it and exits 1. Either way, each item once."""
    racers = [team.start("sync", f"racer{n}", "--json", SYNCD_TEAM_LOCK_WAIT="0") for n in (1, 2)]
    codes = sorted(proc.finish() for proc in racers)
    assert codes in ([0, 0], [0, 1]), [p.stderr()[-2000:] for p in racers]
    for proc in racers:
        if proc.process.returncode == 1:
            other = next(p for p in racers if p is not proc)
            assert_refused_naming(proc.stderr(), "sync", other.pid)
    assert_exactly_once(team)


def test_a_sync_beside_a_running_service_names_it_and_writes_nothing(
    team: TeamUnderTest,
) -> None:
    service = team.start("run", "service", **FREEZE_BEFORE_FIRST_WRITE)
    service.wait_frozen()  # mid-cycle, holding the team
    beside = team.sync("beside", **SHORT_WAIT)
    assert beside.finish() == 1
    assert_refused_naming(beside.stderr(), "run", service.pid)
    assert team.issue_count() == 0

    service.resume()
    wait_for("the service to mirror every item", lambda: len(team.per_marker()) == ITEMS)
    service.stop()
    assert_exactly_once(team)


def test_a_digest_beside_a_sync_names_it_and_posts_nothing(team: TeamUnderTest) -> None:
    if team.tracker != "jira":
        pytest.skip("the digest does not depend on the tracker; once is enough")
    first = team.start("sync", "first", **FREEZE_BEFORE_FIRST_WRITE)
    first.wait_frozen()
    digest = team.start("digest", "digest", **SHORT_WAIT)
    assert digest.finish() == 1
    assert_refused_naming(digest.stderr(), "sync", first.pid)
    first.resume()
    assert first.finish() == 0
    assert team.start("digest", "digest-after", **SHORT_WAIT).finish() == 0
