"""The tables of the escalation store, as SQLAlchemy Core ``Table`` objects.

Migrations (:mod:`bot.store.migrations`) create them; the same definitions serve SQLite
and PostgreSQL. Times are stored as naive UTC and read back as aware UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in Python, naive UTC in the database (identical on both dialects)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use aware UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


metadata = MetaData()

migrations_table = Table(
    "_migrations",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("applied_at", UTCDateTime, nullable=False),
)

ref_counters = Table(
    "ref_counters",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("last", Integer, nullable=False),
)

escalations = Table(
    "escalations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ref", String(32), nullable=False, unique=True),
    Column("platform", String(16), nullable=False),
    Column("reporter_id", String(255), nullable=False),
    Column("team_id", String(255)),
    Column("school", String(255)),
    Column("question", Text, nullable=False, default=""),
    Column("passage_id", String(255)),
    Column("details", Text, nullable=False, default=""),
    Column("immediate_risk", String(8), nullable=False),
    Column("about_staff", String(16), nullable=False),
    Column("told_dsl_in_person", Boolean, nullable=False),
    Column("urgent", Boolean, nullable=False),
    Column("route", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("claimed_by", String(255)),
    Column("claimed_at", UTCDateTime),
    Column("resolved_by", String(255)),
    Column("resolved_at", UTCDateTime),
    Column("resolution_note", Text),
    Column("record_ref", String(255)),
    Column("destination_channel", String(255)),
    Column("destination_message_id", String(255)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("details_purged", Boolean, nullable=False, default=False),
    Index("ix_escalations_status", "status"),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("escalation_id", Integer, ForeignKey("escalations.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor_id", String(255), nullable=False),
    Column("action", String(32), nullable=False),
    Column("detail", String(255)),
    Index("ix_audit_escalation", "escalation_id"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("escalation_id", Integer, ForeignKey("escalations.id"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("stream", String(16), nullable=False),
    Column("payload", Text, nullable=False, default="{}"),
    Column("idempotency_key", String(200), nullable=False, unique=True),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("lease_owner", String(200)),
    Column("lease_until", UTCDateTime),
    Column("lease_token", String(64)),  # a new token per claim: completion is fenced by it
    Column("last_error", String(200)),
    Column("channel", String(255)),
    Column("message_id", String(255)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime),
    Index("ix_outbox_due", "status", "next_attempt_at"),
    Index("ix_outbox_escalation", "escalation_id", "stream"),
)

processed_events = Table(
    "processed_events",
    metadata,
    Column("event_id", String(255), primary_key=True),
    Column("seen_at", UTCDateTime, nullable=False),
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("passage_id", String(255), nullable=False),
    Column("helpful", Boolean, nullable=False),
    Column("platform", String(16)),
    Column("school", String(255)),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_feedback_passage", "passage_id"),
)

conversation_refs = Table(
    "conversation_refs",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

submissions = Table(
    "submissions",
    metadata,
    Column("platform_key", String(255), primary_key=True),  # e.g. slack:<view.id>:<hash>
    Column("escalation_id", Integer, ForeignKey("escalations.id")),
    Column("created_at", UTCDateTime, nullable=False),
)

question_stats = Table(  # one row per answered question; never its text
    "question_stats",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("school", String(255)),
    Column("asked_hour", UTCDateTime, nullable=False),  # truncated to the hour
    Column("answered", Boolean, nullable=False),
    Column("passage_id", String(255)),  # the clause shown first, when one was found
    Column("document", String(255)),
    Column("section", String(255)),
    Column("concern", Boolean, nullable=False),
    Column("platform", String(16), nullable=False),
    Index("ix_question_stats_school_hour", "school", "asked_hour"),
)

question_samples = Table(  # unanswered, non-concern text; only with the 30-day sample on
    "question_samples",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("school", String(255)),
    Column("asked_at", UTCDateTime, nullable=False),
    Column("question", Text, nullable=False),
    Index("ix_question_samples_school_asked", "school", "asked_at"),
)

schools = Table(
    "schools",
    metadata,
    Column("slug", String(100), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("slack_team_id", String(32), unique=True),
    Column("teams_app_id", String(64), unique=True),
    Column("admin_ids", Text, nullable=False),  # JSON list of user ids
    Column("settings", Text, nullable=False),  # JSON object (bot.store.schools.SETTING_KEYS)
    Column("installed", Boolean, nullable=False),
    Column("uninstalled_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

school_documents = Table(
    "school_documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("school", String(255), nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("title", String(500), nullable=False),
    Column("review_date", String(100)),
    Column("clauses", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("source", String(16), nullable=False),  # upload | url | corpus
    Column("source_url", Text),
    Column("source_id", Integer),  # the school_sources page it was linked from
    Column("etag", String(255)),
    Column("last_modified", String(64)),
    Column("added_at", UTCDateTime, nullable=False),
    Column("added_by", String(255)),
    UniqueConstraint("school", "file_name"),
    Index("ix_school_documents_school", "school"),
)

school_indexes = Table(
    "school_indexes",
    metadata,
    Column("school", String(255), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("built_at", UTCDateTime),
    Column("lease_owner", String(200)),
    Column("lease_token", String(64)),
    Column("lease_until", UTCDateTime),
)

school_sources = Table(
    "school_sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("school", String(255), nullable=False),
    Column("url", Text, nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
    Column("added_by", String(255)),
    Column("checked_at", UTCDateTime),
    UniqueConstraint("school", "url"),
)
