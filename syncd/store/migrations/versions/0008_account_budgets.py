"""Account budgets: one tracker account's rate limits, kept for every process that uses it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03

Reviewed by hand, as 0005: explicit column types, a named primary key wrapped in op.f(), a
downgrade that undoes the upgrade exactly. One new table; nothing existing changes. Times are
wall-clock epoch seconds (floats): the budget compares them with ``time.time()`` of whichever
process asks, and sub-second precision matters (writes a second apart).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account_budgets",
        sa.Column("account", sa.String(), nullable=False),
        sa.Column("creates", sa.Text(), nullable=False),
        sa.Column("last_write_end", sa.Float(), nullable=True),
        sa.Column("writer", sa.Text(), nullable=True),
        sa.Column("writer_until", sa.Float(), nullable=False),
        sa.Column("held_until", sa.Float(), nullable=False),
        sa.Column("hold_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("account", name=op.f("pk_account_budgets")),
    )


def downgrade() -> None:
    op.drop_table("account_budgets")
