"""Building blocks of the store's statements, shared by every table's reads and writes."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Column, Connection, Table, select
from sqlalchemy.dialects import postgresql, sqlite

from syncd.store.errors import StateStoreError
from syncd.store.records import TrackerLink

_T = TypeVar("_T")

# Bind parameters per statement: PostgreSQL's protocol allows 65535; SQLite's limit is read
# from the connection (999 in old builds). Id lists are capped too, to keep statements sane.
_POSTGRES_MAX_BIND_PARAMS = 65_535
_MAX_IDS_PER_STATEMENT = 1_000
_BIND_PARAM_MARGIN = 10


def require_aware(moment: datetime) -> None:
    # A naive time is a bug in the caller; refusing it beats storing it hours off.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment.isoformat()}: the state store needs aware times")


def insert_for(dialect_name: str) -> Any:
    # Each dialect's insert() carries its own ON CONFLICT; the two spell it the same way.
    return postgresql.insert if dialect_name == "postgresql" else sqlite.insert


def ids_per_statement(conn: Connection) -> int:
    """How many ids an ``IN (...)`` may list: bind parameters per statement are limited."""
    if conn.dialect.name == "sqlite":
        driver_connection: Any = conn.connection.driver_connection
        limit = int(driver_connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    else:
        limit = _POSTGRES_MAX_BIND_PARAMS
    return max(1, min(_MAX_IDS_PER_STATEMENT, limit - _BIND_PARAM_MARGIN))


def chunks(values: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def refuse_ids_of_other_teams(
    conn: Connection, table: Table, id_column: Column[Any], team: str, ids: Sequence[str]
) -> None:
    """Raise unless none of ``ids`` is a row of another team in ``table``.

    Item ids are unique across teams; an upsert must never take over another team's row.
    """
    team_column = table.c.team
    for chunk in chunks(ids, ids_per_statement(conn)):
        taken = conn.execute(
            select(id_column, team_column).where(id_column.in_(chunk), team_column != team)
        ).all()
        if taken:
            shown = ", ".join(f"{item_id} ({owner})" for item_id, owner in taken[:5])
            raise StateStoreError(
                f"cannot save {table.name} of team {team!r}: {len(taken)} item id(s) already "
                f"belong to another team: {shown}"
            )


def team_rows(
    team: str,
    records: Sequence[TrackerLink],
    to_row: Callable[[TrackerLink], dict[str, Any]],
    *,
    what: str,
) -> list[dict[str, Any]]:
    rows = []
    for record in records:
        if record.team != team:
            raise ValueError(
                f"{what} of item {record.item_id} belongs to team {record.team!r}, not {team!r}"
            )
        rows.append(to_row(record))
    refuse_repeated_ids([row["item_id"] for row in rows], what=what)
    return rows


def refuse_repeated_ids(ids: Sequence[str], *, what: str) -> None:
    seen: set[str] = set()
    for item_id in ids:
        if item_id in seen:
            raise ValueError(f"item id {item_id} appears twice in one save of {what}s")
        seen.add(item_id)
