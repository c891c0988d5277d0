"""Named, ordered migrations, each applied in one transaction with its ``_migrations`` row.

The same list runs on SQLite and PostgreSQL. ``migrate(engine)`` is idempotent and safe to
call from several processes starting at once (PostgreSQL: an advisory lock; SQLite: the
``BEGIN IMMEDIATE`` write lock). Add a migration by appending ``(name, function)`` to
:data:`MIGRATIONS`; never edit or reorder one that has shipped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import Connection, Engine, MetaData, select, text

from bot.store import tables
from bot.store.records import utc_now

logger = logging.getLogger(__name__)

ADVISORY_LOCK_ID = 7_214_503_911


def _create(*tables_: tables.Table) -> Callable[[Connection], None]:
    def apply(conn: Connection) -> None:
        for table in tables_:
            table.create(conn)

    return apply


def _as_shipped(table: tables.Table, *added_later: str) -> tables.Table:
    """``table`` as an early migration created it: without columns a later migration adds
    (a copy in its own MetaData, with the tables its foreign keys name)."""
    frozen = MetaData()
    for other in table.metadata.sorted_tables:
        if other is not table:
            other.to_metadata(frozen)
    columns = [c._copy() for c in table.columns if c.name not in added_later]
    indexes = [tables.Index(ix.name, *[c.name for c in ix.columns]) for ix in table.indexes]
    return tables.Table(table.name, frozen, *columns, *indexes)


def _sql(*statements: str) -> Callable[[Connection], None]:
    """A migration frozen as the DDL it ran when it shipped (valid on SQLite and PostgreSQL),
    so later edits to :mod:`bot.store.tables` never change what it does."""

    def apply(conn: Connection) -> None:
        for statement in statements:
            conn.execute(text(statement))

    return apply


MIGRATIONS: list[tuple[str, Callable[[Connection], None]]] = [
    (
        "0001_escalations_audit_outbox",
        _create(
            tables.ref_counters,
            tables.escalations,
            tables.audit,
            _as_shipped(tables.outbox, "lease_token"),
        ),
    ),
    ("0002_processed_events", _create(tables.processed_events)),
    ("0003_feedback", _create(tables.feedback)),
    ("0004_conversation_refs", _create(tables.conversation_refs)),
    (
        "0005_submission_keys_and_lease_tokens",
        _sql(
            "CREATE TABLE submissions ("
            " platform_key VARCHAR(255) NOT NULL PRIMARY KEY,"
            " escalation_id INTEGER REFERENCES escalations (id),"
            " created_at TIMESTAMP NOT NULL)",
            "ALTER TABLE outbox ADD COLUMN lease_token VARCHAR(64)",
        ),
    ),
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
