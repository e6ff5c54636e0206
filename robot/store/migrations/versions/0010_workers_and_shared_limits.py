"""Work across hosts: the worker that ran each attempt, live workers, the plan of queued runs,
and limits shared by every process (trunk calls-per-second and concurrent calls, per-number
pacing, daily budgets).

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

_TS = sa.DateTime(timezone=True)

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("attempts") as batch:
        batch.add_column(sa.Column("worker", sa.String(200), nullable=True))
    op.create_table(
        "workers",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("site", sa.String(100), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("handsets", sa.JSON(), nullable=False),
        sa.Column("concurrency", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("started_at", _TS, nullable=False),
        sa.Column("heartbeat_at", _TS, nullable=False),
        sa.Column("stopped_at", _TS, nullable=True),
        sa.Column("jobs_done", sa.Integer(), server_default="0", nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_workers")),
    )
    op.create_index(op.f("ix_workers_site"), "workers", ["site"])
    op.create_table(
        "run_calls",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("planned_call", sa.Integer(), nullable=False),
        sa.Column("handset_id", sa.String(100), nullable=False),
        sa.Column("site", sa.String(100), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("tries", sa.Integer(), server_default="0", nullable=False),
        sa.Column("job_id", sa.BigInteger(), nullable=True),
        sa.Column("worker", sa.String(200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("updated_at", _TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_run_calls_run_id_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("run_id", "planned_call", name=op.f("pk_run_calls")),
    )
    op.create_index(op.f("ix_run_calls_state"), "run_calls", ["state"])
    op.create_table(
        "trunk_gates",
        sa.Column("trunk", sa.String(100), nullable=False),
        sa.Column("recent_starts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("trunk", name=op.f("pk_trunk_gates")),
    )
    op.create_table(
        "trunk_calls",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("trunk", sa.String(100), nullable=False),
        sa.Column("holder", sa.String(200), nullable=False),
        sa.Column("started_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trunk_calls")),
    )
    op.create_index(op.f("ix_trunk_calls_trunk"), "trunk_calls", ["trunk"])
    op.create_table(
        "number_pacing",
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("last_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_number_pacing")),
    )
    op.create_table(
        "daily_calls",
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "kind", "key", name=op.f("pk_daily_calls")),
    )


def downgrade() -> None:
    for table in ("daily_calls", "number_pacing", "trunk_calls", "trunk_gates", "run_calls"):
        op.drop_table(table)
    op.drop_index(op.f("ix_workers_site"), table_name="workers")
    op.drop_table("workers")
    with op.batch_alter_table("attempts") as batch:
        batch.drop_column("worker")
