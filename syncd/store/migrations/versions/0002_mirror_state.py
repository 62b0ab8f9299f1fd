"""Mirror state: tracker links, sync bases, create intents, tracker read cursors.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

Reviewed by hand, as 0001: explicit column types, named constraints and indexes wrapped in
op.f(), a downgrade that undoes the upgrade exactly. Only new tables: nothing existing changes,
so no batch operations are needed and no data moves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp() -> sa.DateTime:
    # timestamptz on PostgreSQL; SQLite stores UTC text, the code adds the zone back.
    return sa.DateTime(timezone=True)


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "tracker_links",
        sa.Column("item_id", sa.String(length=40), nullable=False),
        sa.Column("team", sa.String(), nullable=False),
        sa.Column("system", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("adopted", sa.Boolean(), nullable=False),
        sa.Column("created_at", _timestamp(), nullable=False),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.Column("tracker_done", sa.Boolean(), nullable=False),
        sa.Column("resolution", sa.String(), nullable=True),
        sa.Column("won_t_do_explained", sa.Boolean(), nullable=True),
        sa.Column("last_reported", _json(), nullable=True),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_tracker_links")),
    )
    op.create_index(
        op.f("ix_tracker_links_team_system_key"),
        "tracker_links",
        ["team", "system", "key"],
        unique=False,
    )

    op.create_table(
        "sync_bases",
        sa.Column("item_id", sa.String(length=40), nullable=False),
        sa.Column("team", sa.String(), nullable=False),
        sa.Column("base", _json(), nullable=False),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_sync_bases")),
    )
    op.create_index(op.f("ix_sync_bases_team"), "sync_bases", ["team"], unique=False)

    op.create_table(
        "intents",
        sa.Column("item_id", sa.String(length=40), nullable=False),
        sa.Column("team", sa.String(), nullable=False),
        sa.Column("marker", sa.String(), nullable=False),
        sa.Column("system", sa.String(), nullable=False),
        sa.Column("started_at", _timestamp(), nullable=False),
        sa.Column("claimed_by", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_intents")),
    )
    op.create_index(
        op.f("ix_intents_team_started_at"), "intents", ["team", "started_at"], unique=False
    )

    op.create_table(
        "tracker_cursors",
        sa.Column("team", sa.String(), nullable=False),
        sa.Column("system", sa.String(), nullable=False),
        sa.Column("last_updated_seen", _timestamp(), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_full_scan_at", _timestamp(), nullable=True),
        sa.PrimaryKeyConstraint("team", "system", name=op.f("pk_tracker_cursors")),
    )


def downgrade() -> None:
    op.drop_table("tracker_cursors")
    op.drop_index(op.f("ix_intents_team_started_at"), table_name="intents")
    op.drop_table("intents")
    op.drop_index(op.f("ix_sync_bases_team"), table_name="sync_bases")
    op.drop_table("sync_bases")
    op.drop_index(op.f("ix_tracker_links_team_system_key"), table_name="tracker_links")
    op.drop_table("tracker_links")
