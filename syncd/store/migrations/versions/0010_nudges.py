"""Nudges: the comments syncd posts on overdue, due-soon or stale items' issues.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

Reviewed by hand, as 0005 and 0008: explicit column types, named constraints wrapped in
op.f(), a downgrade that undoes the upgrade exactly. A new table only: nothing existing changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp() -> sa.DateTime:
    # timestamptz on PostgreSQL; SQLite stores UTC text, the code adds the zone back.
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "nudges",
        sa.Column("team", sa.String(), nullable=False),
        sa.Column("item_id", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("issue_key", sa.Text(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("claimed_at", _timestamp(), nullable=False),
        sa.Column("finished_at", _timestamp(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('claimed', 'sent', 'failed', 'unknown')", name=op.f("ck_nudges_status")
        ),
        sa.PrimaryKeyConstraint("team", "item_id", "reason", "day", name=op.f("pk_nudges")),
    )


def downgrade() -> None:
    op.drop_table("nudges")
