"""The few statements that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Table, literal, literal_column
from sqlalchemy.dialects import postgresql, sqlite

from bot.store.tables import UTCDateTime

TEST_CLOCK = "policybot_test_clock"


def upsert(conn: Connection, table: Table) -> Any:
    """An INSERT that supports ``on_conflict_do_nothing`` / ``on_conflict_do_update``."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def insert_ignore(conn: Connection, table: Table, values: dict[str, Any], key: Any) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True if the row was inserted.

    Uses RETURNING rather than ``rowcount`` (psycopg reports -1 for these inserts).
    """
    stmt = upsert(conn, table).values(**values).on_conflict_do_nothing().returning(key)
    return conn.execute(stmt).first() is not None


def db_time(conn: Connection, seconds: float = 0.0) -> Any:
    """The database's clock, ``seconds`` from now, as a SQL expression evaluated inside the
    statement that uses it (SQLite ``'now'``, PostgreSQL ``CURRENT_TIMESTAMP``, both UTC).

    Lease and due times are compared with this, never with a worker's own clock, so workers
    whose clocks disagree still agree on who holds a lease. A store opened with an explicit
    clock (tests) puts that clock in ``conn.info[TEST_CLOCK]`` and it stands in for the
    database's.
    """
    test_clock = conn.info.get(TEST_CLOCK)
    if test_clock is not None:
        return literal(test_clock() + timedelta(seconds=seconds), UTCDateTime())
    if conn.dialect.name == "postgresql":
        sql = f"((CURRENT_TIMESTAMP AT TIME ZONE 'UTC') + interval '{seconds:.3f} seconds')"
        return literal_column(sql, UTCDateTime())
    # SQLite: the same text SQLAlchemy stores ("YYYY-MM-DD HH:MM:SS.ffffff"), so comparisons
    # with stored times are exact; 'now' is fixed for the whole statement.
    sql = f"(strftime('%Y-%m-%d %H:%M:%f', 'now', '{seconds:+.3f} seconds') || '000')"
    return literal_column(sql, UTCDateTime())
