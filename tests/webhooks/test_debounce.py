"""Debounce and the bounded queue, on an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from syncd.webhooks.debounce import (
    ACCEPTED,
    COALESCED,
    DROPPED,
    PendingTeam,
    QueueLimits,
    admission,
    due_teams,
)

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DEBOUNCE = timedelta(seconds=2)


def test_a_team_is_due_once_its_first_pending_request_waited_the_debounce() -> None:
    pending = [PendingTeam("payments", T0, 20)]
    assert due_teams(pending, now=T0, debounce=DEBOUNCE) == []
    assert due_teams(pending, now=T0 + timedelta(seconds=1.9), debounce=DEBOUNCE) == []
    assert due_teams(pending, now=T0 + DEBOUNCE, debounce=DEBOUNCE) == ["payments"]


def test_due_teams_come_oldest_first_and_a_zero_debounce_is_at_once() -> None:
    pending = [
        PendingTeam("search", T0 + timedelta(seconds=1), 1),
        PendingTeam("payments", T0, 3),
        PendingTeam("late", T0 + timedelta(seconds=5), 1),
    ]
    now = T0 + timedelta(seconds=3)
    assert due_teams(pending, now=now, debounce=DEBOUNCE) == ["payments", "search"]
    assert due_teams(pending, now=now, debounce=timedelta(0)) == ["payments", "search"]


def test_a_burst_is_accepted_once_then_coalesced_then_dropped_beyond_the_limits() -> None:
    limits = QueueLimits(per_team=3, total=5)
    assert admission(0, 0, limits) == ACCEPTED
    assert admission(1, 1, limits) == COALESCED
    assert admission(2, 2, limits) == COALESCED
    assert admission(3, 3, limits) == DROPPED
    # The whole queue full: even a team's first request is dropped (polling catches up).
    assert admission(0, 5, limits) == DROPPED
