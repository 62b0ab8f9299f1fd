"""A team's figures: completion and on-time rates, days to close, overdue work by age; and the
same figures as Prometheus gauges, dropped with the team."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from prometheus_client import generate_latest

from syncd.judge import ItemState, judge_item
from syncd.judge.figures import days_open, team_figures, was_on_time
from syncd.service.metrics import ServiceMetrics
from tests.digest.team_fixture import NOW, POLICY, TOKENS, item

SEEN = datetime(2026, 2, 25, 9, tzinfo=UTC)  # the postmortem is of 2026-02-24


def _judged(due: date | None, *, done_at: datetime | None = None, **changes: object):  # type: ignore[no-untyped-def]
    state = ItemState(item=item("Rotate the keys", TOKENS, due=due), first_seen=SEEN)
    if done_at is not None:
        state = replace(state, tracker_done=True, done_at=done_at)
    return judge_item(replace(state, **changes), POLICY, NOW)  # type: ignore[arg-type]


ON_TIME = _judged(date(2026, 3, 5), done_at=datetime(2026, 3, 4, 12, tzinfo=UTC))
LATE = _judged(date(2026, 3, 1), done_at=datetime(2026, 3, 6, 12, tzinfo=UTC))
DONE_UNSEEN = _judged(date(2026, 2, 20), done_at=SEEN)  # done when syncd first read it
OVERDUE_3 = _judged(date(2026, 3, 6))
OVERDUE_40 = _judged(date(2026, 1, 28))
OPEN = _judged(date(2026, 4, 1))
ORPHANED = _judged(date(2026, 1, 1), orphaned=True)
JUDGED = [ON_TIME, LATE, DONE_UNSEEN, OVERDUE_3, OVERDUE_40, OPEN, ORPHANED]


def test_the_figures_of_a_team() -> None:
    figures = team_figures(JUDGED, POLICY)

    assert (figures.items, figures.done) == (6, 3)  # the orphaned item is not counted
    assert figures.completion_rate == 0.5
    assert (figures.on_time, figures.timed) == (1, 2)  # the day DONE_UNSEEN was done is unknown
    assert figures.median_days_to_close == (8 + 10) / 2  # from the postmortem's day
    assert dict(figures.overdue_by_age) == {"1-7d": 1, "8-30d": 0, "31-90d": 1, "over_90d": 0}


def test_each_items_lifecycle() -> None:
    assert was_on_time(ON_TIME, POLICY) is True and was_on_time(LATE, POLICY) is False
    assert was_on_time(OPEN, POLICY) is None and was_on_time(DONE_UNSEEN, POLICY) is None
    assert days_open(ON_TIME, POLICY, NOW) == 8
    assert days_open(OPEN, POLICY, NOW) == (NOW.date() - date(2026, 2, 24)).days
    assert days_open(DONE_UNSEEN, POLICY, NOW) is None


def test_a_team_without_items_has_no_rates_not_zero_ones() -> None:
    figures = team_figures([], POLICY)
    assert figures.completion_rate is None and figures.on_time_rate is None
    assert figures.as_json()["median_days_to_close"] is None


def test_the_figures_are_gauges_and_leave_with_the_team() -> None:
    metrics = ServiceMetrics()
    metrics.record_figures("payments", team_figures(JUDGED, POLICY))
    text = generate_latest(metrics.registry).decode()
    assert 'syncd_completion_ratio{team="payments"} 0.5' in text
    assert 'syncd_on_time_ratio{team="payments"} 0.5' in text
    assert 'syncd_items_overdue_by_age{age="31-90d",team="payments"} 1.0' in text

    metrics.record_figures("empty", team_figures([], POLICY))
    assert 'syncd_completion_ratio{team="empty"} NaN' in generate_latest(metrics.registry).decode()

    metrics.forget_team("payments")
    assert 'team="payments"' not in generate_latest(metrics.registry).decode()


def test_a_replica_that_hands_a_team_over_stops_exporting_its_state() -> None:
    # Both replicas would export the team's gauges, one frozen at the hand-over: every panel
    # summing them by team (open items, overdue by age) would count the team twice.
    metrics = ServiceMetrics()
    metrics.record_figures("payments", team_figures(JUDGED, POLICY))
    metrics.record_judgements("payments", [])
    metrics.sync_succeeded("payments", 1_700_000_000.0)
    metrics.team_released("payments")
    text = generate_latest(metrics.registry).decode()
    for series in (
        "syncd_items{",
        "syncd_items_flagged{",
        "syncd_completion_ratio{",
        "syncd_on_time_ratio{",
        "syncd_items_overdue_by_age{",
        "syncd_sync_consecutive_failures{",
    ):
        assert not any(
            line.startswith(series) and 'team="payments"' in line for line in text.splitlines()
        ), series
    # What happened here stays: the max over replicas reads it.
    assert 'syncd_last_successful_sync_timestamp_seconds{team="payments"}' in text


def test_overdue_age_buckets_meet_at_their_edges() -> None:
    for days, bucket in ((7, "1-7d"), (8, "8-30d"), (30, "8-30d"), (91, "over_90d")):
        judged = _judged(NOW.date() - timedelta(days=days))
        assert dict(team_figures([judged], POLICY).overdue_by_age)[bucket] == 1, days
