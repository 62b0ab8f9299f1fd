"""The snapshots role: each team's figures once a day, for the status page's charts."""

from __future__ import annotations

from datetime import date

from syncd.judge.snapshots import DailySnapshot
from syncd.store import snapshot_rows
from syncd.store.statements import require_aware
from syncd.store.store_core import StoreCore


class SnapshotRecords(StoreCore):
    def add_snapshot(self, snapshot: DailySnapshot) -> bool:
        """Keep ``snapshot`` unless the team has one of that day already (a restart, another
        replica); True when this one was kept."""
        self._refuse_if_readonly()
        require_aware(snapshot.taken_at)
        return self._write(
            "record a daily snapshot", lambda conn: snapshot_rows.add(conn, snapshot)
        )

    def snapshots(self, team: str, *, since: date) -> list[DailySnapshot]:
        """The team's daily snapshots from ``since`` on, oldest first."""
        found = self._read(
            "read daily snapshots", lambda conn: snapshot_rows.read(conn, team, since)
        )
        return found or []
