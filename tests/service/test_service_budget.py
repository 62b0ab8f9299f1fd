"""The service and a spent tracker budget: the team's cycle ends at once with its creates
deferred, no worker waits for the budget, and the team runs again when it opens.

GitHub's limits run 200 times faster on both sides (an hour lasts 18 s); the hour's 500
creates are spent before the service starts, in the store and at the fake alike.
"""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest

from syncd.http.budget import RATE_SCALE_ENV, BudgetState, account_key
from syncd.store import StateStore
from tests.e2e.github_teams import GitHubTeams
from tests.fakes.github.limits import SecondaryLimits
from tests.fakes.github.server import FakeGitHub
from tests.service.in_process import service_in_process
from tests.service.service_support import wait_for

SCALE = 200.0


def test_a_deferred_team_is_rescheduled_for_when_its_budget_opens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(RATE_SCALE_ENV, str(SCALE))
    limits = SecondaryLimits().scaled(SCALE)
    with FakeGitHub(secondary=limits) as fake:
        teams = GitHubTeams(tmp_path, fake, rate_scale=SCALE)
        teams.write(teams=1, items_per_team=10)
        url = f"sqlite:///{tmp_path / 'state' / 'state.db'}"
        with StateStore.open(url) as store:
            store.migrate()
            spent = BudgetState(creates=(time.time(),) * 500)
            store.change_budget(
                account_key("github", fake.url, fake.token), lambda _: (spent, None)
            )
        with fake.limits._lock:
            fake.limits._content.extend([fake.limits.monotonic()] * 500)

        # A regular interval far away: only the deferral can bring the team back soon.
        with service_in_process(
            teams.config, teams.env(), database_url=url, interval=timedelta(hours=1)
        ) as service:
            scheduler = service.service._scheduler
            first = wait_for(
                "the first cycle, deferred",
                lambda: (
                    scheduler.next_sync("team-00")
                    if service.metric(
                        "syncd_last_successful_sync_timestamp_seconds", team="team-00"
                    )
                    else None
                ),
            )
            # Moved up from an hour away to when the budget opens (the fake's 18 s hour,
            # syncd's 18.5 s with its margin, and a little slack), and nothing was created.
            assert first is not None
            assert first.timestamp() - time.time() < 60
            assert service.metric("syncd_sync_failures_total", team="team-00") in (None, 0)
            assert fake.secondary_hits == []
            wait_for("the creates after the budget opened", lambda: _issues(fake) == 10, 120)
            assert fake.secondary_hits == []


def _issues(fake: FakeGitHub) -> int:
    with fake.state.lock:
        return sum(
            1
            for repo in fake.state.repos.values()
            for issue in repo.issues.values()
            if not issue.is_pull_request
        )
