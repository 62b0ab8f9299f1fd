"""The nudges role: which comments syncd posted on which issues, and when, across replicas."""

from __future__ import annotations

from datetime import date, datetime

from syncd.store import nudge_rows
from syncd.store.records import NudgeRecord
from syncd.store.statements import require_aware
from syncd.store.store_core import StoreCore

NUDGE_OUTCOMES = ("sent", "failed", "unknown", "refused")


class NudgeRecords(StoreCore):
    """Claims and outcomes of nudges."""

    def claim_nudge(
        self,
        team: str,
        item_id: str,
        reason: str,
        *,
        day: date,
        not_since: date,
        issue_key: str,
        at: datetime,
    ) -> bool:
        """Claim the right to post a nudge on ``item_id``'s issue for ``reason``; True if won.

        Refused when a nudge of the same item (for any reason: at most one per issue per
        period) was claimed on ``not_since`` or later (posted, or maybe posted). The winner
        posts, then calls :meth:`finish_nudge`.
        """
        self._refuse_if_readonly()
        require_aware(at)
        if not_since > day:
            raise ValueError(f"a nudge period cannot start after its day ({not_since} > {day})")
        return self._write(
            "claim a nudge",
            lambda conn: nudge_rows.claim(
                conn,
                team,
                item_id,
                reason,
                day=day,
                not_since=not_since,
                issue_key=issue_key,
                at=at,
            ),
        )

    def finish_nudge(
        self,
        team: str,
        item_id: str,
        reason: str,
        *,
        day: date,
        outcome: str,
        at: datetime,
        error: str | None = None,
    ) -> bool:
        """Record how the claimed nudge's post went: ``sent``, ``failed`` (retried next cycle),
        ``unknown`` (the answer was lost: counted as sent, so it is never doubled) or
        ``refused`` (for good: the issue is gone, commenting is forbidden; tried again only
        after the period)."""
        if outcome not in NUDGE_OUTCOMES:
            raise ValueError(f"a nudge's outcome must be one of {NUDGE_OUTCOMES}, not {outcome!r}")
        require_aware(at)
        return self._write(
            "record a nudge",
            lambda conn: nudge_rows.finish(
                conn, team, item_id, reason, day=day, status=outcome, at=at, error=error
            ),
        )

    def nudges(self, team: str) -> list[NudgeRecord]:
        """Every nudge of ``team``, by day."""
        found = self._read("read nudges", lambda conn: nudge_rows.rows(conn, team))
        return [NudgeRecord.of_row(row) for row in found or ()]
