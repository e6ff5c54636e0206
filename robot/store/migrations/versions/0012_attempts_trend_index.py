"""An index that answers the report's trend from itself: per carrier, in time order, with
every column the trend counts by (the state, delivery, badge and run of each call).

Twelve weeks of a busy store are most of the table; on SQLite the trend read every row of it
(2 to 3 s on a million attempts). Through this index each week is one range per carrier, read
in order and summed without sorting or touching the table (0.5 s). PostgreSQL, without a skip
scan, keeps its one parallel pass over the window for the trend.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["carrier", "dialed_at", "state", "delivery", "verified", "run_id"]


def upgrade() -> None:
    op.create_index(op.f("ix_attempts_" + "_".join(COLUMNS)), "attempts", COLUMNS)


def downgrade() -> None:
    op.drop_index(op.f("ix_attempts_" + "_".join(COLUMNS)), table_name="attempts")
