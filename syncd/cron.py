"""Cron schedules as people write them (crontab: 0 and 7 are Sunday), for APScheduler 3.

APScheduler 3's ``CronTrigger.from_crontab`` reads numbered weekdays its own way (0 is Monday),
so "0 9 * * 1" would fire on Tuesdays. The day-of-week field is read the crontab way here and
handed over as day names, which both read the same way ("0-6" is every day, Sunday first).

A schedule must also fire: "0 9 31 2 *" is valid syntax and never comes, and "0 9 29 2 *"
comes every four years. ``fires_every_year`` tells them apart from a yearly schedule.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from syncd.limits import MAX_CRON_GAP

_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_DAY = r"(?:[0-7]|sun|mon|tue|wed|thu|fri|sat)"
_PART = re.compile(rf"(?P<start>\*|{_DAY})(?:-(?P<end>{_DAY}))?(?:/(?P<step>[0-9]{{1,2}}))?")


def _day_number(text: str) -> int:
    """Crontab numbering: 0 (and 7) Sunday ... 6 Saturday; names the same."""
    return int(text) if text.isdigit() else _DAY_NAMES.index(text)


def crontab_weekdays(field: str) -> str:
    """The day-of-week field with crontab's meaning as names ("1-5" → "mon,tue,wed,thu,fri").

    A part that is not crontab syntax ("mon-sun" reads backwards in crontab numbering but is
    APScheduler's week) is left for APScheduler to read or refuse.
    """
    if field == "*":
        return field
    out: list[str] = []
    for part in field.lower().split(","):
        days = _crontab_days(part)
        out.extend(_DAY_NAMES[d] for d in days) if days is not None else out.append(part)
    return ",".join(dict.fromkeys(out))  # in order, once each


def _crontab_days(part: str) -> list[int] | None:
    match = _PART.fullmatch(part)
    if match is None:
        return None
    start, end, step = match["start"], match["end"], match["step"]
    if start == "*":
        if end is not None:
            return None
        first, last = 0, 6
    else:
        first = _day_number(start)
        last = _day_number(end) if end is not None else (6 if step else first)
    if first > last or (step is not None and int(step) == 0):
        return None
    return sorted({day % 7 for day in range(first, last + 1, int(step or 1))})


def cron_trigger(expression: str, timezone: tzinfo, *, end: datetime | None = None) -> CronTrigger:
    """A trigger firing when the 5-field crontab ``expression`` says, in ``timezone`` (until
    ``end``, when given)."""
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"wrong number of fields: {len(fields)}, expected 5")
    minute, hour, day, month, weekday = fields
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=crontab_weekdays(weekday),
        timezone=timezone,
        end_date=end,
    )


# Weekdays fall on the same dates every 28 years (leap years included, within 1901-2099): a
# schedule that fires often enough over 29 years from any start always does.
_CHECK_FROM = datetime(2025, 1, 1, tzinfo=UTC)
_CHECK_SPAN = timedelta(days=366 * 29)
# Sampling stride: a gap is looked for precisely only where a sample suggests one. Below the
# limit by more than a year's variation, so a yearly schedule passes in strides.
_STRIDE = timedelta(days=300)


@lru_cache(maxsize=256)
def schedule_gap_problem(expression: str, timezone: str) -> str | None:
    """Why ``expression`` (valid syntax) is not a schedule, in ``timezone``: it never fires,
    or not at least once a year; None when it is fine. Cached: every load asks again."""
    # The end bounds the search: a schedule that never fires is otherwise searched to year 9999.
    end = _CHECK_FROM + _CHECK_SPAN + MAX_CRON_GAP
    gap = first_gap_over_limit(cron_trigger(expression, ZoneInfo(timezone), end=end))
    if gap is None:
        return None
    if gap == timedelta.max:
        return "never fires (a day that does not exist, like 31 February)"
    return (
        f"leaves {gap.days} days or more between digests at times; a digest schedule must "
        f"fire at least once every {MAX_CRON_GAP.days} days (29 February, or a weekday on a "
        "given date, come years apart)"
    )


def first_gap_over_limit(trigger: CronTrigger) -> timedelta | None:
    """None when ``trigger`` fires within ``MAX_CRON_GAP`` of any moment, else the first wait
    found that is longer (``timedelta.max`` when it never fires)."""
    moment = _CHECK_FROM
    end = _CHECK_FROM + _CHECK_SPAN
    second = timedelta(seconds=1)
    while moment < end:
        fire: datetime | None = trigger.get_next_fire_time(None, moment)
        if fire is None:  # never, or not before the trigger's end
            return timedelta.max if moment == _CHECK_FROM else MAX_CRON_GAP + second
        wait: timedelta = fire - moment
        if wait > MAX_CRON_GAP:
            return wait
        # Every moment up to `fire` waits at most as long as `moment` did. Jump a stride past
        # it: if the next fire after the jump comes within the limit of `fire`, every moment
        # in between waits less than that too; if not, step to just after `fire` and look again.
        probe = fire + _STRIDE
        after: datetime | None = trigger.get_next_fire_time(None, probe)
        if after is not None and after - fire <= MAX_CRON_GAP:
            moment = after + second
        else:
            moment = fire + second
    return None
