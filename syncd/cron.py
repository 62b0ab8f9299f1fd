"""Cron schedules as people write them (crontab: 0 and 7 are Sunday), for APScheduler 3.

APScheduler 3's ``CronTrigger.from_crontab`` reads numbered weekdays its own way (0 is Monday),
so "0 9 * * 1" would fire on Tuesdays. Numbers in the day-of-week field are turned into names
first, which both read the same way.
"""

from __future__ import annotations

import re
from datetime import tzinfo

from apscheduler.triggers.cron import CronTrigger

_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NUMBER = re.compile(r"(?<![\w/])([0-7])(?![\w])")


def crontab_weekdays(field: str) -> str:
    """The day-of-week field with crontab's numbers as names ("1-5" → "mon-fri")."""

    def name(match: re.Match[str]) -> str:
        return _DAY_NAMES[int(match.group(1))]

    # A step ("*/2") counts days, not a weekday: it stays a number.
    return _NUMBER.sub(name, field)


def cron_trigger(expression: str, timezone: tzinfo) -> CronTrigger:
    """A trigger firing when the 5-field crontab ``expression`` says, in ``timezone``."""
    fields = expression.split()
    if len(fields) == 5:
        fields[4] = crontab_weekdays(fields[4])
    trigger: CronTrigger = CronTrigger.from_crontab(" ".join(fields), timezone=timezone)
    return trigger
