"""Build the SQLAlchemy Core engine for ``DATABASE_URL``.

* ``sqlite:///path/to/file.db`` (the default): the parent directory is created; each
  connection uses WAL, ``synchronous=FULL``, foreign keys and a busy timeout; write
  transactions start with ``BEGIN IMMEDIATE`` so two writers queue instead of failing.
  Read-only work can use ``engine.connect().execution_options(sqlite_begin="DEFERRED")``.
* ``postgresql://...`` (or ``postgres://``): the psycopg 3 driver (``pip install
  'policybot[postgres]'``), with pre-ping so a restarted server is survived.

Parameters are hidden from SQLAlchemy's log lines and error messages (``hide_parameters``)
and its DEBUG lines that print fetched rows are filtered out, so question and detail text
never reaches the logs, even at DEBUG.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from bot.errors import ConfigError

BUSY_TIMEOUT_MS = 30_000
ENGINE_LOGGER = "sqlalchemy.engine.Engine"


class _NoRowsFilter(logging.Filter):
    """Drop SQLAlchemy's DEBUG lines that print fetched rows (they would hold detail text)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(("Row ", "Col "))


def _guard_logs() -> None:
    logger = logging.getLogger(ENGINE_LOGGER)
    if not any(isinstance(f, _NoRowsFilter) for f in logger.filters):
        logger.addFilter(_NoRowsFilter())


def make_engine(database_url: str) -> Engine:
    """An engine for ``database_url``; raises ConfigError for a URL we cannot use."""
    url = _normalise(database_url)
    _guard_logs()
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return create_engine(url, pool_pre_ping=True, hide_parameters=True, future=True)


def _normalise(database_url: str) -> str:
    url = database_url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if url.startswith(("sqlite://", "postgresql+psycopg://")):
        return url
    raise ConfigError("DATABASE_URL must start with sqlite:/// or postgresql:// .")


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise ConfigError("DATABASE_URL must name a SQLite file (sqlite:///path/to/file.db).")
    Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        hide_parameters=True,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _sqlite_on_begin)
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "synchronous=FULL",
        "foreign_keys=ON",
        f"busy_timeout={BUSY_TIMEOUT_MS}",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    connection.exec_driver_sql(f"BEGIN {mode}")
