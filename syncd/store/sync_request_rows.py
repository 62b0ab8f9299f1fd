"""Statements for sync requests (revision 0014): record a webhook's request for a team's sync,
read what is pending, settle it, prune old rows.

Each function runs inside a transaction its caller opened; none commits. The pending query
reads only rows not done (indexed by ``done_at, team``), and pruning keeps the table small.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, delete, func, or_, select, update

from syncd.store.statements import insert_for
from syncd.store.tables import sync_requests
from syncd.webhooks.debounce import DROPPED, PendingTeam

DUPLICATE = "duplicate"


def request(
    conn: Connection,
    delivery_id: str,
    team: str,
    *,
    endpoint: str,
    at: datetime,
    admit: Callable[[int, int], str],
) -> str:
    """Record the request unless its delivery was recorded for the team before (``duplicate``)
    or ``admit(team_pending, total_pending)`` drops it; the outcome."""
    seen = conn.execute(
        select(sync_requests.c.team).where(
            sync_requests.c.delivery_id == delivery_id, sync_requests.c.team == team
        )
    ).first()
    if seen is not None:
        return DUPLICATE
    pending = sync_requests.c.done_at.is_(None)
    total = conn.execute(select(func.count()).where(pending)).scalar_one()
    of_team = conn.execute(
        select(func.count()).where(pending, sync_requests.c.team == team)
    ).scalar_one()
    outcome = admit(int(of_team), int(total))
    if outcome == DROPPED:
        return outcome
    inserted = conn.execute(
        insert_for(conn.dialect.name)(sync_requests)
        .values(delivery_id=delivery_id, team=team, endpoint=endpoint, received_at=at)
        .on_conflict_do_nothing(index_elements=[sync_requests.c.delivery_id, sync_requests.c.team])
        .returning(sync_requests.c.team)
    ).first()
    # Another replica recorded the same delivery between our read and insert.
    return outcome if inserted is not None else DUPLICATE


def pending(conn: Connection) -> list[PendingTeam]:
    first = func.min(sync_requests.c.received_at)
    found = conn.execute(
        select(sync_requests.c.team, first, func.count())
        .where(sync_requests.c.done_at.is_(None))
        .group_by(sync_requests.c.team)
    ).all()
    return [PendingTeam(team, received, int(count)) for team, received, count in found]


def settle(conn: Connection, team: str, *, received_by: datetime, at: datetime) -> list[datetime]:
    """Mark the team's requests received by ``received_by`` done; their receipt times."""
    where = (
        sync_requests.c.team == team,
        sync_requests.c.done_at.is_(None),
        sync_requests.c.received_at <= received_by,
    )
    received = list(conn.execute(select(sync_requests.c.received_at).where(*where)).scalars())
    if received:
        conn.execute(update(sync_requests).where(*where).values(done_at=at))
    return received


def prune(conn: Connection, *, done_before: datetime, received_before: datetime) -> int:
    """Delete requests done before ``done_before``, and any received before ``received_before``
    (a team no replica syncs any more leaves its requests pending for good)."""
    result = conn.execute(
        delete(sync_requests).where(
            or_(
                sync_requests.c.done_at < done_before,
                sync_requests.c.received_at < received_before,
            )
        )
    )
    return int(result.rowcount or 0)
