"""Nudges: a post the tracker refused for good (the issue is gone, commenting is forbidden).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03

Reviewed by hand, as 0010: the status check gains ``refused``, counted for the period like a
post, so a refusal that will not change is tried again after ``every_days``, not every cycle.
SQLite cannot alter a check constraint: the batch recreates the table (it is small).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BEFORE = "status IN ('claimed', 'sent', 'failed', 'unknown')"
_AFTER = "status IN ('claimed', 'sent', 'failed', 'unknown', 'refused')"


def upgrade() -> None:
    with op.batch_alter_table("nudges") as batch:
        batch.drop_constraint(op.f("ck_nudges_status"), type_="check")
        batch.create_check_constraint(op.f("ck_nudges_status"), _AFTER)


def downgrade() -> None:
    op.execute("UPDATE nudges SET status = 'failed' WHERE status = 'refused'")
    with op.batch_alter_table("nudges") as batch:
        batch.drop_constraint(op.f("ck_nudges_status"), type_="check")
        batch.create_check_constraint(op.f("ck_nudges_status"), _BEFORE)
