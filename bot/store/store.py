"""The store: one engine, its transactions, and the small records the skins keep.

``Store.open(database_url)`` builds the engine and applies migrations. Escalation and outbox
code runs its statements inside ``store.transaction()`` (one database transaction; a
database failure becomes :class:`~bot.errors.StoreError` with a sentence fit to show).

For the skins, the store also keeps:

* ``mark_event_seen(event_id) -> bool`` -- True the first time an event id is seen, False
  for every repeat, across workers and processes (Slack retries; insert-or-ignore);
* ``record_feedback(passage_id, helpful, ...)`` -- "Helpful"/"Not helpful" against a passage
  id, never the question text; ``feedback_counts()`` sums them;
* ``save_conversation_ref(key, value)`` / ``get_conversation_ref(key)`` -- Teams
  conversation references (any JSON-able dict) by key, for proactive messages.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, case, delete, func, select
from sqlalchemy.exc import SQLAlchemyError

from bot import messages
from bot.errors import StoreError
from bot.store import tables
from bot.store.dialect import TEST_CLOCK, insert_ignore, upsert
from bot.store.engine import checkpoint, make_engine
from bot.store.migrations import migrate
from bot.store.records import Clock, utc_now

logger = logging.getLogger(__name__)


class Store:
    """Transactions over one engine, plus event de-duplication, feedback and Teams refs."""

    def __init__(self, engine: Engine, clock: Clock | None = None) -> None:
        self.engine = engine
        self.clock = clock or utc_now
        self._database_clock = clock  # None: lease and due times use the database's clock

    @classmethod
    def open(cls, database_url: str, clock: Clock | None = None) -> Store:
        """Connect to ``database_url`` and apply pending migrations.

        ``clock`` (tests): a clock that also stands in for the database's own, so a test can
        move lease and retry times by hand. Without it those come from the database clock
        (:func:`bot.store.dialect.db_time`) and never from a worker's."""
        engine = make_engine(database_url)
        try:
            migrate(engine)
        except SQLAlchemyError as exc:
            engine.dispose()
            logger.error("database migration failed: %s", type(exc).__name__)
            raise StoreError(messages.STORE_UNAVAILABLE) from exc
        return cls(engine, clock)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One write transaction; committed on success, rolled back on any exception."""
        try:
            with self.engine.begin() as conn:
                conn.info[TEST_CLOCK] = self._database_clock
                yield conn
        except SQLAlchemyError as exc:
            logger.error("database transaction failed: %s", type(exc).__name__)
            raise StoreError(messages.STORE_UNAVAILABLE) from exc

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read-only transaction (on SQLite it does not take the write lock)."""
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(sqlite_begin="DEFERRED")
                conn.info[TEST_CLOCK] = self._database_clock
                with conn.begin():
                    yield conn
        except SQLAlchemyError as exc:
            logger.error("database read failed: %s", type(exc).__name__)
            raise StoreError(messages.STORE_UNAVAILABLE) from exc

    # --- chat events, feedback, conversation references ---------------------------------

    def mark_event_seen(self, event_id: str) -> bool:
        """True the first time ``event_id`` is seen (by any worker), False afterwards."""
        t = tables.processed_events
        values = {"event_id": event_id, "seen_at": self.clock()}
        with self.transaction() as conn:
            return insert_ignore(conn, t, values, t.c.event_id)

    def prune_events(self, older_than: timedelta) -> int:
        """Forget event ids seen more than ``older_than`` ago; return how many."""
        t = tables.processed_events
        cutoff = self.clock() - older_than
        with self.transaction() as conn:
            return conn.execute(delete(t).where(t.c.seen_at < cutoff)).rowcount

    def record_feedback(
        self, passage_id: str, helpful: bool, platform: str | None = None, school: str | None = None
    ) -> None:
        """Count one "Helpful"/"Not helpful" for ``passage_id`` (no question text is kept)."""
        values = {"passage_id": passage_id, "helpful": helpful, "platform": platform}
        with self.transaction() as conn:
            conn.execute(
                tables.feedback.insert().values(**values, school=school, created_at=self.clock())
            )

    def feedback_counts(self) -> dict[str, tuple[int, int]]:
        """passage id -> (helpful, not helpful)."""
        t = tables.feedback
        yes = func.sum(case((t.c.helpful.is_(True), 1), else_=0))
        no = func.sum(case((t.c.helpful.is_(True), 0), else_=1))
        stmt = select(t.c.passage_id, yes, no).group_by(t.c.passage_id)
        with self.reading() as conn:
            return {row[0]: (int(row[1]), int(row[2])) for row in conn.execute(stmt)}

    def save_conversation_ref(self, key: str, value: dict[str, Any]) -> None:
        """Store (or replace) the JSON-able conversation reference under ``key``."""
        t = tables.conversation_refs
        row = {"key": key, "value": json.dumps(value, sort_keys=True), "updated_at": self.clock()}
        with self.transaction() as conn:
            stmt = upsert(conn, t).values(**row)
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=[t.c.key],
                    set_={"value": stmt.excluded.value, "updated_at": stmt.excluded.updated_at},
                )
            )

    def get_conversation_ref(self, key: str) -> dict[str, Any] | None:
        t = tables.conversation_refs
        with self.reading() as conn:
            value = conn.execute(select(t.c.value).where(t.c.key == key)).scalar()
        return None if value is None else json.loads(value)

    def now(self) -> datetime:
        return self.clock()

    def checkpoint(self) -> None:
        """Move the WAL into the database file and truncate it (after a purge, so blanked
        details are not left in ``policybot.db-wal``); nothing to do on PostgreSQL."""
        try:
            checkpoint(self.engine)
        except SQLAlchemyError as exc:
            logger.error("WAL checkpoint failed: %s", type(exc).__name__)
