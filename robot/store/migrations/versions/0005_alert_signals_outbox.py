"""Alerts per signal (scenario, number, carrier, check) and an outbox of alerts and deliveries.

The old memory was kept per (number, carrier) across scenarios, and its "sent once, ever" keys
cannot be mapped onto signals: both tables are dropped, and signals start afresh (a signal that
already fails alerts once, as a first-seen failure).

Revision ID: 0005
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.drop_table("alerts_sent")
    op.drop_table("alert_states")
    op.create_table(
        "alert_signals",
        sa.Column("scenario", sa.String(length=200), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("carrier", sa.String(length=100), nullable=False),
        sa.Column("check_name", sa.String(length=40), nullable=False),
        sa.Column("variant", sa.String(length=100), nullable=False),
        sa.Column("confirmed", sa.String(length=8), nullable=False),
        sa.Column("recent", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("last_attempt_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint(
            "scenario", "number", "carrier", "check_name", "variant", name=op.f("pk_alert_signals")
        ),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("scenario", sa.String(length=200), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("carrier", sa.String(length=100), nullable=False),
        sa.Column("check_name", sa.String(length=40), nullable=False),
        sa.Column("variant", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        sa.Column("handset_id", sa.String(length=100), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=True),
        sa.Column("muted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    op.create_index(op.f("ix_alerts_created_at"), "alerts", ["created_at"])
    op.create_index(
        op.f("ix_alerts_scenario_number_carrier"), "alerts", ["scenario", "number", "carrier"]
    )
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=100), nullable=False),
        sa.Column("channel_kind", sa.String(length=10), nullable=False),
        sa.Column("url_env", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_try_at", _TS, nullable=False),
        sa.Column("sent_at", _TS, nullable=True),
        sa.Column("claimed_by", sa.String(length=200), nullable=True),
        sa.Column("claimed_until", _TS, nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_alert_deliveries_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_deliveries")),
    )
    op.create_index(
        op.f("ix_alert_deliveries_status_next_try_at"),
        "alert_deliveries",
        ["status", "next_try_at"],
    )
    op.create_index(op.f("ix_alert_deliveries_alert_id"), "alert_deliveries", ["alert_id"])


def downgrade() -> None:
    op.drop_table("alert_deliveries")
    op.drop_table("alerts")
    op.drop_table("alert_signals")
    op.create_table(
        "alert_states",
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("carrier", sa.String(length=100), nullable=False),
        sa.Column("recent", sa.JSON(), nullable=False),
        sa.Column("confirmed", sa.JSON(), nullable=True),
        sa.Column("updated_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("number", "carrier", name=op.f("pk_alert_states")),
    )
    op.create_table(
        "alerts_sent",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("sent_at", _TS, nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_alerts_sent")),
    )
