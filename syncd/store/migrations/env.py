"""Alembic environment for the state store.

syncd runs migrations itself (``StateStore.migrate()``) and hands over a connection that is
already inside a transaction, so a migration and its version stamp commit or fail together.
Given only ``sqlalchemy.url`` instead, this file serves Alembic's command API for drafting a
migration (see README.md); ``--sql`` (offline) mode prints the SQL for review.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import URL, Connection, create_engine

from syncd.store.database_url import parse_database_url
from syncd.store.schema_version import VERSION_TABLE
from syncd.store.tables import metadata


def _configure(*, connection: Connection | None = None, url: URL | None = None) -> None:
    context.configure(
        connection=connection,
        url=url,
        literal_binds=url is not None,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        # Batch mode lets ALTERs run on SQLite (by copying the table) and is harmless on
        # PostgreSQL; drafting with it keeps every migration runnable on both backends.
        render_as_batch=True,
        compare_type=True,
    )


def _run_with(connection: Connection) -> None:
    _configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()


def _run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run_with(connection)
        return
    url = parse_database_url(context.config.get_main_option("sqlalchemy.url") or "").url
    engine = create_engine(url)
    try:
        with engine.connect() as own_connection:
            _run_with(own_connection)
    finally:
        engine.dispose()


def _run_offline() -> None:
    url = parse_database_url(context.config.get_main_option("sqlalchemy.url") or "").url
    _configure(url=url)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    _run_offline()
else:
    _run_online()
