"""Statements for leases: take, renew, confirm and give back the right to work something.

Each function runs inside a transaction its caller (``StateStore``) opened; none commits.

Acquiring is one statement: insert the lease, or, when a row exists, update it only where it
is ours already or has expired or was released. On PostgreSQL, ``ON CONFLICT DO UPDATE`` locks
the existing row and evaluates the ``WHERE`` against its latest committed version, so of two
replicas racing for an expired lease exactly one update matches; on SQLite the write
transaction (``BEGIN IMMEDIATE``) serializes them outright. ``RETURNING`` gives the winner the
lease's epoch.

The epoch is the fencing token: a renewal by the holder keeps it, every takeover (an expired or
released lease taken, by anyone) adds one. A released lease keeps its row, so the epoch never
goes back. :func:`check_fence` reads the row ``FOR SHARE`` inside a write's transaction: a
takeover, which must update that row, waits for the write to commit, and a write after a
takeover sees the new epoch and is refused.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, RowMapping, and_, case, or_, select, update

from syncd.fencing import Fence, LeaseLostError
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
    conn: Connection,
    name: str,
    *,
    holder: str,
    at: datetime,
    expires_at: datetime,
    command: str | None = None,
) -> int | None:
    """Take or renew ``name`` for ``holder``; the lease's epoch when held, else None."""
    statement = insert_for(conn.dialect.name)(leases).values(
        name=name,
        holder=holder,
        acquired_at=at,
        expires_at=expires_at,
        epoch=1,
        holder_command=command,
        released_at=None,
    )
    excluded = statement.excluded
    renewal = and_(leases.c.holder == excluded.holder, leases.c.released_at.is_(None))
    statement = statement.on_conflict_do_update(
        index_elements=[leases.c.name],
        set_={
            "holder": excluded.holder,
            # A renewal keeps the time the holder first took it and its epoch; a takeover
            # starts afresh under the next epoch, which fences off the previous holder.
            "acquired_at": case((renewal, leases.c.acquired_at), else_=excluded.acquired_at),
            "epoch": case((renewal, leases.c.epoch), else_=leases.c.epoch + 1),
            "expires_at": excluded.expires_at,
            "holder_command": excluded.holder_command,
            "released_at": None,
        },
        where=or_(
            renewal,
            leases.c.released_at.is_not(None),
            leases.c.expires_at <= excluded.acquired_at,
        ),
    ).returning(leases.c.epoch)
    won = conn.execute(statement).first()
    return None if won is None else int(won[0])


def confirm(conn: Connection, fence: Fence, *, expires_at: datetime) -> None:
    """Renew the lease of ``fence`` until ``expires_at`` if it is still at its epoch, else raise
    :class:`LeaseLostError`. The check made before every tracker write."""
    result = conn.execute(
        update(leases)
        .where(
            leases.c.name == fence.name,
            leases.c.holder == fence.holder,
            leases.c.epoch == fence.epoch,
            leases.c.released_at.is_(None),
        )
        .values(expires_at=expires_at)
    )
    if not result.rowcount:
        raise LeaseLostError(fence, _current_holder(conn, fence.name))


def check_fence(conn: Connection, fence: Fence) -> None:
    """Raise :class:`LeaseLostError` unless ``fence`` still names the lease's holder and epoch.

    The row is read ``FOR SHARE`` (PostgreSQL): no takeover commits until this transaction
    ends. On SQLite the write transaction holds the database's write lock already.
    """
    query = select(leases.c.holder, leases.c.epoch, leases.c.released_at).where(
        leases.c.name == fence.name
    )
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(read=True)
    row = conn.execute(query).first()
    if row is None or (row.holder, row.epoch) != (fence.holder, fence.epoch) or row.released_at:
        raise LeaseLostError(fence, None if row is None or row.released_at else row.holder)


def release(conn: Connection, name: str, *, holder: str, at: datetime) -> bool:
    """Give the lease back; the row stays (released) so that its epoch never goes back."""
    result = conn.execute(
        update(leases)
        .where(leases.c.name == name, leases.c.holder == holder, leases.c.released_at.is_(None))
        .values(released_at=at, expires_at=at)
    )
    return bool(result.rowcount)


def all_leases(conn: Connection) -> list[Lease]:
    """Every lease held or expired but not given back, by name."""
    query = select(leases).where(leases.c.released_at.is_(None)).order_by(leases.c.name)
    return [_lease(row) for row in conn.execute(query).mappings()]


def one_lease(conn: Connection, name: str) -> Lease | None:
    row = conn.execute(select(leases).where(leases.c.name == name)).mappings().first()
    return None if row is None else _lease(row)


def _current_holder(conn: Connection, name: str) -> str | None:
    found = one_lease(conn, name)
    return None if found is None or found.released_at is not None else found.holder


def _lease(row: RowMapping) -> Lease:
    return Lease(
        name=row["name"],
        holder=row["holder"],
        acquired_at=row["acquired_at"],
        expires_at=row["expires_at"],
        epoch=row["epoch"],
        holder_command=row["holder_command"],
        released_at=row["released_at"],
    )
