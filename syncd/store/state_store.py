"""The state store: what syncd remembers between cycles, in SQLite or PostgreSQL.

Everything in and out is plain data (``syncd.model`` types and the records in
``syncd.store.records``). Each public method is one transaction.
"""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

import structlog
from sqlalchemy import (
    Connection,
    Engine,
    case,
    func,
    insert,
    null,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from syncd.fencing import Fence, LeaseLostError
from syncd.http.budget import BudgetState
from syncd.model import ActionItem, KnownItem, Status
from syncd.store import budgets as budget_state
from syncd.store import digest_posts as digest_state
from syncd.store import leases as lease_state
from syncd.store import mirror_state, schema_version
from syncd.store import source_reads as source_read_state
from syncd.store.database_url import DatabaseUrl, parse_database_url
from syncd.store.engine import (
    PING_BUSY_TIMEOUT_MS,
    SQLITE_BUSY_TIMEOUT_MS,
    WRITE_TRANSACTION,
    build_engine,
)
from syncd.store.errors import (
    ReadOnlyStateStoreError,
    SchemaNotCurrentError,
    SchemaTooNewError,
    StateStoreError,
)
from syncd.store.mirror_rows import base_row, check_item_id, cursor_row, intent_row, link_row
from syncd.store.records import (
    DigestPost,
    DocumentSeen,
    Intent,
    Lease,
    RunOutcome,
    RunRecord,
    SchemaStatus,
    SourceRead,
    StoredDocument,
    StoredItem,
    TrackerCursor,
    TrackerLink,
)
from syncd.store.rows import (
    ITEM_CONTENT_COLUMNS,
    document_row,
    item_row,
    run_record,
    stored_document,
    stored_item,
)
from syncd.store.schema_version import MigrationError
from syncd.store.statements import (
    chunks,
    ids_per_statement,
    insert_for,
    refuse_ids_of_other_teams,
    require_aware,
)
from syncd.store.tables import documents, items, sync_runs

log = structlog.get_logger(__name__)

_T = TypeVar("_T")

# Any 64-bit constant, the same in every syncd: replicas migrating at once take turns.
_MIGRATION_LOCK_ID = 0x73796E6364  # "syncd"


class StateStore:
    """One interface over SQLite and PostgreSQL. Open with :meth:`open`, then :meth:`migrate`."""

    def __init__(
        self,
        db_url: DatabaseUrl,
        engine: Engine | None,
        status: SchemaStatus,
        *,
        readonly: bool,
    ) -> None:
        # Use StateStore.open(); this only assembles what open() checked.
        self._db_url = db_url
        self._engine = engine
        self._status = status
        self._readonly = readonly
        self._closed = False
        self._fence: Fence | None = None
        # Which file the engine opened: a readiness check notices it deleted or replaced.
        self._sqlite_file = _file_identity(db_url.sqlite_path)

    # -- lifecycle -------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str, *, readonly: bool = False) -> StateStore:
        """Connect to the store at ``url`` and read its schema revision.

        ``readonly`` (for ``--dry-run``) writes nothing anywhere: a missing SQLite file is not
        created, a schema that needs migrating reads as empty, and every write raises
        :class:`ReadOnlyStateStoreError`. A schema newer than this code raises
        :class:`SchemaTooNewError` in either mode.
        """
        db_url = parse_database_url(url)
        head = schema_version.head_revision()
        path = db_url.sqlite_path
        if readonly and path is not None and not path.exists():
            return cls(db_url, None, SchemaStatus(None, head, missing=True), readonly=True)
        with _translated_errors(db_url, "open the state store"):
            engine = build_engine(db_url, readonly=readonly)
        try:
            with _translated_errors(db_url, "open the state store"), engine.connect() as conn:
                current = schema_version.current_revision(conn)
            _refuse_unknown_revision(db_url, current, head)
        except BaseException:
            engine.dispose()
            raise
        return cls(db_url, engine, SchemaStatus(current, head), readonly=readonly)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        self._closed = True

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def url(self) -> str:
        """The store's URL with any password hidden, fit for logs and messages."""
        return self._db_url.redacted

    @property
    def readonly(self) -> bool:
        return self._readonly

    def fenced(self, fence: Fence) -> Self:
        """This store (same connections), every write of which first checks, in its own
        transaction, that ``fence`` still names the lease's holder and epoch; a write after a
        takeover raises :class:`LeaseLostError` and changes nothing. Intents it records carry
        the epoch, and it completes or drops only intents its holder owns."""
        view = copy.copy(self)
        view._fence = fence
        return view

    @property
    def fence(self) -> Fence | None:
        return self._fence

    def ping(self) -> None:
        """Raise :class:`StateStoreError` unless the database answers (for readiness checks).

        It reads the schema table rather than ``SELECT 1``, which SQLite answers without touching
        the file; and a SQLite file deleted or replaced under a running process is a failure even
        though the open handle still reads the old inode.
        """
        engine = self._usable_engine()
        if engine is None:
            return
        path = self._db_url.sqlite_path
        if path is not None and _file_identity(path) != self._sqlite_file:
            raise StateStoreError(
                f"the state store file {path} was deleted or replaced while syncd ran; "
                "restart syncd to open it again"
            )
        with _translated_errors(self._db_url, "reach the state store"), engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            driver: Any = conn.connection.driver_connection
            if sqlite:  # a probe must answer quickly, not wait out a long lock
                driver.execute(f"PRAGMA busy_timeout = {PING_BUSY_TIMEOUT_MS}")
            try:
                with conn.begin():  # touches the file: SQLite answers SELECT 1 without it
                    conn.execute(text(f"SELECT 1 FROM {schema_version.VERSION_TABLE} LIMIT 1"))
                if sqlite and not self._readonly:
                    # WAL readers never wait, so only taking the write lock shows that another
                    # process holds it (every cycle would then fail after the busy timeout).
                    conn.execution_options(**{WRITE_TRANSACTION: True})
                    with conn.begin():
                        pass
            finally:
                if sqlite:
                    driver.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")

    # -- schema ----------------------------------------------------------------------------

    def schema_status(self) -> SchemaStatus:
        return self._status

    def migrate(self) -> None:
        """Upgrade the schema to the newest revision this code knows; a no-op when current."""
        engine = self._writable_engine()
        before = self._status.current
        if before == self._status.head:
            return  # read at open; nothing newer than the head can appear under this code
        with _translated_errors(self._db_url, "migrate the state store"), engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                _migrate_sqlite(conn)
            else:
                _migrate_postgres(conn)
            with conn.begin():
                current = schema_version.current_revision(conn)
        self._status = SchemaStatus(current, self._status.head)
        if current != before:
            log.info("store.migrated", store=self.url, from_revision=before, to_revision=current)

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
        the documents of its last good read, and the loss it holds (``syncd.removal_guard``)."""
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
        rows = _team_rows(team, links, link_row, what="link")
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
        _refuse_repeated_ids([row["item_id"] for row in rows], what="intent")
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
        (row,) = _team_rows(team, [link], link_row, what="link")
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

    # -- digest posts ----------------------------------------------------------------------

    def claim_digest_post(
        self,
        team: str,
        slot: datetime,
        channel: str,
        *,
        replica: str,
        at: datetime,
        lease: timedelta,
    ) -> bool:
        """Claim the right to post ``team``'s digest for ``slot`` to ``channel``; True if won.

        Atomic across replicas: of any number of claimers, one wins. A slot never claimed, or
        whose last post failed, or whose claim's lease ran out before ``at`` without a post
        (the claimer died), can be claimed; a posted one never again. The winner posts, then
        calls :meth:`mark_digest_posted` or :meth:`mark_digest_failed`, within ``lease``.
        """
        self._refuse_if_readonly()
        require_aware(at)
        digest_state.check_key(team, channel)
        digest_state.check_lease(lease)
        if not replica:
            raise ValueError("an empty replica name was given to claim a digest post")
        key = digest_state.slot_key(slot)
        return self._write(
            "claim a digest post",
            lambda conn: digest_state.claim(
                conn, team, key, channel, replica=replica, at=at, lease_until=at + lease
            ),
        )

    def mark_digest_posted(self, team: str, slot: datetime, channel: str, *, at: datetime) -> bool:
        """Record that the claimed digest was posted; it is never claimed again.

        Returns False, changing nothing, when it was already recorded as posted. Raises
        :class:`StateStoreError` when it was never claimed.
        """
        self._refuse_if_readonly()
        require_aware(at)
        digest_state.check_key(team, channel)
        key = digest_state.slot_key(slot)
        return self._write(
            "record a digest as posted",
            lambda conn: digest_state.mark_posted(conn, team, key, channel, at=at),
        )

    def mark_digest_failed(
        self, team: str, slot: datetime, channel: str, *, at: datetime, error: str
    ) -> bool:
        """Record that posting the claimed digest failed, so that a later claim retries it.

        ``error`` is a person's one-line reason (kept to 2,000 characters); it must hold no
        secret. Returns False, changing nothing, when the digest is recorded as posted. Raises
        :class:`StateStoreError` when it was never claimed.
        """
        self._refuse_if_readonly()
        require_aware(at)
        digest_state.check_key(team, channel)
        key = digest_state.slot_key(slot)
        return self._write(
            "record a failed digest post",
            lambda conn: digest_state.mark_failed(conn, team, key, channel, at=at, error=error),
        )

    def digest_posts(self, team: str) -> list[DigestPost]:
        """Every digest post of ``team``, by slot then channel."""
        found = self._read("read digest posts", lambda conn: digest_state.posts(conn, team))
        return found or []

    def last_posted_slot(self, team: str, channel: str) -> datetime | None:
        """The newest slot whose digest was posted to ``channel`` (the "since the last
        digest" of the next one); None before the first post."""
        return self._read(
            "read the last digest posted",
            lambda conn: digest_state.last_posted_slot(conn, team, channel),
        )

    # -- leases ----------------------------------------------------------------------------

    def acquire_lease(self, name: str, *, holder: str, at: datetime, duration: timedelta) -> bool:
        """Take or renew the lease ``name`` for ``holder`` until ``at + duration``; True if held.

        Atomic across replicas: a lease that is free, released, expired at ``at``, or already
        ``holder``'s is (re)taken; one held by another replica and not expired is not.
        Replicas compare their own clocks with the stored expiry, so keep them in NTP sync
        and the lease long against any skew.
        """
        return self.take_lease(name, holder=holder, at=at, duration=duration) is not None

    def take_lease(
        self,
        name: str,
        *,
        holder: str,
        at: datetime,
        duration: timedelta,
        command: str | None = None,
    ) -> int | None:
        """As :meth:`acquire_lease`, returning the lease's epoch (its fencing token) when held:
        the same on a renewal, one more on every takeover. ``command`` (``run``, ``sync``,
        ``digest``) is recorded for whoever finds the lease taken."""
        self._refuse_if_readonly()
        require_aware(at)
        lease_state.check_lease(name, holder, duration)
        return self._unfenced_write(
            "acquire a lease",
            lambda conn: lease_state.acquire(
                conn, name, holder=holder, at=at, expires_at=at + duration, command=command
            ),
        )

    def confirm_lease(self, fence: Fence, *, at: datetime, duration: timedelta) -> None:
        """Renew ``fence``'s lease until ``at + duration`` if it is still at its epoch; else
        raise :class:`LeaseLostError`. Asked before every tracker write of a fenced cycle."""
        self._refuse_if_readonly()
        require_aware(at)
        lease_state.check_lease(fence.name, fence.holder, duration)
        self._unfenced_write(
            "confirm a lease",
            lambda conn: lease_state.confirm(conn, fence, expires_at=at + duration),
        )

    def release_lease(self, name: str, *, holder: str, at: datetime | None = None) -> bool:
        """Give the lease ``name`` back, so another replica need not wait for it to expire.

        False, changing nothing, when ``holder`` does not hold it (any more). The row stays,
        marked released, so that the lease's epoch never goes back.
        """
        self._refuse_if_readonly()
        lease_state.check_lease(name, holder, timedelta(seconds=1))
        when = at or datetime.now(UTC)
        require_aware(when)
        return self._unfenced_write(
            "release a lease",
            lambda conn: lease_state.release(conn, name, holder=holder, at=when),
        )

    def leases(self) -> list[Lease]:
        """Every lease not given back, expired ones included, by name."""
        return self._read("read leases", lease_state.all_leases) or []

    def lease(self, name: str) -> Lease | None:
        """The lease ``name`` as stored, released or not; None when never taken."""
        return self._read("read a lease", lambda conn: lease_state.one_lease(conn, name))

    # -- account budgets -------------------------------------------------------------------

    def budget(self, account: str) -> BudgetState:
        """The account's rate-limit budget as last kept (an empty one when never used)."""
        budget_state.check_account(account)
        found = self._read("read an account budget", lambda c: budget_state.read(c, account))
        return found or BudgetState()

    def change_budget(
        self, account: str, decide: Callable[[BudgetState], tuple[BudgetState, _T]]
    ) -> _T:
        """Apply ``decide`` to the account's budget atomically across every process and
        replica, keep the state it returns, and answer its result. ``decide`` must be quick
        and do no I/O: other writers of the account wait for it."""
        self._refuse_if_readonly()
        budget_state.check_account(account)
        return self._write(
            "change an account budget", lambda c: budget_state.change(c, account, decide)
        )

    # -- plumbing --------------------------------------------------------------------------

    def _usable_engine(self) -> Engine | None:
        if self._closed:
            raise StateStoreError(f"the state store at {self.url} was closed")
        return self._engine

    def _refuse_if_readonly(self) -> None:
        self._usable_engine()
        if self._readonly:
            raise ReadOnlyStateStoreError(
                f"the state store at {self.url} is open read-only (dry run); nothing is written"
            )

    def _writable_engine(self) -> Engine:
        self._refuse_if_readonly()
        engine = self._usable_engine()
        if engine is None:  # only read-only stores lack an engine
            raise ReadOnlyStateStoreError(f"the state store at {self.url} is not open for writes")
        return engine

    def _read(self, action: str, query: Callable[[Connection], _T]) -> _T | None:
        """Run ``query``; None when a read-only store has nothing to read (missing, unmigrated)."""
        engine = self._usable_engine()
        if engine is None or self._status.needs_migration:
            if self._readonly:
                return None
            raise self._not_current_error()
        with _translated_errors(self._db_url, action), engine.connect() as conn, conn.begin():
            return query(conn)

    def _write(self, action: str, work: Callable[[Connection], _T]) -> _T:
        fence = self._fence
        if fence is None:
            return self._unfenced_write(action, work)

        def fenced(conn: Connection) -> _T:
            lease_state.check_fence(conn, fence)
            return work(conn)

        return self._unfenced_write(action, fenced)

    def _unfenced_write(self, action: str, work: Callable[[Connection], _T]) -> _T:
        engine = self._writable_engine()
        if self._status.needs_migration:
            raise self._not_current_error()
        with _translated_errors(self._db_url, action), engine.connect() as conn:
            conn.execution_options(**{WRITE_TRANSACTION: True})
            with conn.begin():
                return work(conn)

    def _not_current_error(self) -> SchemaNotCurrentError:
        status = self._status
        return SchemaNotCurrentError(
            f"the state store at {self.url} is at schema revision {status.current or 'none'}, "
            f"this syncd needs {status.head}: migrate it first"
        )


# -- migrations ------------------------------------------------------------------------------


def _migrate_sqlite(conn: Connection) -> None:
    # SQLite applies ALTERs by copying tables, which foreign keys would cascade through; the
    # pragma is ignored inside a transaction, so it is switched off before one begins, and
    # the data is checked before commit.
    driver_connection: Any = conn.connection.driver_connection
    driver_connection.execute("PRAGMA foreign_keys = OFF")
    try:
        conn.execution_options(**{WRITE_TRANSACTION: True})
        with conn.begin():
            schema_version.upgrade(conn)
            violations = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
            if violations:
                raise StateStoreError(
                    f"migration would break {len(violations)} references between tables; "
                    "nothing was changed"
                )
    finally:
        driver_connection.execute("PRAGMA foreign_keys = ON")


def _migrate_postgres(conn: Connection) -> None:
    with conn.begin():
        # Replicas starting together take turns; the later ones find the schema current.
        conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID})
        schema_version.upgrade(conn)


def _refuse_unknown_revision(db_url: DatabaseUrl, current: str | None, head: str) -> None:
    if current is None or schema_version.is_known_revision(current):
        return
    raise SchemaTooNewError(
        f"the state store at {db_url.redacted} has schema revision {current!r}, which this "
        f"version of syncd does not know (its newest is {head!r}): a newer syncd has migrated "
        "it. Run that version (or newer), or point database_url at another store."
    )


# -- statements ------------------------------------------------------------------------------


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


def _team_rows(
    team: str,
    records: Sequence[TrackerLink],
    to_row: Callable[[TrackerLink], dict[str, Any]],
    *,
    what: str,
) -> list[dict[str, Any]]:
    rows = []
    for record in records:
        if record.team != team:
            raise ValueError(
                f"{what} of item {record.item_id} belongs to team {record.team!r}, not {team!r}"
            )
        rows.append(to_row(record))
    _refuse_repeated_ids([row["item_id"] for row in rows], what=what)
    return rows


def _refuse_repeated_ids(ids: Sequence[str], *, what: str) -> None:
    seen: set[str] = set()
    for item_id in ids:
        if item_id in seen:
            raise ValueError(f"item id {item_id} appears twice in one save of {what}s")
        seen.add(item_id)


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


# -- errors ----------------------------------------------------------------------------------


@contextmanager
def _translated_errors(db_url: DatabaseUrl, action: str) -> Iterator[None]:
    """Turn driver and SQLAlchemy errors into a StateStoreError a person can act on."""
    try:
        yield
    except StateStoreError:
        raise
    except (SQLAlchemyError, sqlite3.Error, OSError, MigrationError, ImportError) as exc:
        raise StateStoreError(_describe_failure(db_url, action, exc)) from exc


def _describe_failure(db_url: DatabaseUrl, action: str, exc: BaseException) -> str:
    cause: BaseException = exc.orig if isinstance(exc, DBAPIError) and exc.orig else exc
    reason = " ".join(str(cause).split()) or type(cause).__name__
    if db_url.is_sqlite:
        hint = "check database_url (SYNCD_DATABASE_URL), the file's path and its permissions"
    else:
        hint = (
            "check database_url (SYNCD_DATABASE_URL), that the server is running and "
            "reachable from here, and the user, password and database name"
        )
    return db_url.scrub(f"cannot {action} at {db_url.redacted}: {reason}; {hint}")


def _file_identity(path: Path | None) -> tuple[int, int] | None:
    """(device, inode) of a SQLite file, or None when there is none (PostgreSQL, or missing)."""
    if path is None:
        return None
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)
