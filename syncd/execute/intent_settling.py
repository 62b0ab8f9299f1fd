"""Which open intents a fenced writer may resolve now, after it took a team over.

An open intent means a create request may have been sent. One recorded by this holder is its
own (an earlier cycle's unknown outcome): resolved at once by a marker search. One left by
another holder may belong to a writer that lost the team while its request was in flight: its
issue may appear in the tracker up to a tracker timeout after the request, however late that
holder noticed. So it is left alone until it is older than a lease period plus the tracker's
timeout, then taken over (claimed, so that the old holder can no longer complete it) and
resolved by marker search like any other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from syncd.output.logs import get_logger
from syncd.store import Intent
from syncd.store.roles import IntentStore


@dataclass(frozen=True, slots=True)
class IntentSettling:
    holder: str  # this writer's lease holder name
    settle_after: timedelta  # a lease period plus the tracker's connect and read timeouts
    wall_clock: Callable[[], datetime]  # real time: intents are aged across processes


def intent_time(settling: IntentSettling | None, cycle_now: datetime) -> datetime:
    """When an intent is recorded: the real time for a fenced writer, whose intents others
    age; else the cycle's time, as before."""
    return settling.wall_clock() if settling is not None else cycle_now


def intents_to_resolve(
    team: str, store: IntentStore, intents: Sequence[Intent], settling: IntentSettling | None
) -> list[Intent]:
    """The intents to resolve by marker search now; see the module."""
    if settling is None:
        return list(intents)
    now = settling.wall_clock()
    mine = [i for i in intents if i.claimed_by == settling.holder]
    others = [i for i in intents if i.claimed_by != settling.holder]
    ripe = [i for i in others if i.started_at + settling.settle_after <= now]
    young = [i for i in others if i not in ripe]
    if young:
        get_logger(team=team).info(
            "mirror.intents_left_to_settle",
            intents=len(young),
            holders=sorted({i.claimed_by or "unknown" for i in young}),
            settle_after_seconds=settling.settle_after.total_seconds(),
        )
    if not ripe:
        return mine
    claimed = store.claim_intents(team, [i.item_id for i in ripe])
    if claimed:
        get_logger(team=team).info("mirror.intents_settling", intents=len(claimed))
    return mine + [i for i in ripe if i.item_id in claimed]
