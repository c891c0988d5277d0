"""Named, ordered migrations, each applied in one transaction with its ``_migrations`` row.

The same list runs on SQLite and PostgreSQL. ``migrate(engine)`` is idempotent and safe to
call from several processes starting at once (PostgreSQL: an advisory lock; SQLite: the
``BEGIN IMMEDIATE`` write lock). Add a migration by appending ``(name, function)`` to
:data:`MIGRATIONS`; never edit or reorder one that has shipped.

Each migration carries its own DDL, frozen when it shipped (``ddl/NAME.sql``: what
SQLAlchemy compiled from :mod:`bot.store.tables` then, with the two column types that differ
between SQLite and PostgreSQL left as ``{serial}`` and ``{timestamp}``), so adding a column
to today's tables later never changes what an old migration creates. A new table or column
is a new migration (``ALTER TABLE`` or a new frozen file, for both dialects) and the same
change in ``tables``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection, Engine, select, text

from bot.store import tables
from bot.store.records import utc_now

logger = logging.getLogger(__name__)

ADVISORY_LOCK_ID = 7_214_503_911
DDL_DIR = Path(__file__).parent / "ddl"
COLUMN_TYPES = {
    "sqlite": {"serial": "INTEGER", "timestamp": "DATETIME"},
    "postgresql": {"serial": "SERIAL", "timestamp": "TIMESTAMP WITHOUT TIME ZONE"},
}


def _frozen(name: str) -> Callable[[Connection], None]:
    """Run ``ddl/{name}.sql`` in the connection's dialect: statements end with ";"."""

    def apply(conn: Connection) -> None:
        sql = (DDL_DIR / f"{name}.sql").read_text(encoding="utf-8")
        sql = sql.format(**COLUMN_TYPES[conn.dialect.name])
        lines = [line for line in sql.splitlines() if not line.startswith("--")]
        for statement in "\n".join(lines).split(";\n"):
            if statement.strip():
                conn.exec_driver_sql(statement.strip().rstrip(";"))

    return apply


MIGRATIONS: list[tuple[str, Callable[[Connection], None]]] = [
    ("0001_escalations_audit_outbox", _frozen("0001_escalations_audit_outbox")),
    ("0002_processed_events", _frozen("0002_processed_events")),
    ("0003_feedback", _frozen("0003_feedback")),
    ("0004_conversation_refs", _frozen("0004_conversation_refs")),
    ("0005_submission_keys_and_lease_tokens", _frozen("0005_submission_keys_and_lease_tokens")),
    ("0006_schools", _frozen("0006_schools")),
    ("0007_school_indexes", _frozen("0007_school_indexes")),
    ("0008_question_stats", _frozen("0008_question_stats")),
]


def migrate(engine: Engine) -> list[str]:
    """Apply every migration not yet recorded, in order; return the names applied now."""
    with engine.begin() as conn:
        _lock(conn)
        tables.migrations_table.create(conn, checkfirst=True)
    done: list[str] = []
    for name, apply in MIGRATIONS:
        with engine.begin() as conn:
            _lock(conn)
            if name in applied(conn):
                continue
            apply(conn)
            conn.execute(tables.migrations_table.insert().values(name=name, applied_at=utc_now()))
        logger.info("applied migration %s", name)
        done.append(name)
    return done


def applied(conn: Connection) -> list[str]:
    """Names of the migrations recorded in ``_migrations``, in the order they were applied."""
    t = tables.migrations_table
    rows = conn.execute(select(t.c.name).order_by(t.c.applied_at, t.c.name))
    return [row.name for row in rows]


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": ADVISORY_LOCK_ID})
