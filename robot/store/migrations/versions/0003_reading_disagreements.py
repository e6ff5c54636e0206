"""Screen reading: OCR/page-source disagreements and whether the expected logo was shown.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # batch mode: SQLite cannot alter a table in place; on PostgreSQL it is a plain ALTER
    with op.batch_alter_table("attempts") as batch:
        batch.add_column(sa.Column("disagreements", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("logo_matches", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("attempts") as batch:
        batch.drop_column("logo_matches")
        batch.drop_column("disagreements")
