"""Follow-up reviews: due ``review_after_days`` after the postmortem, with its completion."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from syncd.judge import ItemState, JudgePolicy, judge_item, judge_postmortems
from syncd.judge.team_days import business_days_between
from syncd.model import Postmortem, Status
from tests.digest.team_fixture import item, postmortem

BERLIN = ZoneInfo("Europe/Berlin")
PM = postmortem("outage", "Outage", date(2026, 2, 2))  # a Monday
POLICY = JudgePolicy(review_after_days=35, timezone=BERLIN)


def _states(done: int, total: int, pm: Postmortem = PM) -> list[ItemState]:
    return [
        ItemState(
            item=item(
                f"Add alert {n} on api-gw",
                pm,
                due=date(2026, 4, 1),
                status=Status.DONE if n < done else Status.OPEN,
            ),
            first_seen=datetime(2026, 2, 2, tzinfo=UTC),
        )
        for n in range(total)
    ]


def test_review_due_on_the_day_with_completion() -> None:
    due_day = datetime(2026, 3, 9, 0, 5, tzinfo=BERLIN)  # 2 Feb + 35 days
    [before] = judge_postmortems(
        [PM],
        [judge_item(s, POLICY, due_day - timedelta(minutes=10)) for s in _states(3, 5)],
        POLICY,
        due_day - timedelta(minutes=10),
    )
    [on] = judge_postmortems(
        [PM], [judge_item(s, POLICY, due_day) for s in _states(3, 5)], POLICY, due_day
    )
    assert before.review_date == on.review_date == date(2026, 3, 9)
    assert not before.review_due
    assert on.review_due and (on.done, on.total, on.open) == (3, 5, 2) and not on.all_open


def test_flagged_when_every_item_is_still_open_at_review_time() -> None:
    now = datetime(2026, 3, 10, 9, tzinfo=BERLIN)
    [judged] = judge_postmortems(
        [PM], [judge_item(s, POLICY, now) for s in _states(0, 4)], POLICY, now
    )
    assert judged.review_due and judged.all_open


def test_no_reminder_once_every_item_is_done() -> None:
    now = datetime(2026, 3, 10, 9, tzinfo=BERLIN)
    [judged] = judge_postmortems(
        [PM], [judge_item(s, POLICY, now) for s in _states(4, 4)], POLICY, now
    )
    assert not judged.review_due and judged.done == 4


def test_orphaned_items_do_not_count() -> None:
    now = datetime(2026, 3, 10, 9, tzinfo=BERLIN)
    states = _states(1, 3)
    states[2] = replace(states[2], orphaned=True)
    [judged] = judge_postmortems([PM], [judge_item(s, POLICY, now) for s in states], POLICY, now)
    assert (judged.done, judged.total) == (1, 2)


def test_review_date_in_business_days_skips_weekends_and_holidays() -> None:
    # Friday 6 March + 5 business days = Friday 13 March; a holiday on Wednesday 11 moves it
    # to Monday 16 March.
    pm = postmortem("fri", "Friday outage", date(2026, 3, 6))
    policy = replace(POLICY, review_after_days=5, business_days=True)
    now = datetime(2026, 3, 13, 9, tzinfo=BERLIN)
    [judged] = judge_postmortems(
        [pm], [judge_item(s, policy, now) for s in _states(0, 2, pm)], policy, now
    )
    assert judged.review_date == date(2026, 3, 13) and judged.review_due
    holiday = replace(policy, holidays=frozenset({date(2026, 3, 11)}))
    [moved] = judge_postmortems(
        [pm], [judge_item(s, holiday, now) for s in _states(0, 2, pm)], holiday, now
    )
    assert moved.review_date == date(2026, 3, 16) and not moved.review_due


def test_a_postmortem_without_a_date_has_no_review_date() -> None:
    undated = replace(PM, date=None, document="undated.md")
    now = datetime(2026, 6, 1, tzinfo=UTC)
    [judged] = judge_postmortems(
        [undated], [judge_item(s, POLICY, now) for s in _states(0, 2, undated)], POLICY, now
    )
    assert judged.review_date is None and not judged.review_due


@pytest.mark.parametrize("span", range(0, 40))
def test_business_days_between_matches_counting_day_by_day(span: int) -> None:
    holidays = frozenset({date(2026, 3, 13), date(2026, 3, 14), date(2026, 4, 3)})
    for start in (date(2026, 3, 2) + timedelta(days=k) for k in range(7)):
        end = start + timedelta(days=span)
        expected = sum(
            1
            for k in range(1, span + 1)
            if (d := start + timedelta(days=k)).weekday() < 5 and d not in holidays
        )
        assert business_days_between(start, end, holidays) == expected
        assert business_days_between(end, start, holidays) == -expected
