"""Judging postmortems: is the follow-up review due, and how far did its action items get?"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from syncd.judge.items import ItemJudgement
from syncd.judge.policy import JudgePolicy
from syncd.judge.team_days import team_today
from syncd.model import Postmortem
from syncd.resolve.due_policy import add_business_days


def postmortem_key(postmortem: Postmortem) -> tuple[str, str]:
    """A postmortem's identity within a team: its source and document."""
    return (postmortem.source, postmortem.document)


@dataclass(frozen=True, slots=True)
class PostmortemJudgement:
    postmortem: Postmortem
    total: int  # its items, not counting orphaned ones
    done: int
    review_date: date | None  # None when the postmortem has no date
    review_due: bool  # the review date has come and some item is still open
    all_open: bool  # review due and not a single item done: flagged

    @property
    def open(self) -> int:
        return self.total - self.done


def review_date(postmortem_date: date, policy: JudgePolicy) -> date:
    if policy.business_days:
        return add_business_days(postmortem_date, policy.review_after_days, policy.holidays)
    return postmortem_date + timedelta(days=policy.review_after_days)


def judge_postmortems(
    postmortems: Iterable[Postmortem],
    judgements: Sequence[ItemJudgement],
    policy: JudgePolicy,
    now: datetime,
) -> list[PostmortemJudgement]:
    """One judgement per postmortem, in the order given (duplicates by identity dropped).

    A review is due from its date on while any item is still open: a postmortem whose items are
    all done needs no reminder, one with open items keeps its reminder until they are done.
    """
    today = team_today(now, policy.timezone)
    counts: dict[tuple[str, str], list[int]] = {}
    for judgement in judgements:
        if judgement.state.orphaned:
            continue  # no longer asked for by its document: neither done nor open work
        tally = counts.setdefault(postmortem_key(judgement.state.item.postmortem), [0, 0])
        tally[0] += 1
        tally[1] += judgement.done
    result: list[PostmortemJudgement] = []
    seen: set[tuple[str, str]] = set()
    for postmortem in postmortems:
        key = postmortem_key(postmortem)
        if key in seen:
            continue
        seen.add(key)
        total, done = counts.get(key, [0, 0])
        due_on = review_date(postmortem.date, policy) if postmortem.date is not None else None
        review_due = due_on is not None and today >= due_on and done < total
        result.append(
            PostmortemJudgement(
                postmortem=postmortem,
                total=total,
                done=done,
                review_date=due_on,
                review_due=review_due,
                all_open=review_due and done == 0,
            )
        )
    return result
