"""Runs, attempts, leases, handset state: the first schema of the results store.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "handset_state",
        sa.Column("handset_id", sa.String(length=100), nullable=False),
        sa.Column("enabled_override", sa.Boolean(), nullable=True),
        sa.Column("consecutive_errors", sa.Integer(), server_default="0", nullable=False),
        sa.Column("quarantined_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("handset_id", name=op.f("pk_handset_state")),
    )
    op.create_table(
        "leases",
        sa.Column("handset_id", sa.String(length=100), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("handset_id", name=op.f("pk_leases")),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("scenario", sa.String(length=200), nullable=False),
        sa.Column("trigger", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")),
    )
    op.create_index(op.f("ix_runs_started_at"), "runs", ["started_at"], unique=False)
    op.create_index(op.f("ix_runs_status"), "runs", ["status"], unique=False)

    op.create_table(
        "attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("carrier", sa.String(length=64), nullable=False),
        sa.Column("handset_id", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("delivery", sa.String(length=20), nullable=True),
        sa.Column("attestation", sa.String(length=1), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=True),
        sa.Column("dialed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_provisional_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sip_ringing_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handset_ringing_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("captured_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("call_id", sa.String(length=255), nullable=True),
        sa.Column("sip_events", sa.JSON(), nullable=True),
        sa.Column("final_code", sa.Integer(), nullable=True),
        sa.Column("final_phrase", sa.String(length=255), nullable=True),
        sa.Column("reason_protocol", sa.String(length=40), nullable=True),
        sa.Column("reason_cause", sa.Integer(), nullable=True),
        sa.Column("reason_text", sa.Text(), nullable=True),
        sa.Column("reason_location", sa.String(length=255), nullable=True),
        sa.Column("call_info", sa.JSON(), nullable=True),
        sa.Column("redress", sa.JSON(), nullable=True),
        sa.Column("answered", sa.Boolean(), nullable=True),
        sa.Column("transport", sa.String(length=8), nullable=True),
        sa.Column("cancelled_by_us", sa.Boolean(), nullable=True),
        sa.Column("duration_ms", sa.Float(), nullable=True),
        sa.Column("sip_error", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("number_shown", sa.String(length=64), nullable=True),
        sa.Column("spam_label", sa.Text(), nullable=True),
        sa.Column("spam_class", sa.String(length=20), nullable=True),
        sa.Column("verified", sa.String(length=8), nullable=True),
        sa.Column("logo", sa.Boolean(), nullable=True),
        sa.Column("call_reason", sa.Text(), nullable=True),
        sa.Column("confidence", sa.JSON(), nullable=True),
        sa.Column("raw_text", sa.Text(), nullable=True),
        sa.Column("engine", sa.String(length=64), nullable=True),
        sa.Column("verdict_passed", sa.Boolean(), nullable=True),
        sa.Column("verdict_checks", sa.JSON(), nullable=True),
        sa.Column("hygiene", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("screenshot", sa.String(length=500), nullable=True),
        sa.Column("page_source", sa.String(length=500), nullable=True),
        sa.Column("sip_trace", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.id"], name=op.f("fk_attempts_run_id_runs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attempts")),
    )
    op.create_index(op.f("ix_attempts_dialed_at"), "attempts", ["dialed_at"], unique=False)
    op.create_index(
        op.f("ix_attempts_handset_id_dialed_at"),
        "attempts",
        ["handset_id", "dialed_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_attempts_number_carrier_dialed_at"),
        "attempts",
        ["number", "carrier", "dialed_at"],
        unique=False,
    )
    op.create_index(op.f("ix_attempts_run_id"), "attempts", ["run_id"], unique=False)
    op.create_index(op.f("ix_attempts_status"), "attempts", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_attempts_status"), table_name="attempts")
    op.drop_index(op.f("ix_attempts_run_id"), table_name="attempts")
    op.drop_index(op.f("ix_attempts_number_carrier_dialed_at"), table_name="attempts")
    op.drop_index(op.f("ix_attempts_handset_id_dialed_at"), table_name="attempts")
    op.drop_index(op.f("ix_attempts_dialed_at"), table_name="attempts")

    op.drop_table("attempts")
    op.drop_index(op.f("ix_runs_status"), table_name="runs")
    op.drop_index(op.f("ix_runs_started_at"), table_name="runs")

    op.drop_table("runs")
    op.drop_table("leases")
    op.drop_table("handset_state")
