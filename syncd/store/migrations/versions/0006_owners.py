"""Owners beside the assignee, and who holds each issue in the tracker now.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02

Reviewed by hand. ``items.co_owners``: the other owners a document names beside the assignee
("carol, dave"), as a JSON list; existing rows start with none, and the next sync fills them in.
``tracker_links.assignee`` and ``assignee_name``: the tracker's assignee as syncd last read it
(a user id: Jira accountId or Data Center username, GitHub login; and the name the tracker
shows), so the digest and ``status`` name who holds the issue now. Existing links start
unknown and are filled in as their issues are read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(
            sa.Column("co_owners", _json(), nullable=False, server_default=sa.text("'[]'"))
        )
    with op.batch_alter_table("tracker_links") as batch:
        batch.add_column(sa.Column("assignee", sa.String(), nullable=True))
        batch.add_column(sa.Column("assignee_name", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tracker_links") as batch:
        batch.drop_column("assignee_name")
        batch.drop_column("assignee")
    with op.batch_alter_table("items") as batch:
        batch.drop_column("co_owners")
