"""Durations as people write them in configuration: ``10m``, ``90s``, ``1h30m``, ``600``."""

from __future__ import annotations

import re
from datetime import timedelta

_DURATION = re.compile(
    r"(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?(?:(?P<s>\d+)s)?", re.IGNORECASE
)

EXPECTED = "a duration like 10m, 90s or 1h30m (units d, h, m, s), or a number of seconds"


def parse_duration(value: str | int | float | timedelta) -> timedelta:
    """Raise ``ValueError`` saying what is expected when ``value`` is not a duration."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool):
        raise ValueError(f"must be {EXPECTED}")
    if isinstance(value, int | float):
        return timedelta(seconds=value)
    text = value.strip().replace(" ", "")
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return timedelta(seconds=float(text))
    match = _DURATION.fullmatch(text)
    if not text or match is None:
        raise ValueError(f"must be {EXPECTED}")
    parts = {unit: int(amount) for unit, amount in match.groupdict().items() if amount}
    return timedelta(
        days=parts.get("d", 0),
        hours=parts.get("h", 0),
        minutes=parts.get("m", 0),
        seconds=parts.get("s", 0),
    )


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
