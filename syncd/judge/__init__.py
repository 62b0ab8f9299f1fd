"""Judging action items and postmortems against a team's policy: pure, with an injected clock.

``judge_item`` says what is true of one item today (overdue, due soon, stale, unowned, ...);
``judge_postmortems`` says which postmortems' follow-up reviews are due and how far their items
got. Both take the clock as ``now`` (time-zone aware) and the team's time zone in the policy, so
"today" is the team's today, wherever the server runs.
"""

from __future__ import annotations

from syncd.judge.items import ItemJudgement, judge_item
from syncd.judge.policy import JudgePolicy
from syncd.judge.postmortems import PostmortemJudgement, judge_postmortems, postmortem_key
from syncd.judge.state import ItemState
from syncd.judge.team_days import business_days_between, team_today

__all__ = [
    "ItemJudgement",
    "ItemState",
    "JudgePolicy",
    "PostmortemJudgement",
    "business_days_between",
    "judge_item",
    "judge_postmortems",
    "postmortem_key",
    "team_today",
]
