"""One GitHub account, several ``syncd sync`` processes: the budget is the account's, kept in the
state store, and the fake (GitHub's secondary limits, sped up) never sees it exceeded.

The limits run ``SCALE`` times faster on both sides (``SYNCD_TEST_RATE_SCALE`` and the fake's
``SecondaryLimits.scaled``): an hour lasts 18 seconds. Most of the hour's 500 creates are spent
before the test begins, in the store and at the fake alike, so that the hourly limit binds
whatever the machine's speed. ``bench.github_sync`` runs the whole 1,000 items.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from syncd.http.budget import BudgetState, account_key
from syncd.store import StateStore
from tests.e2e.github_teams import GitHubTeams, pace_of
from tests.fakes.github.limits import SecondaryLimits
from tests.fakes.github.server import FakeGitHub

SCALE = 200.0
LIMITS = SecondaryLimits().scaled(SCALE)


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub(secondary=LIMITS) as running:
        yield running


SEEDED = 480  # creates the account made this hour, before the test: 20 are left


def _spend_the_hour(fake: FakeGitHub, store_url: str) -> None:
    """480 creates a moment ago, as GitHub and syncd's store both counted them.

    GitHub counts them first: the store's moment is then no earlier than the fake's, as when
    syncd records a create after GitHub has answered it. The other way round, a syncd that
    starts at once waits out the store's (scaled) minute and reaches the fake a few
    milliseconds before its own minute ends.
    """
    with fake.limits._lock:
        fake.limits._content.extend([fake.limits.monotonic()] * SEEDED)
    with StateStore.open(store_url) as store:
        store.migrate()
        account = account_key("github", fake.url, fake.token)
        spent = BudgetState(creates=(time.time(),) * SEEDED)
        store.change_budget(account, lambda _: (spent, None))


def test_two_teams_with_one_token_never_exceed_the_accounts_limits_and_resume(
    tmp_path: Path, fake: FakeGitHub, store_url: str
) -> None:
    teams = GitHubTeams(tmp_path, fake, rate_scale=SCALE, database_url=store_url)
    assert teams.write(teams=2, items_per_team=20) == 40
    _spend_the_hour(fake, store_url)

    first = teams.sync_all()

    pace = pace_of(fake.requests, LIMITS.minute, LIMITS.hour)
    assert fake.secondary_hits == [], pace
    assert pace.creates == 500 - SEEDED, (pace, [r.stderr[-1500:] for r in first])
    assert pace.smallest_write_gap is not None
    assert pace.smallest_write_gap >= LIMITS.min_write_interval  # type: ignore[operator]
    deferrals = [r.teams[name].get("deferred") for r, name in zip(first, teams.names, strict=True)]
    assert sum(d["items"] for d in deferrals if d) == 20
    for run, deferral in zip(first, deferrals, strict=True):
        # A deferral is not done: exit 1, with how many and until when.
        assert run.status == (1 if deferral else 0), run.stderr[-2000:]
        if deferral:
            assert deferral["limit"] == "GitHub's hourly limit"
    # Nothing was read for the creates that could not be made: per team, the first read and
    # at most one guard listing.
    listings = [r for r in fake.requests if r.endpoint == "GET /repos/{owner}/{repo}/issues"]
    assert len(listings) <= 2 * 2, [(r.query, r.status) for r in listings]

    # The next cycle, once the budget opens, creates the rest.
    until = max(datetime.fromisoformat(d["until"]) for d in deferrals if d)
    _poll_until(until.timestamp())
    second = teams.sync_all()
    assert [r.status for r in second] == [0, 0], [r.stderr[-2000:] for r in second]
    assert sum(r.teams[n]["created"] for r, n in zip(second, teams.names, strict=True)) == 20
    assert fake.secondary_hits == []
    whole = pace_of(fake.requests, LIMITS.minute, LIMITS.hour)
    assert whole.max_per_hour + SEEDED <= 500 + 20  # the seeded ones aged out before these
    per_marker = _issues_per_marker(fake)
    assert len(per_marker) == 40 and set(per_marker.values()) == {1}


def _poll_until(epoch: float, deadline: float = 120.0) -> None:
    limit = time.monotonic() + deadline
    while time.time() < epoch:
        assert time.monotonic() < limit, "the budget never opened"
        time.sleep(0.1)


def _issues_per_marker(fake: FakeGitHub) -> dict[str, int]:
    marker = re.compile(r"<!--\s*syncd:item=([^\s>]+?)\s*-->")
    counts: dict[str, int] = {}
    with fake.state.lock:
        for repo in fake.state.repos.values():
            for issue in repo.issues.values():
                for item in marker.findall(issue.body or ""):
                    counts[item] = counts.get(item, 0) + 1
    return counts
