"""Durations as people write them in configuration: ``10m``, ``90s``, ``1h30m``, ``600``."""

from __future__ import annotations

import math
import re
from datetime import timedelta

_DURATION = re.compile(
    r"(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?", re.IGNORECASE
)

EXPECTED = "a duration like 10m, 90s or 1h30m (units d, h, m, s), or a number of seconds"
# Far beyond any setting's own limit, and far below what timedelta overflows on: a longer
# duration is refused here, before it is built.
LONGEST = timedelta(days=365 * 100)


def parse_duration(value: str | int | float | timedelta) -> timedelta:
    """Raise ``ValueError`` saying what is expected when ``value`` is not a duration."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool):
        raise ValueError(f"must be {EXPECTED}")
    if isinstance(value, int | float):
        return _seconds(value)
    text = value.strip().replace(" ", "")
    if re.search(r"[1-9]\d{15}", text):  # int() refuses thousands of digits; no need to try
        raise ValueError(f"must be shorter than {LONGEST.days // 365} years")
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return _seconds(float(text))
    match = _DURATION.fullmatch(text)
    if not text or match is None:
        raise ValueError(f"must be {EXPECTED}")
    units = {"d": 86400, "h": 3600, "m": 60, "s": 1}
    # Python integers do not overflow: the sum is exact however many digits were written.
    total = sum(units[unit] * int(amount) for unit, amount in match.groupdict().items() if amount)
    return _seconds(total)


def _seconds(seconds: int | float) -> timedelta:
    if isinstance(seconds, float) and not math.isfinite(seconds):
        raise ValueError(f"must be {EXPECTED}")
    if seconds > LONGEST.total_seconds():
        raise ValueError(f"must be shorter than {LONGEST.days // 365} years")
    if seconds < 0:
        raise ValueError("must not be negative")
    return timedelta(seconds=seconds)


def format_duration(value: timedelta) -> str:
    """The short form ``parse_duration`` reads: ``1h30m``, ``90s`` -> ``1m30s``."""
    seconds = int(value.total_seconds())
    if seconds == 0:
        return "0s"
    days, seconds = divmod(seconds, 86400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    units = (("d", days), ("h", hours), ("m", minutes), ("s", seconds))
    return "".join(f"{amount}{unit}" for unit, amount in units if amount)
