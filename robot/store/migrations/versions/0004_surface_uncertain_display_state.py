"""Blind reading and real-handset truth: call surface, label source, uncertain fields, the
verdict as one word, the phone's settings snapshot (was `hygiene`) and its display state.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
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
    with op.batch_alter_table("attempts") as batch:
        batch.add_column(sa.Column("surface", sa.String(16), nullable=True))
        batch.add_column(sa.Column("label_source", sa.String(16), nullable=True))
        batch.add_column(sa.Column("uncertain", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("verdict", sa.String(12), nullable=True))
        batch.add_column(sa.Column("display_state", sa.String(12), nullable=True))
        batch.alter_column("hygiene", new_column_name="settings")
    # Verdicts recorded before checks had states were pass or fail.
    op.execute(
        "UPDATE attempts SET verdict = CASE WHEN verdict_passed THEN 'pass' ELSE 'fail' END "
        "WHERE verdict_passed IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("attempts") as batch:
        batch.alter_column("settings", new_column_name="hygiene")
        batch.drop_column("display_state")
        batch.drop_column("verdict")
        batch.drop_column("uncertain")
        batch.drop_column("label_source")
        batch.drop_column("surface")
