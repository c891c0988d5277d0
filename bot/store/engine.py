"""Build the SQLAlchemy Core engine for ``DATABASE_URL``.

* ``sqlite:///path/to/file.db`` (the default): the parent directory is created 0700 and the
  file 0600 (SQLite gives its ``-wal``/``-shm`` files the database file's mode); each
  connection uses WAL, ``synchronous=FULL``, ``secure_delete`` (deleted or overwritten text
  is zeroed, not left in free pages), foreign keys and a busy timeout; write
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
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from bot.errors import ConfigError

BUSY_TIMEOUT_MS = 30_000
ENGINE_LOGGER = "sqlalchemy.engine.Engine"
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


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
    _private_file(Path(database).expanduser())
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
        "secure_delete=ON",
        "foreign_keys=ON",
        f"busy_timeout={BUSY_TIMEOUT_MS}",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _private_file(path: Path) -> None:
    """Create ``path``'s folder (0700) and the file itself (0600) before SQLite opens it."""
    private_dir(path.parent)
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE))
    except OSError:
        return  # not a file we can open: SQLite says so when it connects (a StoreError)
    for existing in (path, *(path.with_name(path.name + s) for s in ("-wal", "-shm"))):
        if existing.exists():
            existing.chmod(PRIVATE_FILE)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) for this user only: 0700."""
    if not path.exists():  # an existing folder (e.g. /tmp) is not ours to change
        path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        path.chmod(PRIVATE_DIR)  # mkdir's mode is reduced by the umask
    return path


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` created 0600 (exports hold concern details)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    os.fchmod(fd, PRIVATE_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)


def checkpoint(engine: Engine) -> None:
    """SQLite: copy the WAL into the database and truncate it to zero bytes."""
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()  # autocommit (isolation_level None): outside any BEGIN
    try:
        raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        raw.close()


def _sqlite_on_begin(connection: Any) -> None:
    mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    connection.exec_driver_sql(f"BEGIN {mode}")
