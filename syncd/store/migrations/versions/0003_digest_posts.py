"""Digest posts: one row per team, schedule slot and channel, claimed before posting.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

Reviewed by hand, as 0001 and 0002: explicit column types, named constraints wrapped in op.f(),
a downgrade that undoes the upgrade exactly. One new table; nothing existing changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp() -> sa.DateTime:
    # timestamptz on PostgreSQL; SQLite stores UTC text, the code adds the zone back.
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "digest_posts",
        sa.Column("team", sa.String(), nullable=False),
        # The schedule slot in UTC as fixed-width ISO text ("2026-03-02T09:00:00Z"): equal
        # slots are equal strings on every backend, and text order is time order.
        sa.Column("slot", sa.Text(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("claimed_by", sa.Text(), nullable=True),
        sa.Column("claimed_at", _timestamp(), nullable=False),
        sa.Column("lease_until", _timestamp(), nullable=False),
        sa.Column("posted_at", _timestamp(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('claimed', 'posted', 'failed')", name=op.f("ck_digest_posts_status")
        ),
        sa.PrimaryKeyConstraint("team", "slot", "channel", name=op.f("pk_digest_posts")),
    )


def downgrade() -> None:
    op.drop_table("digest_posts")
