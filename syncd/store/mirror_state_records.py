"""The mirror-state role: tracker links, sync bases and tracker read cursors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from syncd.store import mirror_state
from syncd.store.mirror_rows import base_row, check_item_id, cursor_row, link_row
from syncd.store.records import TrackerCursor, TrackerLink
from syncd.store.statements import require_aware, team_rows
from syncd.store.store_core import StoreCore


class MirrorStateRecords(StoreCore):
    """What syncd knows of each item's tracker issue, kept between cycles."""

    # -- tracker links ---------------------------------------------------------------------

    def links(self, team: str) -> dict[str, TrackerLink]:
        """Item id → the tracker issue it is mirrored to, for every linked item of ``team``."""
        found = self._read("read tracker links", lambda conn: mirror_state.links(conn, team))
        return found or {}

    def save_links(self, team: str, links: Sequence[TrackerLink]) -> None:
        """Insert or update ``links`` by item id, in one transaction.

        A link saved again keeps its ``created_at``; every other field is rewritten. Item ids
        linked by another team are refused (nothing is saved).
        """
        self._refuse_if_readonly()
        rows = team_rows(team, links, link_row, what="link")
        if not rows:
            return
        self._write("save tracker links", lambda conn: mirror_state.save_links(conn, team, rows))

    def link_for_key(self, team: str, system: str, key: str) -> TrackerLink | None:
        """The link syncd relies on for the issue ``key``, or None when no item is linked to it.

        Several items may be linked to one issue (each named it as an existing issue); then
        the one syncd created (the issue carries its marker) wins, else the oldest.
        :meth:`links_for_key` returns them all.
        """
        found = self.links_for_key(team, system, key)
        return found[0] if found else None

    def links_for_key(self, team: str, system: str, key: str) -> list[TrackerLink]:
        """Every link of ``team`` to the issue ``key``, in :meth:`link_for_key`'s order."""
        found = self._read(
            "read tracker links", lambda conn: mirror_state.links_for_key(conn, team, system, key)
        )
        return found or []

    def forget_link(self, team: str, item_id: str, key: str) -> bool:
        """Forget that ``item_id`` is mirrored to ``key`` (its link and base), in one
        transaction: the issue is gone from the tracker and a person asked for a new one
        (``sync --recreate-missing``). False when the item is no longer linked to ``key``."""
        self._refuse_if_readonly()
        check_item_id(item_id)
        return self._write(
            "forget a link", lambda conn: mirror_state.forget_link(conn, team, item_id, key)
        )

    # -- sync bases ------------------------------------------------------------------------

    def bases(self, team: str) -> dict[str, Mapping[str, Any]]:
        """Item id → the mirrored fields as last synced (a JSON object), for ``team``."""
        found = self._read("read sync bases", lambda conn: mirror_state.bases(conn, team))
        return dict(found or {})

    def save_bases(
        self, team: str, bases: Mapping[str, Mapping[str, Any]], *, at: datetime
    ) -> None:
        """Insert or update each item's base, in one transaction and a few statements.

        Bases are stored as canonical JSON (keys sorted; tuples come back as lists, dates must
        arrive as ISO strings). ``updated_at`` moves only for a base that changed. Item ids of
        another team are refused (nothing is saved).
        """
        self._refuse_if_readonly()
        require_aware(at)
        rows = [base_row(team, item_id, base, at=at) for item_id, base in bases.items()]
        if not rows:
            return
        self._write("save sync bases", lambda conn: mirror_state.save_bases(conn, team, rows))

    # -- tracker cursors -------------------------------------------------------------------

    def cursor(self, team: str, system: str) -> TrackerCursor | None:
        """Where incremental reads of ``team``'s tracker stand; None before the first read."""
        return self._read(
            "read the tracker cursor", lambda conn: mirror_state.cursor(conn, team, system)
        )

    def save_cursor(self, cursor: TrackerCursor) -> None:
        self._refuse_if_readonly()
        row = cursor_row(cursor)
        self._write("save the tracker cursor", lambda conn: mirror_state.save_cursor(conn, row))

    def record_mirror_state(
        self,
        team: str,
        *,
        links: Sequence[TrackerLink],
        bases: Mapping[str, Mapping[str, Any]],
        cursor: TrackerCursor | None,
        at: datetime,
    ) -> None:
        """Save a cycle's bookkeeping in one transaction: the links it changed (as
        :meth:`save_links`), the bases it moved (as :meth:`save_bases`) and where its tracker
        read reached (as :meth:`save_cursor`). Nothing of the exactly-once protocol: a crash
        before it costs only a re-read on the next cycle."""
        self._refuse_if_readonly()
        require_aware(at)
        link_rows = team_rows(team, links, link_row, what="link")
        base_rows = [base_row(team, item_id, base, at=at) for item_id, base in bases.items()]
        cursor_row_ = None if cursor is None else cursor_row(cursor)
        if not link_rows and not base_rows and cursor_row_ is None:
            return

        def record(conn: Connection) -> None:
            if link_rows:
                mirror_state.save_links(conn, team, link_rows)
            if base_rows:
                mirror_state.save_bases(conn, team, base_rows)
            if cursor_row_ is not None:
                mirror_state.save_cursor(conn, cursor_row_)

        self._write("record the mirror's state", record)
