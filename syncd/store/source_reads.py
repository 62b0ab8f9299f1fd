"""The mass-removal guard's memory (revision 0009): each source's last good read, and the loss
a held read found. Statements over one open connection; ``StateStore`` wraps them."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import Connection, select, update

from syncd.store.records import SourceRead
from syncd.store.statements import chunks, ids_per_statement, insert_for
from syncd.store.tables import documents, source_reads


def read_all(conn: Connection, team: str) -> dict[str, SourceRead]:
    """Every source of ``team`` read at least once, by name."""
    rows = conn.execute(select(source_reads).where(source_reads.c.team == team)).mappings().all()
    listed: dict[str, set[str]] = {}
    query = select(documents.c.source, documents.c.document).where(
        documents.c.team == team, documents.c.in_last_read.is_(True)
    )
    for source, document in conn.execute(query):
        listed.setdefault(source, set()).add(document)
    return {
        row["source"]: SourceRead(
            team=team,
            source=row["source"],
            documents=frozenset(listed.get(row["source"], ())),
            read_at=row["read_at"],
            held_cycles=row["held_cycles"],
            held_since=row["held_since"],
            held_at=row["held_at"],
            held_note=row["held_note"],
        )
        for row in rows
    }


def record_good(
    conn: Connection, team: str, source: str, returned: Collection[str], *, at: datetime
) -> None:
    """``returned`` is the source's last good read now (its documents' rows exist: the cycle
    recorded them first); any held loss is over."""
    wanted = frozenset(returned)
    where = (documents.c.team == team, documents.c.source == source)
    marked = set(
        conn.execute(select(documents.c.document).where(*where, documents.c.in_last_read)).scalars()
    )
    size = ids_per_statement(conn)
    for names, value in ((sorted(wanted - marked), True), (sorted(marked - wanted), False)):
        for chunk in chunks(names, size):
            conn.execute(
                update(documents)
                .where(*where, documents.c.document.in_(chunk))
                .values(in_last_read=value)
            )
    values = {
        "read_at": at,
        "documents": len(wanted),
        "held_cycles": 0,
        "held_since": None,
        "held_at": None,
        "held_note": None,
    }
    statement = insert_for(conn.dialect.name)(source_reads).values(
        team=team, source=source, **values
    )
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[source_reads.c.team, source_reads.c.source], set_=values
        )
    )


def record_held(
    conn: Connection,
    team: str,
    source: str,
    *,
    cycles: int,
    since: datetime,
    note: str,
    at: datetime,
) -> bool:
    """A read held its loss: the last good read stays as it was. False when the source has
    no last good read to hold against (nothing is changed)."""
    result = conn.execute(
        update(source_reads)
        .where(source_reads.c.team == team, source_reads.c.source == source)
        .values(held_cycles=cycles, held_since=since, held_at=at, held_note=note)
    )
    return bool(result.rowcount)
