from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from syncd.cron import cron_trigger, crontab_weekdays
from syncd.cycle.digest_inputs import current_slot

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("field", "names"),
    [
        ("1", "mon"),
        ("0", "sun"),
        ("7", "sun"),
        ("1-5", "mon,tue,wed,thu,fri"),
        ("1,3,5", "mon,wed,fri"),
        ("MON", "mon"),
        ("*", "*"),
        # crontab counts a step from Sunday (0): APScheduler's own */2 would start on Monday
        ("*/2", "sun,tue,thu,sat"),
        ("6-7", "sun,sat"),
        ("0-6", "sun,mon,tue,wed,thu,fri,sat"),
        ("1-7", "sun,mon,tue,wed,thu,fri,sat"),
        ("sun-sat", "sun,mon,tue,wed,thu,fri,sat"),
        ("mon-sun", "mon-sun"),  # not crontab's order: APScheduler's week, Monday first
    ],
)
def test_crontab_weekday_numbers_become_names(field: str, names: str) -> None:
    assert crontab_weekdays(field) == names


@pytest.mark.parametrize("expression", ["0 9 * * 1", "0 9 * * MON", "0 9 * * mon"])
def test_monday_is_monday_however_it_is_written(expression: str) -> None:
    # Saturday 21 November 2026: the next firing is Monday the 23rd at 09:00 in Berlin.
    start = datetime(2026, 11, 21, 12, 0, tzinfo=BERLIN)
    fire = cron_trigger(expression, BERLIN).get_next_fire_time(None, start)
    assert fire == datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)
    assert fire.weekday() == 0


def test_the_current_slot_is_the_latest_firing_in_the_teams_time_zone() -> None:
    now = datetime(2026, 11, 25, 8, 0, tzinfo=ZoneInfo("UTC"))  # Wednesday, 09:00 Berlin
    slot = current_slot("0 9 * * 1", "Europe/Berlin", now)
    assert slot == datetime(2026, 11, 23, 9, 0, tzinfo=BERLIN)
    assert current_slot("0 9 * * *", "Europe/Berlin", now) == datetime(
        2026, 11, 25, 9, 0, tzinfo=BERLIN
    )
