"""Which failures are news: the first of a run, a changed error, and the recovery."""

from __future__ import annotations

from syncd.output.failure_streaks import (
    TEAM_CYCLE,
    TRACKER,
    Failing,
    FailureKey,
    FailureStreaks,
    Recovered,
    Verdict,
)

WIKI = FailureKey("source", "wiki")


def test_the_first_failure_is_news_and_the_same_one_again_is_counted() -> None:
    streaks = FailureStreaks()
    assert streaks.failed("payments", TRACKER, "503") == Failing(Verdict.FIRST, 1)
    assert streaks.failed("payments", TRACKER, "503") == Failing(Verdict.REPEAT, 2)
    assert streaks.failed("payments", TRACKER, "503") == Failing(Verdict.REPEAT, 3)
    assert streaks.failing("payments") == {TRACKER: 3}
    assert Verdict.FIRST.news and Verdict.CHANGED.news and not Verdict.REPEAT.news


def test_another_error_is_news_again_and_the_streak_goes_on() -> None:
    streaks = FailureStreaks()
    streaks.failed("payments", TRACKER, "503")
    streaks.failed("payments", TRACKER, "503")
    assert streaks.failed("payments", TRACKER, "401") == Failing(Verdict.CHANGED, 3)
    assert streaks.failed("payments", TRACKER, "401") == Failing(Verdict.REPEAT, 4)
    assert streaks.failed("payments", TRACKER, "503") == Failing(Verdict.CHANGED, 5)


def test_a_success_after_failures_recovers_once_with_the_count() -> None:
    streaks = FailureStreaks()
    for _ in range(3):
        streaks.failed("payments", TRACKER, "503")
        streaks.settle("payments", kinds={"sync", "tracker"}, failed_now={TRACKER})
    assert streaks.settle("payments", kinds={"sync", "tracker"}, failed_now=set()) == [
        Recovered(TRACKER, 3)
    ]
    assert streaks.settle("payments", kinds={"sync", "tracker"}, failed_now=set()) == []
    assert streaks.failed("payments", TRACKER, "503") == Failing(Verdict.FIRST, 1)


def test_a_kind_the_cycle_did_not_reach_keeps_its_streak() -> None:
    streaks = FailureStreaks()
    streaks.failed("payments", TRACKER, "503")
    streaks.failed("payments", TEAM_CYCLE, "disk full")
    # The cycle stopped early: nothing says the tracker works again.
    assert streaks.settle("payments", kinds=(), failed_now={TEAM_CYCLE}) == []
    assert streaks.settle("payments", kinds={"sync"}, failed_now=set()) == [
        Recovered(TEAM_CYCLE, 1)
    ]
    assert streaks.failing("payments") == {TRACKER: 1}


def test_keys_and_teams_are_counted_apart() -> None:
    streaks = FailureStreaks()
    streaks.failed("payments", TRACKER, "503")
    streaks.failed("payments", WIKI, "403")
    streaks.failed("search", TRACKER, "503")
    assert streaks.failed("payments", FailureKey("source", "drive"), "403").verdict is Verdict.FIRST
    # The wiki is read again; the tracker still fails.
    recovered = streaks.settle(
        "payments", kinds={"tracker", "source"}, failed_now={TRACKER, FailureKey("source", "drive")}
    )
    assert recovered == [Recovered(WIKI, 1)]
    assert streaks.failed("search", TRACKER, "503") == Failing(Verdict.REPEAT, 2)
    streaks.forget("payments")
    assert streaks.failing("payments") == {}
    assert streaks.failed("payments", TRACKER, "503") == Failing(Verdict.FIRST, 1)
    assert streaks.failing("search") == {TRACKER: 2}


def test_a_key_that_works_again_recovers_on_its_own() -> None:
    streaks = FailureStreaks()
    streaks.failed("payments", WIKI, "403")
    streaks.failed("payments", WIKI, "403")
    streaks.failed("payments", TRACKER, "503")
    assert streaks.recovered("payments", WIKI) == Recovered(WIKI, 2)
    assert streaks.recovered("payments", WIKI) is None  # once
    assert streaks.recovered("search", WIKI) is None  # another team's never failed
    assert streaks.failing("payments") == {TRACKER: 1}
    assert streaks.failed("payments", WIKI, "403") == Failing(Verdict.FIRST, 1)
