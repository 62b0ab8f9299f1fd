"""GitHub's published limits: paced writes, the creation budget, secondary-limit answers."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from connectors.github.connection import GitHubConnection
from connectors.github.settings import GitHubSettings
from syncd.http import RateLimitedError, WaitRecord
from syncd.http.budget import (
    GITHUB_LIMITS,
    AccountBudget,
    BudgetExhausted,
    MemoryLedger,
    Window,
)
from syncd.tracker import TrackerContext
from tests.fakes.github.contract import validate_requests
from tests.fakes.github.limits import SecondaryLimits
from tests.fakes.github.server import FakeGitHub
from tests.github.support import VirtualClock, create_op, tracker_on


def _on_virtual_time(fake: FakeGitHub, clock: VirtualClock, limits: SecondaryLimits) -> None:
    fake.state.clock = clock
    fake.limits.clock = clock
    fake.limits.monotonic = clock.monotonic
    fake.monotonic = clock.monotonic
    fake.limits.secondary = limits


def test_first_mirror_of_200_items_never_trips_a_secondary_limit(fake_github: FakeGitHub) -> None:
    clock = VirtualClock()
    _on_virtual_time(fake_github, clock, SecondaryLimits())  # GitHub's real limits
    tracker = tracker_on(fake_github, clock)
    started = clock.monotonic()
    created = []
    for start in range(0, 200, tracker.create_batch_size):
        batch = [create_op(f"i{n}") for n in range(start, start + tracker.create_batch_size)]
        created += [r.key for r in tracker.create(batch)]
    elapsed = clock.monotonic() - started
    assert len(set(created)) == 200 and None not in created
    assert fake_github.secondary_hits == []
    # One second per write is the binding limit: the pace is what GitHub allows, no slower.
    assert 199 <= elapsed <= 200 / 0.9
    assert validate_requests(fake_github.requests) == []


def test_secondary_limit_answer_is_waited_out_then_the_create_goes_through(
    fake_github: FakeGitHub,
) -> None:
    clock = VirtualClock()
    _on_virtual_time(
        fake_github, clock, SecondaryLimits(content_per_minute=2, content_per_hour=None)
    )
    tracker = tracker_on(fake_github, clock)
    results = tracker.create([create_op("a"), create_op("b"), create_op("c")])
    assert all(r.key for r in results)
    assert len(fake_github.repo.issues) == 3 + 3  # three pull requests, three issues
    [hit] = fake_github.secondary_hits
    assert hit.retry_after == 60
    assert any(s >= 60 for s in clock.slept)  # retry-after honoured, on the virtual clock
    assert fake_github.requests_before_retry_after() == []


def _spend(budget: AccountBudget, creates: int) -> None:
    """``creates`` content-creating requests at once, as other processes of the account would
    send them (without the second between writes, to fill a window quickly)."""
    other = AccountBudget(
        budget.ledger,
        budget.account,
        dataclasses.replace(
            budget.limits,
            windows=(Window(budget.limits.longest, 10**6, "unbounded"),),
            write_gap=0.0,
        ),
        budget.clock,
    )
    for _ in range(creates):
        other.acquire(write=True, creates=True, max_wait=0)
        other.release(write=True)


def test_creation_budget_refuses_before_sending_when_the_wait_is_long(
    fake_github: FakeGitHub,
) -> None:
    clock = VirtualClock()
    tracker = tracker_on(fake_github, clock)
    budget = tracker._connection.budget
    _spend(budget, 500)
    fake_github.clear_requests()
    with pytest.raises(RateLimitedError) as caught:
        tracker.create([create_op("a")])
    assert caught.value.retry_after > 60
    assert caught.value.limit == "GitHub's hourly limit"
    assert fake_github.requests == []  # nothing was sent


def test_budget_keeps_both_windows() -> None:
    clock = VirtualClock()
    limits = dataclasses.replace(
        GITHUB_LIMITS,
        windows=(Window(60.0, 3, "per-minute"), Window(3600.0, 5, "hourly")),
        write_gap=0.0,
    )
    budget = AccountBudget(MemoryLedger(), "github:test", limits, clock)
    for _ in range(3):
        assert budget.acquire(write=True, creates=True, max_wait=0) == 0
        budget.release(write=True)
    # the minute's oldest aged out
    assert budget.acquire(write=True, creates=True, max_wait=60) == pytest.approx(60)
    budget.release(write=True)
    budget.acquire(write=True, creates=True, max_wait=60)
    budget.release(write=True)
    with pytest.raises(BudgetExhausted) as caught:
        budget.acquire(write=True, creates=True, max_wait=60)
    assert caught.value.wait == pytest.approx(3600 - 60)
    assert caught.value.limit == "GitHub's hourly limit"


def test_a_wait_for_the_creation_budget_is_announced_as_a_rate_limit(
    fake_github: FakeGitHub,
) -> None:
    clock = VirtualClock()
    waits: list[WaitRecord] = []
    tracker = tracker_on(fake_github, clock, wait_observer=waits.append)
    budget = tracker._connection.budget
    _spend(budget, 80)  # the minute's 80 content-creating requests are spent (77 with the margin)
    started = clock.wall()

    [result] = tracker.create([create_op("a")])

    assert result.key is not None
    assert [w.reason for w in waits] == ["GitHub's per-minute limit"]
    [wait] = waits
    assert (wait.service, wait.rate_limit) == ("github", True)
    # Room comes when the minute has passed since the spending, less the second between writes
    # already sat out.
    assert wait.seconds == pytest.approx(60 - 1.03)
    assert wait.until == pytest.approx(started + 1.03 + wait.seconds)


def test_an_exhausted_primary_limit_ends_the_request_without_sleeping_and_holds_the_account(
    fake_github: FakeGitHub,
) -> None:
    """GitHub says "0 remaining, reset in an hour": nobody sleeps that hour in-line, and no
    other connection of the account (another team, process or replica) asks meanwhile."""
    clock = VirtualClock()
    _on_virtual_time(fake_github, clock, SecondaryLimits.off())
    ledger = MemoryLedger()
    tracker = tracker_on(fake_github, clock, budget_ledger=ledger)
    fake_github.limits.set_remaining(0)

    with pytest.raises(RateLimitedError) as first:
        tracker.create([create_op("a")])
    assert first.value.retry_after > 3000
    assert len(fake_github.requests) == 1
    other_team = tracker_on(fake_github, clock, budget_ledger=ledger)
    for attempt in (lambda: tracker.changed_since(None), lambda: other_team.changed_since(None)):
        with pytest.raises(RateLimitedError) as again:
            attempt()
        assert again.value.retry_after > 3000
    assert len(fake_github.requests) == 1  # nothing more was sent
    assert max(clock.slept, default=0) <= 60  # and nothing sat out the hour


def test_a_write_in_flight_holds_the_accounts_other_writers_only_as_long_as_it_could_last() -> None:
    """A writer that stalls or dies mid-write keeps the others waiting for its connect and read
    timeouts and a margin: 40 s with the defaults, less with a shorter ``timeout_seconds``."""
    settings = GitHubSettings.model_validate(
        {"repo": "acme/payments", "token": "ghp_0123456789", "timeout_seconds": 8}
    )
    context = TrackerContext(team="payments", now=dt.datetime(2026, 11, 21, tzinfo=dt.UTC))
    assert GitHubConnection(settings, context).budget.limits.write_lease == 5 + 8 + 5
    default = GitHubSettings.model_validate({"repo": "acme/payments", "token": "ghp_0123456789"})
    assert GitHubConnection(default, context).budget.limits.write_lease == 40
    # Sped-up limits (benchmarks, tests) keep it: the timeouts run on real time.
    assert GITHUB_LIMITS.leasing_writes_for(5, 8).scaled(10).write_lease == 18
