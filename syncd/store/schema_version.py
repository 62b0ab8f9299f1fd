"""The schema's revision in a database, and moving it with Alembic, configured in code.

No ``alembic.ini`` is needed at run time: the migration scripts ship inside the package and
are found next to this module.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection

from syncd.store.errors import StateStoreError

MIGRATIONS_DIR = Path(__file__).resolve().with_name("migrations")

# Not Alembic's default "alembic_version": a PostgreSQL database may be shared with other
# applications that keep their own.
VERSION_TABLE = "syncd_schema_version"


def alembic_config(connection: Connection | None = None, *, url: str | None = None) -> Config:
    """An Alembic configuration for our migrations, bound to ``connection`` when given.

    ``url`` serves developers drafting a migration with Alembic's command API (see
    ``migrations/README.md``); syncd itself always passes a connection.
    """
    config = Config()
    # Config values go through configparser interpolation: a literal "%" must be doubled.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


@cache
def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = script_directory().get_current_head()
    if head is None:  # only possible if the package was shipped without its migrations
        raise StateStoreError(f"no schema migrations found in {MIGRATIONS_DIR}")
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision ``connection``'s database is at; None if never migrated. Reads only."""
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    heads = context.get_current_heads()
    if len(heads) > 1:
        raise StateStoreError(
            f"the state store records several schema revisions at once ({', '.join(heads)}); "
            "it was migrated by diverging versions of syncd and needs manual repair"
        )
    return heads[0] if heads else None


def is_known_revision(revision: str) -> bool:
    try:
        return script_directory().get_revision(revision) is not None
    except CommandError:  # alembic's ResolutionError for an id it has no script for
        return False


def upgrade(connection: Connection, target: str = "head") -> None:
    command.upgrade(alembic_config(connection), target)


def downgrade(connection: Connection, target: str) -> None:
    command.downgrade(alembic_config(connection), target)
