"""The runs role: one row per sync cycle of a team, started and finished."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from syncd.store.errors import StateStoreError
from syncd.store.records import RunOutcome, RunRecord
from syncd.store.rows import run_record
from syncd.store.statements import require_aware
from syncd.store.store_core import StoreCore
from syncd.store.tables import sync_runs


class RunRecords(StoreCore):
    """The record of each sync cycle: when it ran, how it ended, what it counted."""

    # -- sync runs -------------------------------------------------------------------------

    def start_run(self, team: str, *, at: datetime) -> int:
        self._refuse_if_readonly()
        require_aware(at)

        def start(conn: Connection) -> int:
            result = conn.execute(insert(sync_runs).values(team=team, started_at=at))
            run_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
            if not isinstance(run_id, int):
                raise StateStoreError("the database did not return the new sync run's id")
            return run_id

        return self._write("record the start of a sync run", start)

    def finish_run(
        self,
        run_id: int,
        *,
        at: datetime,
        outcome: str,
        counts: Mapping[str, int],
        error: str | None = None,
    ) -> None:
        self._refuse_if_readonly()
        require_aware(at)
        try:
            checked_outcome = RunOutcome(outcome)
        except ValueError:
            allowed = ", ".join(member.value for member in RunOutcome)
            raise ValueError(f"sync run outcome {outcome!r} is not one of {allowed}") from None
        counts_json = {str(name): int(count) for name, count in counts.items()}

        def finish(conn: Connection) -> None:
            result = conn.execute(
                update(sync_runs)
                .where(sync_runs.c.id == run_id)
                .values(
                    finished_at=at,
                    outcome=checked_outcome.value,
                    counts=counts_json,
                    error=error,
                )
            )
            if result.rowcount == 0:
                raise StateStoreError(f"there is no sync run with id {run_id} to finish")

        self._write("record the end of a sync run", finish)

    def last_run(self, team: str) -> RunRecord | None:
        """The most recently started run of ``team``, finished or not."""
        query = (
            select(sync_runs)
            .where(sync_runs.c.team == team)
            .order_by(sync_runs.c.started_at.desc(), sync_runs.c.id.desc())
            .limit(1)
        )
        row = self._read("read sync runs", lambda conn: conn.execute(query).mappings().first())
        return run_record(row) if row is not None else None
