"""The status page's daily snapshots: one row per team and day, for its charts.

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-03

Reviewed by hand, as 0009: explicit column types, named constraints wrapped in op.f(), a
downgrade that undoes the upgrade exactly. Existing stores start with no snapshot: the charts
show the days before the upgrade as gaps, never as zeros.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "status_snapshots",
        sa.Column("team", sa.String(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("open", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("overdue", sa.Integer(), nullable=False),
        sa.Column("due_soon", sa.Integer(), nullable=False),
        sa.Column("on_time", sa.Integer(), nullable=False),
        sa.Column("timed", sa.Integer(), nullable=False),
        sa.Column(
            "open_ages",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("team", "day", name=op.f("pk_status_snapshots")),
    )


def downgrade() -> None:
    op.drop_table("status_snapshots")
