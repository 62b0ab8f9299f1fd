"""The mass-removal guard: each source's last good read, and the loss it is holding.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03

Reviewed by hand, as 0005 and 0008: explicit column types, named constraints wrapped in
op.f(), a downgrade that undoes the upgrade exactly. ``documents.in_last_read`` marks the
documents a source's last good read returned (what a new read's loss is measured against);
existing rows start unmarked and no source has a ``source_reads`` row, so the first read after
the upgrade is a source's first read: never held, it records what it found.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp() -> sa.DateTime:
    # timestamptz on PostgreSQL; SQLite stores UTC text, the code adds the zone back.
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(
            sa.Column("in_last_read", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "source_reads",
        sa.Column("team", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("read_at", _timestamp(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("held_cycles", sa.Integer(), nullable=False),
        sa.Column("held_since", _timestamp(), nullable=True),
        sa.Column("held_at", _timestamp(), nullable=True),
        sa.Column("held_note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("team", "source", name=op.f("pk_source_reads")),
    )


def downgrade() -> None:
    op.drop_table("source_reads")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("in_last_read")
