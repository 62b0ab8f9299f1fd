"""The last activity on an item's issue by anyone but syncd: what "stale" counts from.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21

Reviewed by hand. One nullable column; existing links start without a known activity, so the
judge falls back to when the item was first seen until a person touches the issue.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("tracker_links") as batch:
        batch.add_column(sa.Column("last_activity", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tracker_links") as batch:
        batch.drop_column("last_activity")
