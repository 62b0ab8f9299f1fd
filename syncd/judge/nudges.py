"""Which issues get a nudge today: pure, over judged items, the team's policy and the history.

A nudge is a comment on an open item's issue, addressed to whoever holds it in the tracker.
At most one per issue per ``every_days`` (whatever the reason), none on a quiet day or a
holiday, and none for an item done, orphaned, without an issue, or first seen today (its
assignee was just given the issue). The reasons are tried in the
order overdue, due soon, stale: an item both overdue and stale is nudged for being overdue.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from syncd.judge.items import ItemJudgement, judge_item
from syncd.judge.nudge_text import nudge_text
from syncd.judge.policy import JudgePolicy
from syncd.judge.state import ItemState
from syncd.judge.team_days import local_date, team_today

REASONS = ("overdue", "due_soon", "stale")


@dataclass(frozen=True, slots=True)
class NudgePolicy:
    reasons: frozenset[str]
    after_days: int = 1  # days overdue before the first overdue nudge
    every_days: int = 7
    quiet_weekdays: frozenset[int] = frozenset({5, 6})  # date.weekday(): Monday is 0

    def __post_init__(self) -> None:
        unknown = self.reasons - set(REASONS)
        if unknown:
            raise ValueError(f"unknown nudge reasons: {sorted(unknown)}")
        if self.every_days < 1 or self.after_days < 0:
            raise ValueError("every_days must be at least 1 and after_days not negative")


@dataclass(frozen=True, slots=True)
class PlannedNudge:
    item_id: str
    issue_key: str
    reason: str
    day: date  # the team's today
    not_since: date  # no other nudge of the issue may have been counted since this day
    mention: str | None  # the tracker user id of who holds the issue; None: nobody
    text: str


def plan_nudges(
    states: Sequence[ItemState],
    policy: JudgePolicy,
    nudging: NudgePolicy,
    last_nudged: Mapping[str, date],
    now: datetime,
) -> tuple[PlannedNudge, ...]:
    """The nudges due at ``now``. ``last_nudged``: each item's last counted nudge day."""
    today = team_today(now, policy.timezone)
    if today.weekday() in nudging.quiet_weekdays or today in policy.holidays:
        return ()
    not_since = today - timedelta(days=nudging.every_days - 1)
    planned = []
    for state in states:
        if state.issue_key is None or local_date(state.first_seen, policy.timezone) == today:
            continue  # no issue to comment on, or one its assignee was only given today
        last = last_nudged.get(state.item.id)
        if last is not None and last >= not_since:
            continue
        judgement = judge_item(_due_as_in_tracker(state), policy, now)
        reason = nudge_reason(judgement, nudging)
        if reason is None:
            continue
        holder = state.tracker_assignee
        planned.append(
            PlannedNudge(
                item_id=state.item.id,
                issue_key=state.issue_key,
                reason=reason,
                day=today,
                not_since=not_since,
                mention=None if holder is None or holder.cleared else holder.user_id,
                text=nudge_text(reason, judgement),
            )
        )
    return tuple(planned)


def nudge_reason(judgement: ItemJudgement, nudging: NudgePolicy) -> str | None:
    """The first reason, in ``REASONS`` order, that holds of an item and the team nudges for."""
    if judgement.done or judgement.orphaned:
        return None
    holds = {
        "overdue": (judgement.overdue_days or 0) >= max(1, nudging.after_days),
        "due_soon": judgement.due_soon,
        "stale": judgement.stale,
    }
    return next((r for r in REASONS if r in nudging.reasons and holds[r]), None)


def _due_as_in_tracker(state: ItemState) -> ItemState:
    """The item judged on its issue's due date: a person who moved it in the tracker did what
    an overdue nudge would ask, and syncd keeps their date. A due date in conflict with the
    document's is no one's yet: no date-based nudge. A tracker without one (GitHub without
    milestones) leaves the document's."""
    due = state.item.due
    if "due" in state.conflict_fields:
        tracker_due = None
    elif state.tracker_due is not None and state.tracker_due != due.date:
        tracker_due = state.tracker_due
    else:
        return state
    item = dataclasses.replace(state.item, due=dataclasses.replace(due, date=tracker_due))
    return dataclasses.replace(state, item=item)
