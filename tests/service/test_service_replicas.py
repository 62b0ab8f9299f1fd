"""Two `syncd run` replicas on one PostgreSQL: one dies by SIGKILL, the other takes its teams."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from syncd.store import StateStore
from tests.service.service_support import RunningService, start_service, wait_for, write_team

TEAMS = ("payments", "search", "checkout")
LEASE_SECONDS = 3


def last_sync(service: RunningService, team: str) -> float | None:
    # The teams' tracker token is unset, so their cycles end failed: count cycles, not successes.
    return service.metric("syncd_sync_duration_seconds_count", team=team)


@pytest.mark.postgres
def test_a_killed_replicas_teams_are_synced_by_the_other_within_a_lease(
    tmp_path: Path, postgres_url: str
) -> None:
    config = tmp_path / "config"
    for team in TEAMS:
        write_team(config, tmp_path / "docs" / team, team)
    env = {
        "SYNCD_STATE_DIR": str(tmp_path / "state"),
        "SYNCD_DATABASE_URL": postgres_url,
        "SYNCD_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    first = start_service(config, env)
    second: RunningService | None = None
    try:
        wait_for(
            "the first replica to sync every team",
            lambda: all(last_sync(first, team) for team in TEAMS),
        )
        second = start_service(config, env)
        wait_for("the second replica to serve", second.ready)
        live = second
        # The first replica took every team; the second holds none while the first lives.
        assert second.metric("syncd_teams_held") == 0
        with StateStore.open(postgres_url) as store:
            holders = {lease.holder for lease in store.leases()}
        assert len(holders) == 1

        first.signal(signal.SIGKILL)
        first.process.wait(timeout=10)
        killed_at = time.monotonic()
        wait_for(
            "the second replica to sync every team",
            lambda: all(last_sync(live, team) for team in TEAMS),
            timeout=LEASE_SECONDS * 4,
        )
        took = time.monotonic() - killed_at
        assert live.metric("syncd_teams_held") == len(TEAMS)
        # One lease period, plus one renewal tick (a third of it) and the cycle itself.
        assert took < LEASE_SECONDS * 2
        with StateStore.open(postgres_url) as store:
            leases = store.leases()
            runs = {team: store.last_run(team) for team in TEAMS}
        assert {lease.name for lease in leases} == {f"team:{team}" for team in TEAMS}
        assert len({lease.holder for lease in leases}) == 1 and leases[0].holder not in holders
        assert all(run is not None and run.outcome in ("ok", "partial") for run in runs.values())

        live.signal(signal.SIGTERM)
        assert live.process.wait(timeout=10) == 0
        # A clean stop gives its leases back, so no replica waits a lease period for them.
        with StateStore.open(postgres_url) as store:
            assert store.leases() == []
    finally:
        first.stop()
        if second is not None:
            second.stop()
