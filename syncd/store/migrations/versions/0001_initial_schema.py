"""Initial schema: items, documents, sync runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-21

Reviewed by hand: explicit column types, named constraints, a working downgrade.
Names are wrapped in op.f() so that no naming convention renames them. The types are spelled
out rather than imported from syncd.store: a migration must keep creating the schema of its
own revision, whatever later code does to those modules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp() -> sa.DateTime:
    # timestamptz on PostgreSQL; SQLite stores UTC text, the code adds the zone back.
    return sa.DateTime(timezone=True)


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "items",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("team", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("document", sa.String(), nullable=False),
        sa.Column("postmortem_title", sa.Text(), nullable=False),
        sa.Column("postmortem_date", sa.Date(), nullable=True),
        sa.Column("postmortem_date_origin", sa.String(), nullable=True),
        sa.Column("postmortem_severity", sa.String(), nullable=True),
        sa.Column("postmortem_incident", sa.String(), nullable=True),
        sa.Column("postmortem_service", sa.String(), nullable=True),
        sa.Column("postmortem_team", sa.String(), nullable=True),
        sa.Column("postmortem_url", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("section", sa.Text(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("owner_written", sa.Text(), nullable=True),
        sa.Column("assignee", sa.String(), nullable=True),
        sa.Column("owner_via", sa.String(), nullable=True),
        sa.Column("owner_unresolved_reason", sa.Text(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("due_origin", sa.String(), nullable=True),
        sa.Column("due_written", sa.Text(), nullable=True),
        sa.Column("ambiguous_date", sa.Boolean(), nullable=False),
        sa.Column("priority", sa.String(), nullable=True),
        sa.Column("priority_written", sa.Text(), nullable=True),
        sa.Column("type", sa.String(), nullable=True),
        sa.Column("type_written", sa.Text(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("tracker_system", sa.String(), nullable=True),
        sa.Column("tracker_key", sa.String(), nullable=True),
        sa.Column("tracker_url", sa.Text(), nullable=True),
        sa.Column("flags", _json(), nullable=False),
        sa.Column("first_seen", _timestamp(), nullable=False),
        sa.Column("last_seen", _timestamp(), nullable=False),
        sa.Column("orphaned_at", _timestamp(), nullable=True),
        sa.Column("updated_at", _timestamp(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")),
    )
    op.create_index(
        op.f("ix_items_team_source_document"), "items", ["team", "source", "document"], unique=False
    )

    op.create_table(
        "documents",
        sa.Column("team", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("document", sa.String(), nullable=False),
        sa.Column("first_seen", _timestamp(), nullable=False),
        sa.Column("last_seen", _timestamp(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("postmortem_date", sa.Date(), nullable=True),
        sa.Column("content_hash", sa.String(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("team", "source", "document", name=op.f("pk_documents")),
    )

    op.create_table(
        "sync_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("team", sa.String(), nullable=False),
        sa.Column("started_at", _timestamp(), nullable=False),
        sa.Column("finished_at", _timestamp(), nullable=True),
        sa.Column("outcome", sa.String(), nullable=True),
        sa.Column("counts", _json(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('ok', 'partial', 'failed')",
            name=op.f("ck_sync_runs_outcome"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_runs")),
    )
    op.create_index(
        op.f("ix_sync_runs_team_started_at"), "sync_runs", ["team", "started_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_sync_runs_team_started_at"), table_name="sync_runs")
    op.drop_table("sync_runs")
    op.drop_table("documents")
    op.drop_index(op.f("ix_items_team_source_document"), table_name="items")
    op.drop_table("items")
