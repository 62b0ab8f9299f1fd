"""When a team's pending sync requests are taken in, and when they run. Pure, on given times.

A burst of events (a push of ten files, a bulk edit in Jira) becomes one sync: a team's
requests run once the first of them has waited ``debounce``, and every request received
before that sync starts is settled by it. The queue is bounded: beyond the limits a request is
dropped (counted); the team already has a sync pending, and polling catches up regardless.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

ACCEPTED, COALESCED, DROPPED = "accepted", "coalesced", "dropped"


@dataclass(frozen=True, slots=True)
class QueueLimits:
    per_team: int  # pending requests kept per team
    total: int  # pending requests kept over all teams


@dataclass(frozen=True, slots=True)
class PendingTeam:
    team: str
    first_received: datetime
    requests: int


def admission(team_pending: int, total_pending: int, limits: QueueLimits) -> str:
    """How a new request is taken in: ``accepted`` (the team's first pending one), ``coalesced``
    (joins a sync already pending), or ``dropped`` (the queue is full)."""
    if team_pending >= limits.per_team or total_pending >= limits.total:
        return DROPPED
    return COALESCED if team_pending else ACCEPTED


def due_teams(pending: Iterable[PendingTeam], *, now: datetime, debounce: timedelta) -> list[str]:
    """The teams whose first pending request has waited ``debounce``, oldest first."""
    due = [team for team in pending if now >= team.first_received + debounce]
    return [team.team for team in sorted(due, key=lambda t: (t.first_received, t.team))]
