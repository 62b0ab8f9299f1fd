"""A team's day in figures, kept by the service once a day for the status page's charts.

Pure, over judged items: the same rules as ``syncd.judge.figures`` (orphaned items are not
counted; on time only for done items with a due date and a known done day).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from syncd.judge.figures import bucket_label, started_on, team_figures
from syncd.judge.items import ItemJudgement
from syncd.judge.policy import JudgePolicy
from syncd.judge.team_days import team_today

# Open items by how long ago their work was asked for: the label and the last day of each bucket.
OPEN_AGES: tuple[tuple[str, int | None], ...] = (
    ("0-30d", 30),
    ("31-90d", 90),
    ("91-180d", 180),
    ("over_180d", None),
)


@dataclass(frozen=True, slots=True)
class DailySnapshot:
    team: str
    day: date  # the team's calendar day
    taken_at: datetime
    items: int  # counted items (orphaned ones left out)
    open: int
    done: int
    overdue: int
    due_soon: int
    on_time: int  # done by their due date ...
    timed: int  # ... of the done items with a due date and a known done day
    open_ages: tuple[tuple[str, int], ...]  # OPEN_AGES' labels, in order

    @property
    def completion_rate(self) -> float | None:
        return self.done / self.items if self.items else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.timed if self.timed else None


def open_ages(
    judgements: Sequence[ItemJudgement], policy: JudgePolicy, today: date
) -> tuple[tuple[str, int], ...]:
    """How many open items fall in each of ``OPEN_AGES`` on ``today``."""
    counts = {label: 0 for label, _ in OPEN_AGES}
    for j in judgements:
        if not j.done and not j.state.orphaned:
            counts[bucket_label(max(0, (today - started_on(j, policy)).days), OPEN_AGES)] += 1
    return tuple(counts.items())


def take_snapshot(
    team: str, judgements: Sequence[ItemJudgement], policy: JudgePolicy, now: datetime
) -> DailySnapshot:
    """The team's figures at ``now``, for the team's today."""
    today = team_today(now, policy.timezone)
    figures = team_figures(judgements, policy)
    counted = [j for j in judgements if not j.state.orphaned]
    return DailySnapshot(
        team=team,
        day=today,
        taken_at=now,
        items=figures.items,
        open=sum(1 for j in counted if not j.done),
        done=figures.done,
        overdue=sum(1 for j in counted if j.overdue),
        due_soon=sum(1 for j in counted if j.due_soon and not j.overdue),
        on_time=figures.on_time,
        timed=figures.timed,
        open_ages=open_ages(judgements, policy, today),
    )
