"""SQLAlchemy engines for the state store, tuned per backend and for read-write or read-only use."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

from syncd.output.redaction import redactor
from syncd.store.database_url import DatabaseUrl

# A transaction opened on a connection carrying this execution option takes SQLite's write
# lock at BEGIN; see _begin_sqlite_transaction.
WRITE_TRANSACTION = "syncd_write_transaction"

SQLITE_BUSY_TIMEOUT_MS = 10_000
PING_BUSY_TIMEOUT_MS = 500  # a readiness probe answers within a second
POSTGRES_CONNECT_TIMEOUT_S = 10
APPLICATION_NAME = "syncd"
# A replica paused in the middle of a transaction (a stalled VM, SIGSTOP) would hold its row
# locks, the lease's included, for as long as it is paused, and every other replica would wait
# on them; fencing cannot help a writer that cannot even read. The server ends such a session
# after this long instead. syncd's transactions are a few statements with no waiting between
# them, so none comes near it.
POSTGRES_IDLE_IN_TRANSACTION_TIMEOUT_S = 30

_SQLITE_HEADER_SIZE = 100
_SQLITE_WAL_FORMAT = 2  # header bytes 18 and 19: file format write/read version, 2 = WAL


def build_engine(db_url: DatabaseUrl, *, readonly: bool) -> Engine:
    if db_url.is_sqlite:
        engine = _sqlite_engine(db_url, readonly=readonly)
    else:
        engine = _postgres_engine(db_url, readonly=readonly)
    event.listen(engine, "before_cursor_execute", _redact_parameters, retval=True)
    return engine


def _redact_parameters(
    _connection: Connection,
    _cursor: Any,
    statement: str,
    parameters: Any,
    _context: Any,
    executemany: bool,
) -> tuple[str, Any]:
    # Every value written passes here: a tracker's error quoting a credential, stored as a
    # document's or a run's error, is kept masked like everything else syncd emits.
    if executemany and isinstance(parameters, list):
        return statement, [_redact_row(row) for row in parameters]
    return statement, _redact_row(parameters)


def _redact_row(row: Any) -> Any:
    if isinstance(row, dict):
        return {name: _redact_parameter(value) for name, value in row.items()}
    if isinstance(row, list | tuple):
        return type(row)(_redact_parameter(value) for value in row)
    return _redact_parameter(row)


def _redact_parameter(value: Any) -> Any:
    # psycopg wraps JSON values (Json, Jsonb) before they reach the cursor; SQLite gets text.
    if "psycopg" in sys.modules:  # only a PostgreSQL store imports it: a SQLite start skips it
        from psycopg.types.json import Json, Jsonb

        if isinstance(value, Json | Jsonb):
            return type(value)(redactor.redact_value(value.obj), value.dumps)
    return redactor.redact_value(value)


def _sqlite_engine(db_url: DatabaseUrl, *, readonly: bool) -> Engine:
    path = db_url.sqlite_path
    if path is None:
        # One in-memory database shared by every use of the engine, not one per connection.
        engine = create_engine(
            "sqlite+pysqlite://",
            poolclass=StaticPool,
            connect_args={"check_same_thread": False},
        )
    elif readonly:
        engine = create_engine(
            "sqlite+pysqlite://",
            creator=lambda: _connect_sqlite_readonly(path),
        )
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(db_url.url)

    def configure_connection(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy's begin event issue BEGIN itself: the driver's implicit BEGIN comes
        # too late (after the first read) to take the write lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if readonly:
                cursor.execute("PRAGMA query_only = ON")
            elif path is not None:
                # WAL: readers (status, dry runs) never wait for a sync that is writing.
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    event.listen(engine, "connect", configure_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def _begin_sqlite_transaction(connection: Connection) -> None:
    # A deferred BEGIN that reads first and writes later fails at once with SQLITE_BUSY when
    # another process wrote in between, whatever the busy timeout; IMMEDIATE waits instead.
    if connection.get_execution_options().get(WRITE_TRANSACTION):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


def _connect_sqlite_readonly(path: Path) -> sqlite3.Connection:
    """Open ``path`` for reading without creating or changing any file.

    A plain ``mode=ro`` open of a WAL database with no ``-wal`` file creates ``-wal`` and
    ``-shm`` beside it (and a read-only connection cannot remove them). With no ``-wal`` file,
    every committed change is in the main file, and writers only append to a new ``-wal``
    until a checkpoint, so reading the main file as immutable sees a consistent state. When a
    ``-wal`` exists, another connection is using it; share it through the normal read-only path.
    """
    uri = path.resolve().as_uri() + "?mode=ro"
    if _is_wal_database(path) and not Path(f"{path}-wal").exists():
        uri += "&immutable=1"
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


def _is_wal_database(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            header = file.read(_SQLITE_HEADER_SIZE)
    except OSError:
        return False  # let sqlite3.connect report the problem in its own words
    return len(header) == _SQLITE_HEADER_SIZE and header[18] == _SQLITE_WAL_FORMAT


def _postgres_engine(db_url: DatabaseUrl, *, readonly: bool) -> Engine:
    connect_args: dict[str, Any] = {}
    # Values given in the URL win; these are defaults.
    if "connect_timeout" not in db_url.url.query:
        connect_args["connect_timeout"] = POSTGRES_CONNECT_TIMEOUT_S
    if "application_name" not in db_url.url.query:
        connect_args["application_name"] = APPLICATION_NAME
    engine = create_engine(db_url.url, pool_pre_ping=True, connect_args=connect_args)

    def end_paused_transactions(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(
                "SELECT set_config('idle_in_transaction_session_timeout', %s, false)",
                (f"{POSTGRES_IDLE_IN_TRANSACTION_TIMEOUT_S}s",),
            )
        finally:
            cursor.close()
        dbapi_connection.commit()

    event.listen(engine, "connect", end_paused_transactions)
    if readonly:

        def make_session_readonly(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
            # Belt and braces for --dry-run: even a bug in syncd cannot write through this.
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            finally:
                cursor.close()
            dbapi_connection.commit()

        event.listen(engine, "connect", make_session_readonly)
    return engine
