"""The tables of the results store (SQLAlchemy 2 Core), the single source for migrations.

Every change here needs an Alembic revision in `robot/store/migrations/versions/`; a test
compares the migrated database with this metadata, so the two cannot drift apart.

Enumerations are stored as short strings (not database enums) so adding a value never needs a
migration, and JSON holds the few structured fields (Call-Info, jCard redress, verdict checks,
phone settings, OCR confidence) whose shape belongs to the domain, not to SQL.
"""

from __future__ import annotations

import sqlalchemy as sa

from robot.store.types import UtcDateTime

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("scenario", sa.String(200), nullable=False),
    sa.Column("trigger", sa.String(40), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("ended_at", UtcDateTime, nullable=True),
    # Who writes this run: "host:pid:start-ticks", so a later start can tell a dead writer
    # (its attempts become `interrupted`) from one still running in another process.
    sa.Column("owner", sa.String(200), nullable=True),
    sa.Column("note", sa.Text, nullable=True),  # why it failed or was skipped
    sa.Column("planned_calls", sa.Integer, nullable=True),  # for progress: done of planned
    # Cancelling from the console (or any process): the process running the run watches these
    # and stops its calls, wherever it runs.
    sa.Column("cancel_requested_at", UtcDateTime, nullable=True),
    sa.Column("cancel_requested_by", sa.String(200), nullable=True),
    sa.Index(None, "status"),
    sa.Index(None, "started_at"),
)

attempts = sa.Table(
    "attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "run_id",
        sa.Integer,
        sa.ForeignKey("runs.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("number", sa.String(32), nullable=False),
    sa.Column("carrier", sa.String(64), nullable=False),
    sa.Column("handset_id", sa.String(100), nullable=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("delivery", sa.String(20), nullable=True),
    sa.Column("attestation", sa.String(1), nullable=True),
    # What a customer saw, classified once when the attempt completes (see store/states.py)
    # so reports can count and compare states in SQL.
    sa.Column("state", sa.String(20), nullable=True),
    # timestamps (DESIGN.md "Attempt")
    sa.Column("dialed_at", UtcDateTime, nullable=False),
    sa.Column("first_provisional_at", UtcDateTime, nullable=True),
    sa.Column("sip_ringing_at", UtcDateTime, nullable=True),
    sa.Column("handset_ringing_at", UtcDateTime, nullable=True),
    sa.Column("captured_at", UtcDateTime, nullable=True),
    sa.Column("ended_at", UtcDateTime, nullable=True),
    # SIP outcome; call_id NULL means no SIP outcome was recorded
    sa.Column("call_id", sa.String(255), nullable=True),
    sa.Column("sip_events", sa.JSON, nullable=True),
    sa.Column("final_code", sa.Integer, nullable=True),
    sa.Column("final_phrase", sa.String(255), nullable=True),
    sa.Column("reason_protocol", sa.String(40), nullable=True),
    sa.Column("reason_cause", sa.Integer, nullable=True),
    sa.Column("reason_text", sa.Text, nullable=True),
    sa.Column("reason_location", sa.String(255), nullable=True),
    sa.Column("call_info", sa.JSON, nullable=True),
    sa.Column("redress", sa.JSON, nullable=True),
    sa.Column("answered", sa.Boolean, nullable=True),
    sa.Column("transport", sa.String(8), nullable=True),
    sa.Column("cancelled_by_us", sa.Boolean, nullable=True),
    sa.Column("duration_ms", sa.Float, nullable=True),
    sa.Column("sip_error", sa.Text, nullable=True),
    # screen reading; verified NULL means no reading was recorded
    sa.Column("name", sa.Text, nullable=True),
    sa.Column("number_shown", sa.String(64), nullable=True),
    sa.Column("spam_label", sa.Text, nullable=True),
    sa.Column("spam_class", sa.String(20), nullable=True),
    sa.Column("verified", sa.String(8), nullable=True),
    sa.Column("logo", sa.Boolean, nullable=True),
    sa.Column("call_reason", sa.Text, nullable=True),
    sa.Column("confidence", sa.JSON, nullable=True),
    sa.Column("raw_text", sa.Text, nullable=True),
    sa.Column("engine", sa.String(64), nullable=True),
    # [[field, screen value, page-source value], ...] where OCR and page source differ
    sa.Column("disagreements", sa.JSON, nullable=True),
    sa.Column("logo_matches", sa.Boolean, nullable=True),  # NULL: no logo was expected
    sa.Column("surface", sa.String(16), nullable=True),
    sa.Column("label_source", sa.String(16), nullable=True),
    sa.Column("uncertain", sa.JSON, nullable=True),  # fields the reading could not decide
    # verdict, phone state, failure
    sa.Column("verdict_passed", sa.Boolean, nullable=True),
    # pass / fail / uncertain / warn (`Verdict.outcome`), so reports count uncertain apart
    sa.Column("verdict", sa.String(12), nullable=True),
    sa.Column("verdict_checks", sa.JSON, nullable=True),
    sa.Column("settings", sa.JSON, nullable=True),  # the phone's settings when the call came
    sa.Column("display_state", sa.String(12), nullable=True),
    sa.Column("planned_call", sa.Integer, nullable=True),  # retries share their planned call
    sa.Column("slot_wait_ms", sa.Float, nullable=True),  # waited for a free trunk slot
    sa.Column("worker", sa.String(200), nullable=True),  # the process that ran it
    sa.Column("error", sa.Text, nullable=True),
    # evidence, relative to the artifacts folder
    sa.Column("screenshot", sa.String(500), nullable=True),
    sa.Column("page_source", sa.String(500), nullable=True),
    sa.Column("sip_trace", sa.String(500), nullable=True),
    sa.Index(None, "dialed_at"),
    sa.Index(None, "number", "carrier", "dialed_at"),
    sa.Index(None, "run_id"),
    sa.Index(None, "status"),
    sa.Index(None, "handset_id", "dialed_at"),
    # the report's trend, answered from the index alone (migration 0012)
    sa.Index(None, "carrier", "dialed_at", "state", "delivery", "verified", "run_id"),
)

leases = sa.Table(
    "leases",
    metadata,
    sa.Column("handset_id", sa.String(100), primary_key=True),
    sa.Column("holder", sa.String(200), nullable=False),
    sa.Column("acquired_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
)

handset_state = sa.Table(
    "handset_state",
    metadata,
    sa.Column("handset_id", sa.String(100), primary_key=True),
    sa.Column("enabled_override", sa.Boolean, nullable=True),
    sa.Column("consecutive_errors", sa.Integer, nullable=False, server_default="0"),
    sa.Column("quarantined_at", UtcDateTime, nullable=True),
    sa.Column("last_error", sa.Text, nullable=True),
)

# Alert memory per signal (DESIGN.md "Signal"): its confirmed state ("pass"/"fail") and its most
# recent observations (JSON list, oldest first) a flip must be confirmed by.
alert_signals = sa.Table(
    "alert_signals",
    metadata,
    sa.Column("scenario", sa.String(200), primary_key=True),
    sa.Column("number", sa.String(32), primary_key=True),
    sa.Column("carrier", sa.String(100), primary_key=True),
    sa.Column("check_name", sa.String(40), primary_key=True),
    sa.Column("variant", sa.String(100), primary_key=True),
    sa.Column("confirmed", sa.String(8), nullable=False),
    sa.Column("recent", sa.JSON, nullable=False),
    sa.Column("reason", sa.Text, nullable=True),  # of the last observation
    sa.Column("last_attempt_id", sa.Integer, nullable=True),
    sa.Column("changed_at", UtcDateTime, nullable=False),  # when `confirmed` last changed
    sa.Column("updated_at", UtcDateTime, nullable=False),
)

# The alert outbox: every alert is recorded here before anything is sent (even with no channel,
# or muted), and each channel it goes to gets a delivery row that is marked sent only after the
# receiver answered 2xx. Rows hold the channel's name, kind and the NAME of the environment
# variable with its URL, never the URL (it embeds a token).
alerts = sa.Table(
    "alerts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("scenario", sa.String(200), nullable=False),
    sa.Column("number", sa.String(32), nullable=False),
    sa.Column("carrier", sa.String(100), nullable=False),
    sa.Column("check_name", sa.String(40), nullable=False),
    sa.Column("variant", sa.String(100), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("run_id", sa.Integer, nullable=True),
    sa.Column("attempt_id", sa.Integer, nullable=True),
    sa.Column("handset_id", sa.String(100), nullable=True),
    sa.Column("evidence", sa.JSON, nullable=True),
    sa.Column("muted", sa.Boolean, nullable=False),
    sa.Index(None, "created_at"),
    sa.Index(None, "scenario", "number", "carrier"),
)

alert_deliveries = sa.Table(
    "alert_deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column(
        "alert_id",
        sa.Integer,
        sa.ForeignKey("alerts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("channel", sa.String(100), nullable=False),
    sa.Column("channel_kind", sa.String(10), nullable=False),
    sa.Column("url_env", sa.String(100), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),  # pending / sent / failed
    sa.Column("tries", sa.Integer, nullable=False),
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("next_try_at", UtcDateTime, nullable=False),
    sa.Column("sent_at", UtcDateTime, nullable=True),
    # a sender claims a row while it posts it, so two senders (a run and `serve`) never both do
    sa.Column("claimed_by", sa.String(200), nullable=True),
    sa.Column("claimed_until", UtcDateTime, nullable=True),
    sa.Index(None, "status", "next_try_at"),
    sa.Index(None, "alert_id"),
)

# API tokens of the console and REST API: only a SHA-256 of each token is kept (tokens are 256
# random bits, so a fast hash is enough); the token itself is shown once, when created.
api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("role", sa.String(12), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False),
    sa.Column("prefix", sa.String(16), nullable=False),  # first characters, to recognise it
    # A sign-in link's token (`ringcheck demo --serve`, `tokens create --once`): it opens one
    # browser session and then no longer matches; never accepted as a bearer token.
    sa.Column("once", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("last_used_at", UtcDateTime, nullable=True),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
    sa.Column("revoked_by", sa.String(200), nullable=True),
    sa.Index(None, "token_hash", unique=True),
    sa.Index(None, "name"),
)

# Browser sessions opened by signing in with a token (cookie = session secret, kept hashed);
# revoking the token ends its sessions.
console_sessions = sa.Table(
    "console_sessions",
    metadata,
    sa.Column("id_hash", sa.String(64), primary_key=True),
    sa.Column(
        "token_id",
        sa.Integer,
        sa.ForeignKey("api_tokens.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Index(None, "token_id"),
    sa.Index(None, "expires_at"),
)

# Who triggered, cancelled, disabled or released what, and who signed in: never a secret.
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("role", sa.String(12), nullable=True),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("target", sa.String(300), nullable=True),
    sa.Column("detail", sa.JSON, nullable=True),
    sa.Column("source", sa.String(100), nullable=True),  # client address, or "cli"
    sa.Index(None, "at"),
)

# --- work across hosts (farm-site workers, shared limits) ------------------------------------

# Live and stopped `ringcheck worker` processes: their site, handsets and last heartbeat.
workers = sa.Table(
    "workers",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),  # host:pid:start, as attempts say
    sa.Column("site", sa.String(100), nullable=False),
    sa.Column("host", sa.String(255), nullable=False),
    sa.Column("handsets", sa.JSON, nullable=False),
    sa.Column("concurrency", sa.Integer, nullable=False),
    sa.Column("state", sa.String(12), nullable=False),  # running / stopped / lost
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("heartbeat_at", UtcDateTime, nullable=False),
    sa.Column("stopped_at", UtcDateTime, nullable=True),
    sa.Column("jobs_done", sa.Integer, nullable=False, server_default="0"),
    sa.Column("note", sa.Text, nullable=True),  # why it stopped
    sa.Index(None, "site"),
)

# The plan of a run whose calls went to site queues: one row per planned call, so whoever
# follows the run (the `run` command, `runs show`) knows what is still to come, and the last
# job to end closes the run.
run_calls = sa.Table(
    "run_calls",
    metadata,
    sa.Column(
        "run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("planned_call", sa.Integer, primary_key=True),
    sa.Column("handset_id", sa.String(100), nullable=False),
    sa.Column("site", sa.String(100), nullable=False),
    sa.Column("state", sa.String(12), nullable=False),  # queued / running / done / skipped
    sa.Column("tries", sa.Integer, nullable=False, server_default="0"),
    sa.Column("job_id", sa.BigInteger, nullable=True),
    sa.Column("worker", sa.String(200), nullable=True),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Index(None, "state"),
)

# A trunk's recent call starts (seconds since the epoch on the database's clock, newest last):
# the calls-per-second window every process and host checks under this row's lock.
trunk_gates = sa.Table(
    "trunk_gates",
    metadata,
    sa.Column("trunk", sa.String(100), primary_key=True),
    sa.Column("recent_starts", sa.JSON, nullable=False),
)

# Calls up on a trunk now (concurrent-call slots); a slot expires after the call's longest
# possible duration, so a killed process frees its slots without anyone's help.
trunk_calls = sa.Table(
    "trunk_calls",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("trunk", sa.String(100), nullable=False),
    sa.Column("holder", sa.String(200), nullable=False),
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Index(None, "trunk"),
)

# When each number last called (per-number pacing across every process and host).
number_pacing = sa.Table(
    "number_pacing",
    metadata,
    sa.Column("number", sa.String(32), primary_key=True),
    sa.Column("last_at", UtcDateTime, nullable=False),
)

# Calls counted against daily budgets: (local day, "number"|"handset", key) -> calls claimed.
daily_calls = sa.Table(
    "daily_calls",
    metadata,
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("kind", sa.String(10), primary_key=True),
    sa.Column("key", sa.String(100), primary_key=True),
    sa.Column("used", sa.Integer, nullable=False),
)
