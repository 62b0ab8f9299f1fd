"""The part of a team's policy that judging needs, as plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class JudgePolicy:
    """Thresholds in days; with ``business_days`` they count Mon-Fri days that are no holiday.

    Business days apply to the windows a person plans in (due soon, stale, the follow-up review
    date). Overdue is a plain fact about dates and counts calendar days either way: an item due
    on Friday is three days overdue on Monday.
    """

    due_soon_days: int = 7
    stale_after_days: int = 14
    review_after_days: int = 35
    business_days: bool = False
    holidays: frozenset[date] = field(default_factory=frozenset)
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))

    def __post_init__(self) -> None:
        for name in ("due_soon_days", "stale_after_days", "review_after_days"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative, got {getattr(self, name)}")
