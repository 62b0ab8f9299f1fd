"""Statements for nudges (revision 0010): claim a nudge before its comment is posted, then
record how the post went.

Each function runs inside a transaction its caller opened; none commits. The claim enforces
the period in the same transaction as its insert: no nudge of the same item's issue counted
since ``not_since`` (a claimed, sent or unknown one, for any reason), and one row per team day.
A cycle writes only while it holds the team (its fence conditions the transaction), so a
second replica can never claim the same nudge; a claim whose writer died before posting
counts as posted (a nudge may be lost, never doubled).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ColumnElement, Connection, and_, select, update

from syncd.store.statements import insert_for
from syncd.store.tables import nudges

# A nudge that was, or may have been, posted; or one the tracker refused for good.
COUNTED = ("claimed", "sent", "unknown", "refused")
ERROR_LIMIT = 2_000


def _key(team: str, item_id: str, reason: str, day: date) -> ColumnElement[bool]:
    return and_(
        nudges.c.team == team,
        nudges.c.item_id == item_id,
        nudges.c.reason == reason,
        nudges.c.day == day,
    )


def claim(
    conn: Connection,
    team: str,
    item_id: str,
    reason: str,
    *,
    day: date,
    not_since: date,
    issue_key: str,
    at: datetime,
) -> bool:
    recent = conn.execute(
        select(nudges.c.day).where(
            nudges.c.team == team,
            nudges.c.item_id == item_id,
            nudges.c.status.in_(COUNTED),
            nudges.c.day >= not_since,
        )
    ).first()
    if recent is not None:
        return False
    inserted = conn.execute(
        insert_for(conn.dialect.name)(nudges)
        .values(
            team=team,
            item_id=item_id,
            reason=reason,
            day=day,
            issue_key=issue_key,
            status="claimed",
            claimed_at=at,
            finished_at=None,
            error=None,
        )
        .on_conflict_do_nothing(
            index_elements=[nudges.c.team, nudges.c.item_id, nudges.c.reason, nudges.c.day]
        )
        .returning(nudges.c.team)
    ).first()
    if inserted is not None:
        return True
    # Today's row exists and is not counted: its post failed, so it may be tried again.
    retaken = conn.execute(
        update(nudges)
        .where(_key(team, item_id, reason, day), nudges.c.status == "failed")
        .values(status="claimed", issue_key=issue_key, claimed_at=at, finished_at=None)
    )
    return bool(retaken.rowcount)


def finish(
    conn: Connection,
    team: str,
    item_id: str,
    reason: str,
    *,
    day: date,
    status: str,
    at: datetime,
    error: str | None,
) -> bool:
    result = conn.execute(
        update(nudges)
        .where(_key(team, item_id, reason, day), nudges.c.status == "claimed")
        .values(status=status, finished_at=at, error=None if error is None else error[:ERROR_LIMIT])
    )
    return bool(result.rowcount)


def rows(conn: Connection, team: str) -> list[dict[str, object]]:
    found = conn.execute(
        select(nudges).where(nudges.c.team == team).order_by(nudges.c.day, nudges.c.item_id)
    ).mappings()
    return [dict(row) for row in found]
