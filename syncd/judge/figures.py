"""A team's follow-through in figures, and each item as one row: pure, with an injected clock.

The figures answer a lead's questions: how much of what postmortems asked for gets done
(completion), how much of it by its date (on time), how long closing takes, and how old the
overdue work is. ``syncd export`` writes them for a spreadsheet or a BI tool, ``/metrics``
exports them as gauges, and the digest shows the first two.

Rules shared with the digest: an orphaned item is not counted (its document no longer asks for
it); an issue closed as "won't do" without a reason is closed, neither on time nor late.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from syncd.judge.items import ItemJudgement
from syncd.judge.policy import JudgePolicy
from syncd.judge.team_days import local_date, team_today

# Overdue work by how long it has been overdue: the label and the last day of each bucket.
OVERDUE_AGES: tuple[tuple[str, int | None], ...] = (
    ("1-7d", 7),
    ("8-30d", 30),
    ("31-90d", 90),
    ("over_90d", None),
)


@dataclass(frozen=True, slots=True)
class TeamFigures:
    items: int  # counted items (orphaned ones left out)
    done: int
    timed: int  # done items with a due date and a known done date
    on_time: int
    median_days_to_close: float | None  # from the postmortem's date (else first seen) to done
    overdue_by_age: tuple[tuple[str, int], ...]

    @property
    def completion_rate(self) -> float | None:
        return self.done / self.items if self.items else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.timed if self.timed else None

    def as_json(self) -> dict[str, object]:
        return {
            "items": self.items,
            "done": self.done,
            "completion_rate": _rounded(self.completion_rate),
            "on_time": self.on_time,
            "done_with_due_date": self.timed,
            "on_time_rate": _rounded(self.on_time_rate),
            "median_days_to_close": self.median_days_to_close,
            "overdue_by_age": dict(self.overdue_by_age),
        }


def started_on(judgement: ItemJudgement, policy: JudgePolicy) -> date:
    """When the work was asked for: the postmortem's date, else when syncd first saw it."""
    state = judgement.state
    return state.item.postmortem.date or local_date(state.first_seen, policy.timezone)


def done_on(judgement: ItemJudgement, policy: JudgePolicy) -> date | None:
    """The day the item was done; None while open, or when it was done before syncd first saw
    it (that day is not known: the day syncd read it would call prompt work late)."""
    state = judgement.state
    if not judgement.done or state.done_at is None or state.done_at <= state.first_seen:
        return None
    return local_date(state.done_at, policy.timezone)


def was_on_time(judgement: ItemJudgement, policy: JudgePolicy) -> bool | None:
    """Done by its due date; None when that cannot be said (open, undated, no done date, or
    closed as won't do without a reason)."""
    due = judgement.state.item.due.date
    finished = done_on(judgement, policy)
    if due is None or finished is None or judgement.wont_do_unexplained:
        return None
    return finished <= due


def team_figures(judgements: Sequence[ItemJudgement], policy: JudgePolicy) -> TeamFigures:
    """The figures of a team's items, judged on one day."""
    counted = [j for j in judgements if not j.state.orphaned]
    done = [j for j in counted if j.done]
    timed = [verdict for j in done if (verdict := was_on_time(j, policy)) is not None]
    to_close = [
        max(0, (finished - started_on(j, policy)).days)
        for j in done
        if (finished := done_on(j, policy)) is not None
    ]
    ages = {label: 0 for label, _ in OVERDUE_AGES}
    for j in counted:
        if j.overdue_days:
            ages[_age_label(j.overdue_days)] += 1
    return TeamFigures(
        items=len(counted),
        done=len(done),
        timed=len(timed),
        on_time=sum(1 for verdict in timed if verdict),
        median_days_to_close=float(statistics.median(to_close)) if to_close else None,
        overdue_by_age=tuple(ages.items()),
    )


def days_open(judgement: ItemJudgement, policy: JudgePolicy, now: datetime) -> int | None:
    """Days from when the work was asked for until it was done, or until today; None for an
    item done on a day not known."""
    finished = done_on(judgement, policy)
    if judgement.done and finished is None:
        return None
    end = finished or team_today(now, policy.timezone)
    return max(0, (end - started_on(judgement, policy)).days)


def _age_label(days: int) -> str:
    return bucket_label(days, OVERDUE_AGES)


def bucket_label(days: int, buckets: tuple[tuple[str, int | None], ...]) -> str:
    """The label of the first of ``buckets`` (label, last day or None) that holds ``days``."""
    for label, last in buckets:
        if last is None or days <= last:
            return label
    return buckets[-1][0]


def _rounded(rate: float | None) -> float | None:
    return None if rate is None else round(rate, 4)
