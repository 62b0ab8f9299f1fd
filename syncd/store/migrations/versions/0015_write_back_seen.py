"""What write-back has seen in the documents: per item, the tracker key and the done mark.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03

Reviewed by hand, as 0010: explicit column types, named constraints wrapped in op.f(), a
downgrade that undoes the upgrade exactly. A new table only: nothing existing changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "write_back_seen",
        sa.Column("team", sa.String(), nullable=False),
        sa.Column("item_id", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team", "item_id", name=op.f("pk_write_back_seen")),
    )


def downgrade() -> None:
    op.drop_table("write_back_seen")
