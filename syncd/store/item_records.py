"""The items role: items, the documents they were read from, and each source's last reads."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, case, func, null, or_, select, update

from syncd.model import ActionItem, KnownItem, Status
from syncd.store import source_reads as source_read_state
from syncd.store.errors import StateStoreError
from syncd.store.records import DocumentSeen, SourceRead, StoredDocument, StoredItem
from syncd.store.rows import (
    ITEM_CONTENT_COLUMNS,
    document_row,
    item_row,
    stored_document,
    stored_item,
)
from syncd.store.statements import (
    chunks,
    ids_per_statement,
    insert_for,
    refuse_ids_of_other_teams,
    require_aware,
)
from syncd.store.store_core import StoreCore
from syncd.store.tables import documents, items


class ItemRecords(StoreCore):
    """What a cycle read from its sources: items, documents, and the mass-removal guard's reads."""

    # -- items -----------------------------------------------------------------------------

    def known_items(self, team: str) -> list[KnownItem]:
        """Every item of ``team``, orphaned ones included, for matching."""
        columns = (
            items.c.id,
            items.c.source,
            items.c.document,
            items.c.title,
            items.c.section,
            items.c.line,
            items.c.status,
            items.c.orphaned_at,
            items.c.postmortem_title,
            items.c.postmortem_date,
        )
        query = (
            select(*columns)
            .where(items.c.team == team)
            .order_by(items.c.source, items.c.document, items.c.line, items.c.id)
        )
        rows = self._read("read known items", lambda conn: conn.execute(query).mappings().all())
        return [
            KnownItem(
                id=row["id"],
                source=row["source"],
                document=row["document"],
                title=row["title"],
                section=row["section"],
                line=row["line"],
                status=Status(row["status"]),
                orphaned_at=row["orphaned_at"],
                postmortem_title=row["postmortem_title"],
                postmortem_date=row["postmortem_date"],
            )
            for row in rows or ()
        ]

    def save_items(self, team: str, items_: Sequence[ActionItem], *, seen_at: datetime) -> None:
        """Insert or update ``items_`` by id, in one transaction and a few statements.

        An item saved again keeps its ``first_seen``, is no longer orphaned, and moves
        ``updated_at`` only if something about it changed. Ids taken by another team are
        refused (nothing is saved).
        """
        self._refuse_if_readonly()
        require_aware(seen_at)
        rows = _item_rows(team, items_, seen_at=seen_at)
        if not rows:
            return

        def save(conn: Connection) -> None:
            refuse_ids_of_other_teams(conn, items, items.c.id, team, [row["id"] for row in rows])
            # One statement, compiled once, executed for all rows: psycopg pipelines the
            # executions into one round trip, sqlite3 steps one prepared statement. (Multi-row
            # VALUES would recompile a huge statement per batch, which costs far more.)
            conn.execute(_item_upsert(conn.dialect.name), rows)

        self._write("save items", save)

    def mark_orphaned(self, team: str, ids: Iterable[str], *, at: datetime) -> None:
        """Mark items gone from their documents; an already orphaned item keeps its date."""
        self._refuse_if_readonly()
        require_aware(at)
        wanted = sorted(set(ids))
        if not wanted:
            return

        def mark(conn: Connection) -> None:
            for chunk in chunks(wanted, ids_per_statement(conn)):
                conn.execute(
                    update(items)
                    .where(
                        items.c.team == team,
                        items.c.id.in_(chunk),
                        items.c.orphaned_at.is_(None),
                    )
                    .values(orphaned_at=at, updated_at=at)
                )

        self._write("mark items orphaned", mark)

    def stored_items(self, team: str | None = None) -> list[StoredItem]:
        """Every column of every item (of ``team``, when given), for ``syncd status``."""
        query = select(items).order_by(
            items.c.team, items.c.source, items.c.document, items.c.line, items.c.id
        )
        if team is not None:
            query = query.where(items.c.team == team)
        rows = self._read("read items", lambda conn: conn.execute(query).mappings().all())
        return [stored_item(row) for row in rows or ()]

    # -- documents -------------------------------------------------------------------------

    def record_documents(
        self, team: str, source: str, seen: Mapping[str, DocumentSeen], *, at: datetime
    ) -> None:
        """Remember the documents a cycle read (or failed to read); ``first_seen`` is kept."""
        self._refuse_if_readonly()
        require_aware(at)
        rows = [document_row(team, source, name, doc, at=at) for name, doc in seen.items()]
        if not rows:
            return

        def record(conn: Connection) -> None:
            conn.execute(_document_upsert(conn.dialect.name), rows)

        self._write("record documents", record)

    def document_first_seen(self, team: str, source: str) -> dict[str, datetime]:
        """Document → when syncd first saw it (the date of a postmortem that states none)."""
        query = select(documents.c.document, documents.c.first_seen).where(
            documents.c.team == team, documents.c.source == source
        )
        rows = self._read("read documents", lambda conn: conn.execute(query).all())
        return {document: first_seen for document, first_seen in rows or ()}

    def stored_documents(self, team: str | None = None) -> list[StoredDocument]:
        """Every document seen (by ``team``, when given), with what its last read learned."""
        query = select(documents).order_by(
            documents.c.team, documents.c.source, documents.c.document
        )
        if team is not None:
            query = query.where(documents.c.team == team)
        rows = self._read("read documents", lambda conn: conn.execute(query).mappings().all())
        return [stored_document(row) for row in rows or ()]

    # -- the mass-removal guard -------------------------------------------------------------

    def source_reads(self, team: str) -> dict[str, SourceRead]:
        """What the store remembers of each source of ``team`` read at least once, by name:
        the documents of its last good read, and the loss it holds
        (``syncd.cycle.removal_guard``)."""
        found = self._read(
            "read the sources' last reads", lambda conn: source_read_state.read_all(conn, team)
        )
        return found or {}

    def record_good_read(
        self, team: str, source: str, returned: Collection[str], *, at: datetime
    ) -> None:
        """Remember ``returned`` as the source's last good read; any held loss is over.
        Record the documents first (:meth:`record_documents`): only their rows are marked."""
        self._refuse_if_readonly()
        require_aware(at)
        self._write(
            "record a source's read",
            lambda conn: source_read_state.record_good(conn, team, source, returned, at=at),
        )

    def record_held_read(
        self, team: str, source: str, *, cycles: int, since: datetime, note: str, at: datetime
    ) -> None:
        """Remember that a read of ``source`` held its loss, the ``cycles``-th in a row since
        ``since``, and what was reported; its last good read is kept as it was."""
        self._refuse_if_readonly()
        require_aware(at)
        require_aware(since)
        held = self._write(
            "record a held read",
            lambda conn: source_read_state.record_held(
                conn, team, source, cycles=cycles, since=since, note=note, at=at
            ),
        )
        if not held:
            raise StateStoreError(
                f"source {source!r} of team {team!r} has no good read recorded to hold"
            )


def _item_rows(
    team: str, items_: Sequence[ActionItem], *, seen_at: datetime
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    seen_ids: set[str] = set()
    for item in items_:
        if item.team != team:
            raise ValueError(f"item {item.id} belongs to team {item.team!r}, not {team!r}")
        if item.id in seen_ids:
            raise ValueError(f"item id {item.id} appears twice in one save")
        seen_ids.add(item.id)
        rows.append(item_row(item, seen_at=seen_at))
    return rows


def _item_upsert(dialect_name: str) -> Any:
    statement = insert_for(dialect_name)(items)
    excluded = statement.excluded
    changed = or_(
        items.c.orphaned_at.is_not(None),
        *(items.c[name].is_distinct_from(excluded[name]) for name in ITEM_CONTENT_COLUMNS),
    )
    assignments: dict[str, Any] = {name: excluded[name] for name in ITEM_CONTENT_COLUMNS}
    assignments["last_seen"] = excluded.last_seen
    assignments["orphaned_at"] = null()
    assignments["updated_at"] = case((changed, excluded.updated_at), else_=items.c.updated_at)
    return statement.on_conflict_do_update(
        index_elements=[items.c.id],
        set_=assignments,
        # Checked before saving; this keeps a race with another team from ever winning.
        where=items.c.team == excluded.team,
    )


def _document_upsert(dialect_name: str) -> Any:
    statement = insert_for(dialect_name)(documents)
    excluded = statement.excluded
    read_ok = excluded.last_error.is_(None)
    assignments: dict[str, Any] = {
        "last_seen": excluded.last_seen,
        "last_error": excluded.last_error,
    }
    # A document that failed to read keeps what an earlier read learned about it.
    for name in ("title", "postmortem_date", "content_hash"):
        assignments[name] = case(
            (read_ok, excluded[name]), else_=func.coalesce(excluded[name], documents.c[name])
        )
    return statement.on_conflict_do_update(
        index_elements=[documents.c.team, documents.c.source, documents.c.document],
        set_=assignments,
    )
