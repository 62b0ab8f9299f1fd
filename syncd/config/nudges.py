"""The ``nudges:`` block of a team file: which judgements comment on an issue, and how often."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from syncd.config.base import StrictModel

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NudgeReason = Literal["overdue", "due_soon", "stale"]


_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday(value: object) -> object:
    """A day as written ("Sat", "saturday", "Thurs"): the start, three letters or more, of a
    day's name. "sat-sun" or "Sunny" is no day: taking its first three letters would quietly
    keep a different week than the one meant."""
    if not isinstance(value, str):
        return value
    written = value.strip().casefold()
    if written == "weds":
        return "wed"
    for short, full in zip(WEEKDAYS, _FULL_NAMES, strict=True):
        if len(written) >= 3 and full.startswith(written):
            return short
    raise ValueError(f"{value!r} is not a day of the week (Mon, Tue, … Sun)")


WeekdayName = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Weekday = Annotated[WeekdayName, BeforeValidator(_weekday)]


def _weekend() -> list[WeekdayName]:
    return ["sat", "sun"]


def _overdue() -> list[NudgeReason]:
    return ["overdue"]


class NudgeConfig(StrictModel):
    """Comments on an item's issue, addressed to its assignee; no field is ever changed."""

    on: list[NudgeReason] = Field(
        default_factory=_overdue,
        min_length=1,
        description="Which judgements nudge: overdue, due_soon, stale.",
    )
    after_days: int = Field(
        1, ge=0, le=365, description="Days an item is overdue before its first overdue nudge."
    )
    every_days: int = Field(
        7,
        ge=1,
        le=365,
        description="Never a second nudge for the same item and reason within this many days.",
    )
    quiet_days: list[Weekday] = Field(
        default_factory=_weekend,
        description=(
            "Days of the week with no nudges (Mon … Sun), in the team's time zone; the policy's "
            "holidays are quiet too."
        ),
    )
