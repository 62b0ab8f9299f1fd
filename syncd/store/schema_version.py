"""The schema's revision in a database, and moving it with Alembic, configured in code.

No ``alembic.ini`` is needed at run time: the migration scripts ship inside the package and
are found next to this module.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

from syncd.store.errors import StateStoreError

if TYPE_CHECKING:  # Alembic is imported only to migrate: a current store never needs it
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")

# Not Alembic's default "alembic_version": a PostgreSQL database may be shared with other
# applications that keep their own.
VERSION_TABLE = "syncd_schema_version"
# The newest migration's revision; tests/store checks it against the scripts. Kept here so that
# opening a store that is already current costs no Alembic import (a third of a second a start).

HEAD_REVISION = "0015"


class MigrationError(Exception):
    """Alembic could not find or run a migration (its ``CommandError``); the store says it
    in its own words (``store_core._translated_errors``)."""


def alembic_config(connection: Connection | None = None, *, url: str | None = None) -> Config:
    """An Alembic configuration for our migrations, bound to ``connection`` when given.

    ``url`` serves developers drafting a migration with Alembic's command API (see
    ``migrations/README.md``); syncd itself always passes a connection.
    """
    from alembic.config import Config

    config = Config()
    # Config values go through configparser interpolation: a literal "%" must be doubled.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


@cache
def script_directory() -> ScriptDirectory:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    return HEAD_REVISION


def scripts_head_revision() -> str | None:
    """The head as Alembic finds it in the scripts (what ``HEAD_REVISION`` must say)."""
    return script_directory().get_current_head()


def current_revision(connection: Connection) -> str | None:
    """The revision ``connection``'s database is at; None if never migrated. Reads only."""
    # What Alembic's MigrationContext.get_current_heads reads, without importing Alembic.
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    heads = tuple(
        connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    )
    if len(heads) > 1:
        raise StateStoreError(
            f"the state store records several schema revisions at once ({', '.join(heads)}); "
            "it was migrated by diverging versions of syncd and needs manual repair"
        )
    return heads[0] if heads else None


def is_known_revision(revision: str) -> bool:
    if revision == HEAD_REVISION:
        return True
    from alembic.util.exc import CommandError

    try:
        return script_directory().get_revision(revision) is not None
    except CommandError:  # alembic's ResolutionError for an id it has no script for
        return False


def upgrade(connection: Connection, target: str = "head") -> None:
    from alembic import command
    from alembic.util.exc import CommandError

    try:
        command.upgrade(alembic_config(connection), target)
    except CommandError as exc:
        raise MigrationError(str(exc)) from exc


def downgrade(connection: Connection, target: str) -> None:
    from alembic import command
    from alembic.util.exc import CommandError

    try:
        command.downgrade(alembic_config(connection), target)
    except CommandError as exc:
        raise MigrationError(str(exc)) from exc
