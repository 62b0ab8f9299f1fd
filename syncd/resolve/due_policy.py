"""The policy's due date for an item written without one: so many days, or business days, after
the postmortem."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from syncd.model import Priority


def default_due(
    priority: Priority | None,
    *,
    postmortem_date: date,
    due_days: Mapping[str, int],
    business_days: bool,
    holidays: frozenset[date] = frozenset(),
) -> date:
    """The policy's due date for an item with none: ``due_days`` for its priority, else default."""
    if priority is not None and priority.value in due_days:
        days = due_days[priority.value]
    elif "default" in due_days:
        days = due_days["default"]
    else:
        raise ValueError("policy.due_days needs a 'default' entry for items without a priority")
    if business_days:
        return add_business_days(postmortem_date, days, holidays)
    return postmortem_date + timedelta(days=days)


def add_business_days(start: date, days: int, holidays: frozenset[date] = frozenset()) -> date:
    """The ``days``-th business day (Mon-Fri, not a holiday) after ``start``.

    ``days == 0`` gives ``start`` itself when it is a business day, else the next one: a due
    date that falls on a weekend helps nobody.
    """
    if days < 0:
        raise ValueError(f"business days must not be negative, got {days}")
    current = start
    if days == 0:
        while not _is_business_day(current, holidays):
            current += timedelta(days=1)
        return current
    # Whole weeks at once (five business days each, less the holidays they hold), then day by
    # day: a policy of years of business days costs weeks, not days, per item.
    whole_weeks = (days - 1) // 5
    current += timedelta(days=7 * whole_weeks)
    skipped = sum(1 for h in holidays if start < h <= current and h.weekday() < 5)
    remaining = days - 5 * whole_weeks + skipped
    while remaining:
        current += timedelta(days=1)
        if _is_business_day(current, holidays):
            remaining -= 1
    return current


def _is_business_day(day: date, holidays: frozenset[date]) -> bool:
    return day.weekday() < 5 and day not in holidays
