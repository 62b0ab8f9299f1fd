"""A real PostgreSQL for tests: one uniquely named database per test session, a schema per test.

The server is ``$SYNCD_TEST_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``);
its user must be allowed to create databases. Concurrent test runs never share a database, and
each run drops its own at the end. An unreachable server fails the tests that need it, loudly:
a state store suite that silently skipped PostgreSQL would prove nothing about it.

Use from a ``conftest.py``::

    from tests.support.postgres import postgres_database, postgres_url  # noqa: F401
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import URL, make_url

ENV_VAR = "SYNCD_TEST_POSTGRES_URL"
DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/test"
CONNECT_TIMEOUT_S = 5


class PostgresUnavailableError(RuntimeError):
    """The test PostgreSQL server could not be used; the message says what to do."""


def server_url() -> str:
    return os.environ.get(ENV_VAR) or DEFAULT_SERVER_URL


def _libpq_url(url: URL) -> str:
    # libpq knows "postgresql://", not SQLAlchemy's "postgresql+psycopg://".
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@dataclass(frozen=True, slots=True)
class PostgresTestDatabase:
    """A database created for one test session on the test server."""

    server: URL
    name: str

    @classmethod
    def create(cls, server: str | None = None) -> PostgresTestDatabase:
        server_url_ = make_url(server or server_url())
        database = cls(server_url_, f"syncd_test_{os.getpid()}_{uuid.uuid4().hex[:10]}")
        # template0: template1 may be in use by another session, which makes CREATE fail.
        database._admin(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
                sql.Identifier(database.name)
            )
        )
        return database

    @property
    def url(self) -> str:
        """The database's URL, as a user would write it (plain ``postgresql://``)."""
        return _libpq_url(self.server.set(database=self.name))

    def schema_url(self, schema: str) -> str:
        """The database's URL with ``schema`` first on the search path."""
        url = self.server.set(database=self.name).update_query_dict(
            {"options": f"-csearch_path={schema}"}
        )
        return _libpq_url(url)

    def create_schema(self) -> str:
        """Create a fresh, uniquely named schema; return its name."""
        schema = f"test_{uuid.uuid4().hex[:12]}"
        self._execute_in_database(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        return schema

    def drop_schema(self, schema: str) -> None:
        self._execute_in_database(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema))
        )

    def drop(self) -> None:
        # FORCE ends connections a failed test may have left open (PostgreSQL 13+).
        self._admin(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
        )

    def _admin(self, statement: sql.Composed) -> None:
        _execute(_libpq_url(self.server), statement, self.server)

    def _execute_in_database(self, statement: sql.Composed) -> None:
        _execute(self.url, statement, self.server)


def _execute(conninfo: str, statement: sql.Composed, server: URL) -> None:
    try:
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S) as conn:
            conn.execute(statement)
    except psycopg.Error as exc:
        shown = server.render_as_string(hide_password=True)
        raise PostgresUnavailableError(
            f"the test PostgreSQL at {shown} could not be used ({' '.join(str(exc).split())}); "
            f"start it, or set {ENV_VAR} to a server whose user may create databases"
        ) from None


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[PostgresTestDatabase]:
    """A database of its own for this test session, dropped at the end."""
    unavailable: str | None = None
    try:
        database = PostgresTestDatabase.create()
    except PostgresUnavailableError as exc:
        unavailable = str(exc)
    if unavailable is not None:  # failed outside the except block: one message, not two
        pytest.fail(unavailable, pytrace=False)
    try:
        yield database
    finally:
        database.drop()


@pytest.fixture
def postgres_url(postgres_database: PostgresTestDatabase) -> Iterator[str]:
    """The URL of an empty schema of its own for this test, dropped afterwards."""
    schema = postgres_database.create_schema()
    try:
        yield postgres_database.schema_url(schema)
    finally:
        postgres_database.drop_schema(schema)
