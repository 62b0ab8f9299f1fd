"""Sync requests: webhook deliveries asking for a team's sync, shared by every replica.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03

Reviewed by hand, as 0010: explicit column types, named constraints wrapped in op.f(), a
downgrade that undoes the upgrade exactly. A new table only: nothing existing changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp() -> sa.DateTime:
    # timestamptz on PostgreSQL; SQLite stores UTC text, the code adds the zone back.
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sync_requests",
        sa.Column("delivery_id", sa.String(), nullable=False),
        sa.Column("team", sa.String(), nullable=False),
        sa.Column("endpoint", sa.String(), nullable=False),
        sa.Column("received_at", _timestamp(), nullable=False),
        sa.Column("done_at", _timestamp(), nullable=True),
        sa.PrimaryKeyConstraint("delivery_id", "team", name=op.f("pk_sync_requests")),
    )
    op.create_index(
        op.f("ix_sync_requests_done_at_team"), "sync_requests", ["done_at", "team"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_sync_requests_done_at_team"), table_name="sync_requests")
    op.drop_table("sync_requests")
