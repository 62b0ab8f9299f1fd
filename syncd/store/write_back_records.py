"""The write-back role: what syncd has seen its write-back say in each item's document."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from syncd.store.statements import insert_for, require_aware
from syncd.store.store_core import StoreCore
from syncd.store.tables import write_back_seen


class WriteBackRecords(StoreCore):
    """Per item: the key its document was seen naming, and whether it was seen marked done."""

    def write_back_seen(self, team: str) -> dict[str, tuple[str | None, bool]]:
        """Item id → (the key seen, the done mark seen) for ``team``."""
        found = self._read("read write-back marks", lambda conn: _seen(conn, team))
        return found or {}

    def save_write_back_seen(
        self, team: str, seen: Mapping[str, tuple[str | None, bool]], *, at: datetime
    ) -> None:
        """Insert or update each item's marks, in one transaction."""
        self._refuse_if_readonly()
        require_aware(at)
        if not seen:
            return
        rows = [
            {"team": team, "item_id": i, "key": key, "done": done, "updated_at": at}
            for i, (key, done) in seen.items()
        ]
        self._write("save write-back marks", lambda conn: _save(conn, rows))


def _seen(conn: Connection, team: str) -> dict[str, tuple[str | None, bool]]:
    table = write_back_seen
    rows = conn.execute(
        select(table.c.item_id, table.c.key, table.c.done).where(table.c.team == team)
    )
    return {row.item_id: (row.key, bool(row.done)) for row in rows}


def _save(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    statement = insert_for(conn.dialect.name)(write_back_seen)
    excluded = statement.excluded
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[write_back_seen.c.team, write_back_seen.c.item_id],
            set_={"key": excluded.key, "done": excluded.done, "updated_at": excluded.updated_at},
        ),
        rows,
    )
