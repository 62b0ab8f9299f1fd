"""The intent ledger: the intent to create an item's issue, recorded before the request.

The exactly-once protocol's own writes; each one is its own transaction, at the moment the
protocol needs it (``syncd.execute.intents``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from syncd.fencing import LeaseLostError
from syncd.store import mirror_state
from syncd.store.mirror_rows import check_item_id, intent_row, link_row
from syncd.store.records import Intent, TrackerLink
from syncd.store.statements import refuse_repeated_ids, require_aware, team_rows
from syncd.store.store_core import StoreCore


class IntentLedger(StoreCore):
    """Create intents: begun before a create request, completed with its link, or dropped."""

    # -- intents ---------------------------------------------------------------------------

    def begin_intents(
        self,
        team: str,
        intents: Sequence[tuple[str, str]],
        *,
        system: str,
        at: datetime,
        replica: str | None = None,
    ) -> frozenset[str]:
        """Record, before a create request is sent, the intent to create each item's issue.

        ``intents`` holds (item id, marker) pairs; all are recorded in one transaction.
        Returns the ids NOT claimed, for which nothing may be created now: an item with an
        open intent already (whoever recorded it, even this replica before a crash: resolve
        it through :meth:`open_intents` and a marker search first), or an item already linked.
        """
        self._refuse_if_readonly()
        require_aware(at)
        fence = self._fence
        rows = [
            intent_row(
                team,
                item_id,
                marker,
                system=system,
                at=at,
                replica=fence.holder if fence is not None else replica,
                epoch=fence.epoch if fence is not None else None,
            )
            for item_id, marker in intents
        ]
        refuse_repeated_ids([row["item_id"] for row in rows], what="intent")
        if not rows:
            return frozenset()
        return self._write("record intents", lambda conn: mirror_state.begin_intents(conn, rows))

    def complete_intent(self, team: str, item_id: str, link: TrackerLink) -> None:
        """Save the link to the issue created (or found) for ``item_id`` and close its intent.

        One transaction: after a crash, either both happened or neither did.
        """
        self._refuse_if_readonly()
        if link.item_id != item_id:
            raise ValueError(
                f"the link given to complete item {item_id}'s intent is for item {link.item_id}"
            )
        (row,) = team_rows(team, [link], link_row, what="link")
        owner = None if self._fence is None else self._fence.holder
        done = self._write(
            "record the issue created",
            lambda conn: mirror_state.complete_intent(conn, team, row, owner=owner),
        )
        if not done and self._fence is not None:
            # Another holder claimed the intent to settle it: the team is no longer ours.
            raise LeaseLostError(self._fence, None)

    def open_intents(self, team: str) -> list[Intent]:
        """Intents of ``team`` never completed nor dropped (a crash, or a request in flight)."""
        found = self._read("read intents", lambda conn: mirror_state.open_intents(conn, team))
        return found or []

    def drop_intent(self, team: str, item_id: str) -> bool:
        """Close an intent without a link (the marker search proved nothing was created).

        Returns whether there was such an intent.
        """
        self._refuse_if_readonly()
        check_item_id(item_id)
        owner = None if self._fence is None else self._fence.holder
        return self._write(
            "drop an intent",
            lambda conn: mirror_state.drop_intent(conn, team, item_id, owner=owner),
        )

    def claim_intents(self, team: str, item_ids: Sequence[str]) -> frozenset[str]:
        """Take over open intents another holder left (a fenced store only), before settling
        them by marker search; returns the ids claimed."""
        self._refuse_if_readonly()
        fence = self._fence
        if fence is None:
            raise ValueError("only a fenced store claims another holder's intents")
        for item_id in item_ids:
            check_item_id(item_id)
        claimed = self._write(
            "claim intents",
            lambda conn: mirror_state.claim_intents(
                conn, team, item_ids, owner=fence.holder, epoch=fence.epoch
            ),
        )
        return frozenset(claimed)
