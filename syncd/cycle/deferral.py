"""Work a cycle leaves for a later one because a tracker account's budget is spent.

Not a failure of the items: they are written when the budget opens, by the next cycle (the
service schedules the team for then). The command line still exits 1, so that a script or a
person sees that the tracker is not yet in step.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from syncd.http import RateLimitedError


@dataclass(frozen=True, slots=True)
class Deferral:
    """``items`` left for later; the budget opens at ``until`` (UTC), held by ``limit``."""

    items: int
    until: datetime
    limit: str

    def sentence(self) -> str:
        """ "300 items deferred until 14:05 (GitHub's hourly limit)", in this machine's time."""
        noun = "item" if self.items == 1 else "items"
        local = self.until.astimezone()
        return f"{self.items} {noun} deferred until {local:%H:%M} ({self.limit})"

    def as_json(self) -> dict[str, object]:
        return {"items": self.items, "until": self.until.isoformat(), "limit": self.limit}


def opening(error: RateLimitedError, now: datetime) -> tuple[datetime, str]:
    """When the budget behind ``error`` opens, and its limit in words."""
    if error.until is not None:
        until = datetime.fromtimestamp(error.until, UTC)
    else:
        until = now.astimezone(UTC) + _seconds(error.retry_after)
    return until, error.limit or f"{error.service}'s rate limit"


def deferred(
    previous: Deferral | None, items: int, error: RateLimitedError, now: datetime
) -> Deferral:
    """``previous`` with ``items`` more; the first refusal says when and why."""
    if previous is not None:
        return Deferral(previous.items + items, previous.until, previous.limit)
    until, limit = opening(error, now)
    return Deferral(items, until, limit)


def _seconds(value: float) -> timedelta:
    return timedelta(seconds=max(value, 0.0))
