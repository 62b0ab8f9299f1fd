"""The one place syncd reads the calendar: every "now" below the command line comes from here.

Judging, digests and policy dates are pure functions of a ``now`` passed in; only the edges (the
CLI and the service) ask this module for it. That is what lets a test run syncd on any date.

``SYNCD_TEST_NOW`` is the test-only hook: an ISO-8601 instant (``2027-06-02T09:00:00Z``) that syncd
takes as the calendar time, frozen, so that two commands run one after the other agree exactly on
"now" (a clock that ran on from its start would put the second command before the first). Real
durations (leases, waits, timeouts) never come from here. The hook exists for tests that run syncd
in a separate process; a production deployment never sets it, and syncd says so on stderr.

``SYNCD_TEST_TIME_SHIFT`` (seconds, may be negative) is its running twin: the wall clock moved by a
constant, as a test suite that travels in time (``tests/support/wall_clock.py``) sees it, so a
syncd process and the fakes of the test that started it agree on the date while time still passes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta

TEST_NOW_ENV = "SYNCD_TEST_NOW"
TIME_SHIFT_ENV = "SYNCD_TEST_TIME_SHIFT"

Now = Callable[[], datetime]


class ClockSettingError(ValueError):
    """``SYNCD_TEST_NOW`` holds something that is not an instant."""


def parse_instant(text: str) -> datetime:
    """An ISO-8601 date or instant; a naive one is read as UTC."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ClockSettingError(
            f"{TEST_NOW_ENV}={text!r} is not an ISO-8601 instant (e.g. 2027-06-02T09:00:00Z)"
        ) from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def system_now() -> datetime:
    return datetime.now(UTC)


def pinned_clock(instant: datetime) -> Now:
    """A clock that always reads ``instant``."""

    def now() -> datetime:
        return instant

    return now


def shifted_clock(shift: timedelta) -> Now:
    """The system clock moved by ``shift``."""

    def now() -> datetime:
        return datetime.now(UTC) + shift

    return now


def clock_from_env(env: Mapping[str, str]) -> tuple[Now, datetime | None]:
    """The clock this process runs on, and what it reads now when a test hook changes it."""
    text = env.get(TEST_NOW_ENV, "").strip()
    if text:
        instant = parse_instant(text)
        return pinned_clock(instant), instant
    shift_text = env.get(TIME_SHIFT_ENV, "").strip()
    if shift_text:
        try:
            shift = timedelta(seconds=float(shift_text))
        except (ValueError, OverflowError) as exc:
            raise ClockSettingError(
                f"{TIME_SHIFT_ENV}={shift_text!r} is not a number of seconds"
            ) from exc
        clock = shifted_clock(shift)
        return clock, clock()
    return system_now, None
