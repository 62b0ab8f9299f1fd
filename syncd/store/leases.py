"""Statements for leases: take, renew and give back the right to work something.

Each function runs inside a transaction its caller (``StateStore``) opened; none commits.

Acquiring is one statement: insert the lease, or, when a row exists, update it only where it
is ours already or has expired. On PostgreSQL, ``ON CONFLICT DO UPDATE`` locks the existing row
and evaluates the ``WHERE`` against its latest committed version, so of two replicas racing for
an expired lease exactly one update matches; on SQLite the write transaction
(``BEGIN IMMEDIATE``) serializes them outright. ``RETURNING`` tells the caller whether it won.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, RowMapping, case, delete, or_, select

from syncd.store.records import Lease
from syncd.store.statements import insert_for
from syncd.store.tables import leases


def check_lease(name: str, holder: str, duration: timedelta) -> None:
    if not name:
        raise ValueError("an empty lease name was given")
    if not holder:
        raise ValueError(f"an empty holder was given for lease {name!r}")
    if duration <= timedelta(0):
        raise ValueError(f"lease {name!r} must last a positive time, not {duration}")


def acquire(
    conn: Connection, name: str, *, holder: str, at: datetime, expires_at: datetime
) -> bool:
    statement = insert_for(conn.dialect.name)(leases).values(
        name=name, holder=holder, acquired_at=at, expires_at=expires_at
    )
    excluded = statement.excluded
    mine = leases.c.holder == excluded.holder
    statement = statement.on_conflict_do_update(
        index_elements=[leases.c.name],
        set_={
            "holder": excluded.holder,
            # A renewal keeps the time the holder first took it; a takeover starts afresh.
            "acquired_at": case((mine, leases.c.acquired_at), else_=excluded.acquired_at),
            "expires_at": excluded.expires_at,
        },
        where=or_(mine, leases.c.expires_at <= excluded.acquired_at),
    ).returning(leases.c.name)
    return conn.execute(statement).first() is not None


def release(conn: Connection, name: str, *, holder: str) -> bool:
    result = conn.execute(delete(leases).where(leases.c.name == name, leases.c.holder == holder))
    return bool(result.rowcount)


def all_leases(conn: Connection) -> list[Lease]:
    rows = conn.execute(select(leases).order_by(leases.c.name)).mappings()
    return [_lease(row) for row in rows]


def _lease(row: RowMapping) -> Lease:
    return Lease(
        name=row["name"],
        holder=row["holder"],
        acquired_at=row["acquired_at"],
        expires_at=row["expires_at"],
    )
