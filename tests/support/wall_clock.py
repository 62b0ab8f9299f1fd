"""Run the suite as if the wall clock showed another date: ``SYNCD_TEST_WALL_CLOCK=2027-06-02``.

A test that passes today and fails six months on reads the wall clock somewhere. With this
variable set, the whole pytest process travels (time-machine moves ``datetime.now``, ``date.today``
and ``time.time`` at the C level, and time keeps running from there), and every syncd process a
test starts is shifted by the same amount through ``SYNCD_TEST_TIME_SHIFT``, so the test, its fake
servers and syncd all agree on the date. ``tests/test_any_day.py`` runs the date-sensitive tests
this way at several dates.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from syncd.clock import TIME_SHIFT_ENV, parse_instant

WALL_CLOCK_ENV = "SYNCD_TEST_WALL_CLOCK"


def travelled_to() -> datetime | None:
    text = os.environ.get(WALL_CLOCK_ENV, "").strip()
    return parse_instant(text) if text else None


@pytest.fixture(scope="session", autouse=True)
def _wall_clock_travel() -> Iterator[None]:
    target = travelled_to()
    if target is None:
        yield
        return
    import time_machine

    shift = target - datetime.now(UTC)
    previous = os.environ.get(TIME_SHIFT_ENV)
    os.environ[TIME_SHIFT_ENV] = str(shift.total_seconds())
    try:
        with time_machine.travel(target, tick=True):
            yield
    finally:
        if previous is None:
            os.environ.pop(TIME_SHIFT_ENV, None)
        else:
            os.environ[TIME_SHIFT_ENV] = previous
