"""Dates far from now: never an overflow, never a plan for year 9999."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from syncd.resolve.dates import parse_due
from syncd.resolve.due_policy import add_business_days

POSTMORTEM = date(2026, 3, 1)


@pytest.mark.parametrize(
    "written",
    ["9999-12-31", "31 Dec 9999", "in 999 years", "Q4 9999", "end of 9999", "0001-01-01"],
)
def test_a_due_date_outside_the_accepted_years_is_not_read(written: str) -> None:
    parsed = parse_due(written, postmortem_date=POSTMORTEM, date_order=None)
    assert parsed.date is None
    assert parsed.unparsed


def test_the_last_accepted_year_is_read() -> None:
    parsed = parse_due("2199-12-31", postmortem_date=POSTMORTEM, date_order=None)
    assert parsed.date == date(2199, 12, 31)


def _one_day_at_a_time(start: date, days: int, holidays: frozenset[date]) -> date:
    current, remaining = start, days
    while remaining:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            remaining -= 1
    return current


def test_business_days_by_whole_weeks_agree_with_counting_day_by_day() -> None:
    generator = random.Random(20261116)  # fixed: the same cases on every run
    for _ in range(3000):
        start = date(2026, 1, 1) + timedelta(days=generator.randint(0, 800))
        days = generator.randint(1, 400)
        holidays = frozenset(
            date(2026, 1, 1) + timedelta(days=generator.randint(0, 1500))
            for _ in range(generator.randint(0, 60))
        )
        expected = _one_day_at_a_time(start, days, holidays)
        assert add_business_days(start, days, holidays) == expected, (start, days)


def test_ten_years_of_business_days_from_the_latest_postmortem_date_fit_the_calendar() -> None:
    latest = date(2200, 12, 31)
    assert add_business_days(latest, 3650) == _one_day_at_a_time(latest, 3650, frozenset())
