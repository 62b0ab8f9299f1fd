"""Statements for the status page's daily snapshots (revision 0013). Each runs inside a
transaction its caller opened."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, select

from syncd.judge.snapshots import OPEN_AGES, DailySnapshot
from syncd.store.statements import insert_for
from syncd.store.tables import status_snapshots


def add(conn: Connection, snapshot: DailySnapshot) -> bool:
    """Insert the team's snapshot of its day unless one is there; True when inserted."""
    values = {
        "team": snapshot.team,
        "day": snapshot.day,
        "taken_at": snapshot.taken_at,
        "items": snapshot.items,
        "open": snapshot.open,
        "done": snapshot.done,
        "overdue": snapshot.overdue,
        "due_soon": snapshot.due_soon,
        "on_time": snapshot.on_time,
        "timed": snapshot.timed,
        "open_ages": dict(snapshot.open_ages),
    }
    statement = insert_for(conn.dialect.name)(status_snapshots).values(**values)
    kept = conn.execute(
        statement.on_conflict_do_nothing(
            index_elements=[status_snapshots.c.team, status_snapshots.c.day]
        ).returning(status_snapshots.c.team)
    )
    return kept.first() is not None


def read(conn: Connection, team: str, since: date) -> list[DailySnapshot]:
    """The team's snapshots from ``since`` on, oldest first."""
    query = (
        select(status_snapshots)
        .where(status_snapshots.c.team == team, status_snapshots.c.day >= since)
        .order_by(status_snapshots.c.day)
    )
    return [
        DailySnapshot(
            team=row["team"],
            day=row["day"],
            taken_at=row["taken_at"],
            items=row["items"],
            open=row["open"],
            done=row["done"],
            overdue=row["overdue"],
            due_soon=row["due_soon"],
            on_time=row["on_time"],
            timed=row["timed"],
            open_ages=tuple(
                (label, int((row["open_ages"] or {}).get(label, 0))) for label, _ in OPEN_AGES
            ),
        )
        for row in conn.execute(query).mappings()
    ]
