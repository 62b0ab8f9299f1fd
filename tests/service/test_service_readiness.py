"""/readyz's judgement: config, store, and every team synced within three intervals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from syncd.service.readiness import TeamFreshness, judge_readiness

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
INTERVAL = timedelta(minutes=10)


def judge(**teams: TeamFreshness) -> dict[str, str]:
    return dict(
        judge_readiness(
            config_error=None, store_error=None, teams=teams, interval=INTERVAL, now=NOW
        ).problems
    )


def test_a_recent_success_is_ready_and_an_old_one_is_not() -> None:
    start = NOW - timedelta(hours=5)
    assert judge(a=TeamFreshness(NOW - timedelta(minutes=29), start)) == {}
    problems = judge(a=TeamFreshness(NOW - timedelta(minutes=31), start))
    assert list(problems) == ["team:a"] and "3 intervals" in problems["team:a"]


def test_a_team_never_synced_is_ready_for_three_intervals_after_it_was_taken() -> None:
    assert judge(a=TeamFreshness(None, NOW - timedelta(minutes=29))) == {}
    assert "never" in judge(a=TeamFreshness(None, NOW - timedelta(minutes=31)))["team:a"]


def test_store_and_config_problems_are_named() -> None:
    readiness = judge_readiness(
        config_error="no teams", store_error="cannot reach", teams={}, interval=INTERVAL, now=NOW
    )
    assert not readiness.ready
    assert readiness.problems == {"config": "no teams", "store": "cannot reach"}
