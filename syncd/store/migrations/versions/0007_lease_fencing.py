"""Leases with fencing: an epoch per lease, who holds it and with which command, released_at;
the epoch each create intent was recorded under.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

Reviewed by hand. ``leases.epoch`` is the fencing token: it grows by one on every takeover and
never goes back, so a released lease keeps its row (``released_at`` set) instead of being
deleted. Existing leases start at epoch 1. ``leases.holder_command``: ``run``, ``sync`` or
``digest``, for the message a second writer prints. ``intents.epoch``: the epoch of the lease
its holder had when it recorded the intent (null for intents recorded without a lease).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("leases") as batch:
        batch.add_column(
            sa.Column("epoch", sa.BigInteger(), nullable=False, server_default=sa.text("1"))
        )
        batch.add_column(sa.Column("holder_command", sa.String(), nullable=True))
        batch.add_column(sa.Column("released_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("intents") as batch:
        batch.add_column(sa.Column("epoch", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    # Released leases have no meaning before this revision: they are gone rows there.
    op.execute(sa.text("DELETE FROM leases WHERE released_at IS NOT NULL"))
    with op.batch_alter_table("intents") as batch:
        batch.drop_column("epoch")
    with op.batch_alter_table("leases") as batch:
        batch.drop_column("released_at")
        batch.drop_column("holder_command")
        batch.drop_column("epoch")
