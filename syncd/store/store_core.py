"""The state store's core: its connection, schema and the one way every role reads and writes.

Every role of the store (``syncd.store.roles``) is a thin class over this core; each of their
public methods is one transaction through :meth:`StoreCore._read` or :meth:`StoreCore._write`.
"""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Self, TypeVar

import structlog
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from syncd.fencing import Fence
from syncd.store import leases as lease_state
from syncd.store import schema_version
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
from syncd.store.records import SchemaStatus
from syncd.store.schema_version import MigrationError

log = structlog.get_logger("syncd.store.state_store")

_T = TypeVar("_T")

# Any 64-bit constant, the same in every syncd: replicas migrating at once take turns.
_MIGRATION_LOCK_ID = 0x73796E6364  # "syncd"


class StoreCore:
    """One connection to SQLite or PostgreSQL. Open with :meth:`open`, then :meth:`migrate`."""

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
        # The open transaction of a ``together()`` view: its writes join it.
        self._together: Connection | None = None
        # Which file the engine opened: a readiness check notices it deleted or replaced.
        self._sqlite_file = _file_identity(db_url.sqlite_path)

    # -- lifecycle -------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str, *, readonly: bool = False) -> Self:
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

    @contextmanager
    def together(self, action: str) -> Iterator[Self]:
        """A view of this store whose writes (and reads) all run in one transaction, committed
        when the block ends, or none when it raises. For bookkeeping only: never hold one open
        across a tracker request. The view belongs to the block that opened it (one thread)."""
        engine = self._writable_engine()
        if self._status.needs_migration:
            raise self._not_current_error()
        if self._together is not None:
            yield self  # already inside one
            return
        with _translated_errors(self._db_url, action), engine.connect() as conn:
            conn.execution_options(**{WRITE_TRANSACTION: True})
            with conn.begin():
                view = copy.copy(self)
                view._together = conn
                yield view

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
        if self._together is not None:
            with _translated_errors(self._db_url, action):
                return query(self._together)
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
        if self._together is not None:
            with _translated_errors(self._db_url, action):
                return work(self._together)
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
