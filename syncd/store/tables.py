"""The state store's tables, as this version of the code reads and writes them.

The database gets its shape only from the migrations in ``migrations/versions``; this module
must describe the schema at the head revision (a test compares the two). Change both together.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from syncd.store.column_types import UTCDateTime, json_column_type

# Named constraints: SQLite batch migrations can only alter what they can name, and
# PostgreSQL's generated names differ between versions.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ITEM_ID_LENGTH = 40
RUN_OUTCOMES = ("ok", "partial", "failed")

metadata = MetaData(naming_convention=NAMING_CONVENTION)

items = Table(
    "items",
    metadata,
    Column("id", String(ITEM_ID_LENGTH), primary_key=True),
    Column("team", String, nullable=False),
    Column("source", String, nullable=False),
    Column("document", String, nullable=False),
    # The postmortem, as the item's document described it when last seen.
    Column("postmortem_title", Text, nullable=False),
    Column("postmortem_date", Date, nullable=True),
    Column("postmortem_date_origin", String, nullable=True),
    Column("postmortem_severity", String, nullable=True),
    Column("postmortem_incident", String, nullable=True),
    Column("postmortem_service", String, nullable=True),
    Column("postmortem_team", String, nullable=True),
    Column("postmortem_url", Text, nullable=True),
    # The item.
    Column("title", Text, nullable=False),
    Column("detail", Text, nullable=True),
    Column("section", Text, nullable=False),
    Column("line", Integer, nullable=False),
    Column("owner_written", Text, nullable=True),
    Column("assignee", String, nullable=True),
    Column("owner_via", String, nullable=True),
    Column("owner_unresolved_reason", Text, nullable=True),
    Column("due", Date, nullable=True),
    Column("due_origin", String, nullable=True),
    Column("due_written", Text, nullable=True),
    Column("ambiguous_date", Boolean, nullable=False),
    Column("priority", String, nullable=True),
    Column("priority_written", Text, nullable=True),
    Column("type", String, nullable=True),
    Column("type_written", Text, nullable=True),
    Column("status", String, nullable=False),
    Column("tracker_system", String, nullable=True),
    Column("tracker_key", String, nullable=True),
    Column("tracker_url", Text, nullable=True),
    Column("flags", json_column_type(), nullable=False),
    # Bookkeeping.
    Column("first_seen", UTCDateTime, nullable=False),
    Column("last_seen", UTCDateTime, nullable=False),
    Column("orphaned_at", UTCDateTime, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    Index(None, "team", "source", "document"),
)

documents = Table(
    "documents",
    metadata,
    Column("team", String, primary_key=True),
    Column("source", String, primary_key=True),
    Column("document", String, primary_key=True),
    Column("first_seen", UTCDateTime, nullable=False),
    Column("last_seen", UTCDateTime, nullable=False),
    Column("title", Text, nullable=True),
    Column("postmortem_date", Date, nullable=True),
    Column("content_hash", String, nullable=True),
    Column("last_error", Text, nullable=True),
)

sync_runs = Table(
    "sync_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team", String, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("outcome", String, nullable=True),
    Column("counts", json_column_type(), nullable=True),
    Column("error", Text, nullable=True),
    CheckConstraint("outcome IS NULL OR outcome IN ('ok', 'partial', 'failed')", name="outcome"),
    Index(None, "team", "started_at"),
)
