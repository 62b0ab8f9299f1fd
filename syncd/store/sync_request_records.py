"""The sync requests role: webhook deliveries asking for a team's sync, across replicas."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from syncd.store import sync_request_rows
from syncd.store.statements import require_aware
from syncd.store.store_core import StoreCore
from syncd.webhooks.debounce import PendingTeam


class SyncRequestRecords(StoreCore):
    """Requests recorded by any replica, settled by the team's lease holder; never fenced (a
    request is not a write of a team's cycle)."""

    def request_sync(
        self,
        delivery_id: str,
        team: str,
        *,
        endpoint: str,
        at: datetime,
        admit: Callable[[int, int], str],
    ) -> str:
        """Record a delivery's request for ``team``'s sync: ``admit``'s outcome (``accepted``,
        ``coalesced``, ``dropped``: see ``syncd.webhooks.debounce.admission``) or ``duplicate``
        when this delivery was recorded for the team before (by any replica)."""
        self._refuse_if_readonly()
        require_aware(at)
        if not delivery_id or not team:
            raise ValueError("a sync request needs a delivery id and a team")
        return self._unfenced_write(
            "record a sync request",
            lambda conn: sync_request_rows.request(
                conn, delivery_id, team, endpoint=endpoint, at=at, admit=admit
            ),
        )

    def pending_sync_requests(self) -> list[PendingTeam]:
        """Each team with requests not settled yet: its oldest one's time and how many."""
        return self._read("read sync requests", sync_request_rows.pending) or []

    def settle_sync_requests(
        self, team: str, *, received_by: datetime, at: datetime
    ) -> list[datetime]:
        """Mark ``team``'s requests received by ``received_by`` (the start of the sync that
        covers them) done at ``at``; the times they were received."""
        require_aware(received_by)
        require_aware(at)
        return self._unfenced_write(
            "settle sync requests",
            lambda conn: sync_request_rows.settle(conn, team, received_by=received_by, at=at),
        )

    def prune_sync_requests(self, *, done_before: datetime, received_before: datetime) -> int:
        """Delete old requests; how many."""
        require_aware(done_before)
        require_aware(received_before)
        return self._unfenced_write(
            "prune sync requests",
            lambda conn: sync_request_rows.prune(
                conn, done_before=done_before, received_before=received_before
            ),
        )
