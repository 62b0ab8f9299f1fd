"""Statements for the mirror's state: links, bases, intents and cursors.

Each function runs inside a transaction its caller (``StateStore``) opened; none commits.
Rows arrive already checked and converted by ``mirror_rows``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, case, delete, select, update

from syncd.store.mirror_rows import intent, tracker_cursor, tracker_link
from syncd.store.records import Intent, TrackerCursor, TrackerLink
from syncd.store.statements import (
    chunks,
    ids_per_statement,
    insert_for,
    refuse_ids_of_other_teams,
)
from syncd.store.tables import intents, sync_bases, tracker_cursors, tracker_links

# -- links -----------------------------------------------------------------------------------

_LINK_REWRITTEN_COLUMNS = (
    "system",
    "key",
    "url",
    "adopted",
    "updated_at",
    "tracker_done",
    "resolution",
    "won_t_do_explained",
    "last_reported",
    "last_activity",
    "assignee",
    "assignee_name",
)


def save_links(conn: Connection, team: str, rows: Sequence[dict[str, Any]]) -> None:
    refuse_ids_of_other_teams(
        conn, tracker_links, tracker_links.c.item_id, team, [row["item_id"] for row in rows]
    )
    conn.execute(_link_upsert(conn.dialect.name), list(rows))


def _link_upsert(dialect_name: str) -> Any:
    statement = insert_for(dialect_name)(tracker_links)
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[tracker_links.c.item_id],
        # created_at is when the item was first linked; a later save keeps it.
        set_={name: excluded[name] for name in _LINK_REWRITTEN_COLUMNS},
        where=tracker_links.c.team == excluded.team,
    )


def links(conn: Connection, team: str) -> dict[str, TrackerLink]:
    query = (
        select(tracker_links).where(tracker_links.c.team == team).order_by(tracker_links.c.item_id)
    )
    return {row["item_id"]: tracker_link(row) for row in conn.execute(query).mappings()}


def links_for_key(conn: Connection, team: str, system: str, key: str) -> list[TrackerLink]:
    """Links to one issue: those syncd created first (its marker is on the issue), then oldest."""
    query = (
        select(tracker_links)
        .where(
            tracker_links.c.team == team,
            tracker_links.c.system == system,
            tracker_links.c.key == key,
        )
        .order_by(
            tracker_links.c.adopted,  # false sorts first on both backends
            tracker_links.c.created_at,
            tracker_links.c.item_id,
        )
    )
    return [tracker_link(row) for row in conn.execute(query).mappings()]


def forget_link(conn: Connection, team: str, item_id: str, key: str) -> bool:
    """Remove the item's link to ``key`` and its base; False when it is linked elsewhere now."""
    result = conn.execute(
        delete(tracker_links).where(
            tracker_links.c.team == team,
            tracker_links.c.item_id == item_id,
            tracker_links.c.key == key,
        )
    )
    if not result.rowcount:
        return False
    conn.execute(
        delete(sync_bases).where(sync_bases.c.team == team, sync_bases.c.item_id == item_id)
    )
    return True


# -- bases -----------------------------------------------------------------------------------


def save_bases(conn: Connection, team: str, rows: Sequence[dict[str, Any]]) -> None:
    refuse_ids_of_other_teams(
        conn, sync_bases, sync_bases.c.item_id, team, [row["item_id"] for row in rows]
    )
    # One statement, compiled once, executed for all rows (see StateStore.save_items).
    conn.execute(_base_upsert(conn.dialect.name), list(rows))


def _base_upsert(dialect_name: str) -> Any:
    statement = insert_for(dialect_name)(sync_bases)
    excluded = statement.excluded
    changed = sync_bases.c.base.is_distinct_from(excluded.base)
    return statement.on_conflict_do_update(
        index_elements=[sync_bases.c.item_id],
        set_={
            "base": excluded.base,
            # Moves only when the base did: "when did syncd last sync this item" stays true.
            "updated_at": case((changed, excluded.updated_at), else_=sync_bases.c.updated_at),
        },
        where=sync_bases.c.team == excluded.team,
    )


def bases(conn: Connection, team: str) -> dict[str, dict[str, Any]]:
    query = select(sync_bases.c.item_id, sync_bases.c.base).where(sync_bases.c.team == team)
    return {item_id: dict(base) for item_id, base in conn.execute(query)}


# -- intents ---------------------------------------------------------------------------------


def begin_intents(conn: Connection, rows: Sequence[dict[str, Any]]) -> frozenset[str]:
    """Insert the intents that can be claimed; return the ids of those that were not.

    Insert-or-fail: an item with an open intent (this replica's, another's, or one left by a
    crash) keeps it; it must be resolved by a marker search first. An item that is already
    linked is not claimed either: creating its issue again would be a duplicate.
    """
    wanted = [row["item_id"] for row in rows]
    insert = insert_for(conn.dialect.name)(intents)
    statement = insert.on_conflict_do_nothing(index_elements=[intents.c.item_id]).returning(
        intents.c.item_id
    )
    inserted = {item_id for (item_id,) in conn.execute(statement, list(rows))}
    # Checked after the insert, not before: on PostgreSQL, an insert that waited for another
    # replica's completing transaction sees that replica's link in the next statement's
    # snapshot, where a check made before the wait would have missed it.
    linked = _linked_ids(conn, sorted(inserted))
    for chunk in chunks(sorted(linked), ids_per_statement(conn)):
        conn.execute(delete(intents).where(intents.c.item_id.in_(chunk)))
    claimed = inserted - linked
    return frozenset(item_id for item_id in wanted if item_id not in claimed)


def _linked_ids(conn: Connection, ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in chunks(ids, ids_per_statement(conn)):
        query = select(tracker_links.c.item_id).where(tracker_links.c.item_id.in_(chunk))
        found.update(conn.execute(query).scalars())
    return found


def complete_intent(
    conn: Connection, team: str, link_row: dict[str, Any], *, owner: str | None = None
) -> bool:
    """Save the item's link and resolve its intent, in the caller's one transaction.

    With ``owner`` (a fenced writer), only an intent still open and recorded (or claimed) by
    ``owner`` is completed; otherwise nothing is saved and False is returned: another holder
    took the team and resolves it.
    """
    deleted = conn.execute(_open_intent(delete(intents), team, link_row["item_id"], owner))
    if owner is not None and not deleted.rowcount:
        return False
    save_links(conn, team, [link_row])
    return True


def drop_intent(conn: Connection, team: str, item_id: str, *, owner: str | None = None) -> bool:
    result = conn.execute(_open_intent(delete(intents), team, item_id, owner))
    return bool(result.rowcount)


def claim_intents(
    conn: Connection, team: str, item_ids: Sequence[str], *, owner: str, epoch: int
) -> set[str]:
    """Make ``owner`` (at ``epoch``) the holder of these open intents, to resolve them."""
    claimed: set[str] = set()
    for chunk in chunks(sorted(set(item_ids)), ids_per_statement(conn)):
        result = conn.execute(
            update(intents)
            .where(intents.c.team == team, intents.c.item_id.in_(chunk))
            .values(claimed_by=owner, epoch=epoch)
            .returning(intents.c.item_id)
        )
        claimed.update(result.scalars())
    return claimed


def _open_intent(statement: Any, team: str, item_id: str, owner: str | None) -> Any:
    statement = statement.where(intents.c.item_id == item_id, intents.c.team == team)
    return statement if owner is None else statement.where(intents.c.claimed_by == owner)


def open_intents(conn: Connection, team: str) -> list[Intent]:
    query = (
        select(intents)
        .where(intents.c.team == team)
        .order_by(intents.c.started_at, intents.c.item_id)
    )
    return [intent(row) for row in conn.execute(query).mappings()]


# -- cursors ---------------------------------------------------------------------------------


def save_cursor(conn: Connection, row: dict[str, Any]) -> None:
    statement = insert_for(conn.dialect.name)(tracker_cursors)
    excluded = statement.excluded
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[tracker_cursors.c.team, tracker_cursors.c.system],
            set_={
                name: excluded[name] for name in ("last_updated_seen", "etag", "last_full_scan_at")
            },
        ),
        row,
    )


def cursor(conn: Connection, team: str, system: str) -> TrackerCursor | None:
    query = select(tracker_cursors).where(
        tracker_cursors.c.team == team, tracker_cursors.c.system == system
    )
    row = conn.execute(query).mappings().first()
    return tracker_cursor(row) if row is not None else None
