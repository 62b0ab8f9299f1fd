"""Days as a team counts them: its own "today", and business days when its policy says so."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


def team_today(now: datetime, timezone: ZoneInfo) -> date:
    """The team's calendar date at ``now`` (which must be time-zone aware)."""
    return local_date(now, timezone)


def local_date(moment: datetime, timezone: ZoneInfo) -> date:
    """The calendar date of ``moment`` in ``timezone``; a naive moment is refused, not guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a time-zone aware datetime is needed, got {moment.isoformat()}")
    return moment.astimezone(timezone).date()


def is_business_day(day: date, holidays: frozenset[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def business_days_between(start: date, end: date, holidays: frozenset[date] = frozenset()) -> int:
    """How many business days lie after ``start`` up to and including ``end`` (negative if before).

    Friday to Monday is one business day; Friday to Saturday is none.
    """
    if end < start:
        return -business_days_between(end, start, holidays)
    whole_weeks, rest = divmod((end - start).days, 7)
    count = whole_weeks * 5
    day = start + timedelta(days=whole_weeks * 7)
    for _ in range(rest):
        day += timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    # Holidays on weekends are not business days anyway; count only those that would have been.
    count -= sum(1 for h in holidays if start < h <= end and h.weekday() < 5)
    return count


def days_between(start: date, end: date, *, business: bool, holidays: frozenset[date]) -> int:
    """Days from ``start`` to ``end`` as the policy counts them."""
    if business:
        return business_days_between(start, end, holidays)
    return (end - start).days
