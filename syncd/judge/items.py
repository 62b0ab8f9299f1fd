"""Judging one action item: what is true of it on the team's today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from syncd.judge.policy import JudgePolicy
from syncd.judge.state import ItemState
from syncd.judge.team_days import days_between, local_date, team_today
from syncd.model import DueOrigin, Flag
from syncd.resolve.people import is_placeholder_owner
from syncd.resolve.vague import item_vagueness


@dataclass(frozen=True, slots=True)
class ItemJudgement:
    """What holds for one item. Day counts are calendar days, for people to read.

    An orphaned item is judged only as orphaned (and for conflicts and errors): its document no
    longer asks for it, so nagging about its date or owner would be noise until a person decides.
    A done item is judged only for an unexplained "won't do" closure, conflicts and errors.
    """

    state: ItemState
    done: bool
    overdue_days: int | None = None  # > 0 when overdue
    due_soon: bool = False
    days_to_due: int | None = None  # calendar days until the due date, for open dated items
    stale: bool = False
    idle_days: int | None = None  # calendar days since the last activity (or first seen)
    unowned: bool = False
    owner_unresolved: bool = False  # an owner is written but matches nobody in the people map
    undated: bool = False  # no date written: the policy's date (if any) is in use
    ambiguous_date: bool = False
    vague: str | None = None  # the reason, for the author
    orphaned: bool = False
    conflict: bool = False
    error: str | None = None
    wont_do_unexplained: bool = False

    @property
    def overdue(self) -> bool:
        return self.overdue_days is not None

    @property
    def flags(self) -> frozenset[Flag]:
        """The judgement as the ``status --json`` flags name it."""
        pairs = (
            (Flag.UNOWNED, self.unowned or self.owner_unresolved),
            (Flag.UNDATED, self.undated),
            (Flag.VAGUE, self.vague is not None),
            (Flag.AMBIGUOUS_DATE, self.ambiguous_date),
            (Flag.OVERDUE, self.overdue),
            (Flag.DUE_SOON, self.due_soon),
            (Flag.STALE, self.stale),
            (Flag.ORPHANED, self.orphaned),
            (Flag.CONFLICT, self.conflict),
            (Flag.ERROR, self.error is not None),
        )
        return frozenset(flag for flag, holds in pairs if holds)

    @property
    def needs_attention(self) -> bool:
        return (
            self.unowned
            or self.owner_unresolved
            or self.undated
            or self.ambiguous_date
            or self.vague is not None
            or self.orphaned
            or self.conflict
            or self.error is not None
            or self.wont_do_unexplained
        )


def judge_item(state: ItemState, policy: JudgePolicy, now: datetime) -> ItemJudgement:
    """Judge one item at ``now`` (time-zone aware) by the team's policy and time zone."""
    today = team_today(now, policy.timezone)
    if state.done:
        return ItemJudgement(
            state=state,
            done=True,
            wont_do_unexplained=state.wont_do_unexplained,
            conflict=state.in_conflict,
            error=state.sync_error,
        )
    if state.orphaned:
        return ItemJudgement(
            state=state,
            done=False,
            orphaned=True,
            conflict=state.in_conflict,
            error=state.sync_error,
        )

    item = state.item
    overdue_days, days_to_due, due_soon = _due(item.due.date, today, policy)

    # Calendar dates in the team's zone: "14 days without activity" means fourteen of the
    # team's days, also across a daylight-saving change (when 14 days are 335 or 337 hours).
    last = state.last_activity if state.last_activity is not None else state.first_seen
    last_day = local_date(last, policy.timezone)
    idle_days = max(0, (today - last_day).days)
    idle = days_between(last_day, today, business=policy.business_days, holidays=policy.holidays)

    unowned, owner_unresolved = _ownership(state)
    return ItemJudgement(
        state=state,
        done=False,
        overdue_days=overdue_days,
        due_soon=due_soon,
        days_to_due=days_to_due,
        stale=idle >= policy.stale_after_days,
        idle_days=idle_days,
        unowned=unowned,
        owner_unresolved=owner_unresolved,
        undated=item.due.origin is DueOrigin.POLICY or item.due.date is None,
        ambiguous_date=item.due.ambiguous or Flag.AMBIGUOUS_DATE in item.flags,
        vague=item_vagueness(item.title, item.detail),
        conflict=state.in_conflict,
        error=state.sync_error,
    )


def _due(due: date | None, today: date, policy: JudgePolicy) -> tuple[int | None, int | None, bool]:
    """(overdue days, days to the due date, due soon) of an open item."""
    overdue_days: int | None = None
    days_to_due: int | None = None
    due_soon = False
    if due is not None:
        if due < today:
            overdue_days = (today - due).days
        else:
            days_to_due = (due - today).days
            window = days_between(
                today, due, business=policy.business_days, holidays=policy.holidays
            )
            due_soon = window <= policy.due_soon_days
    return overdue_days, days_to_due, due_soon


def _ownership(state: ItemState) -> tuple[bool, bool]:
    """(unowned, owner unresolved) of an open item."""
    owner = state.item.owner
    written_nobody = is_placeholder_owner(owner.written)
    # Someone holds the issue in the tracker: the item is owned, whatever the document says.
    holder = state.tracker_assignee
    held = holder is not None and not holder.cleared
    # A person removed the assignee in the tracker: nobody holds it, whoever the document names.
    cleared = holder is not None and holder.cleared
    unowned = cleared or (owner.person is None and written_nobody and not held)
    owner_unresolved = owner.person is None and not written_nobody and not held
    return unowned, owner_unresolved
