"""The store on a real SQLite file (and real PostgreSQL when configured)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import inspect, text

from bot.errors import ConfigError, StoreError
from bot.store import Store, tables
from bot.store.engine import make_engine
from bot.store.migrations import MIGRATIONS, applied, migrate


def test_migrations_are_recorded_in_order(store: Store) -> None:
    with store.engine.connect() as conn:
        assert applied(conn) == [name for name, _ in MIGRATIONS]
    names = set(inspect(store.engine).get_table_names())
    expected = {"escalations", "audit", "outbox", "processed_events", "feedback"}
    assert expected | {"conversation_refs", "_migrations", "ref_counters"} <= names


def test_the_migrations_build_the_tables_the_store_uses(store: Store) -> None:
    """Each migration runs its own frozen DDL; together they must give today's tables."""
    found = inspect(store.engine)
    for table in tables.metadata.sorted_tables:
        columns = {c["name"]: c["nullable"] for c in found.get_columns(table.name)}
        assert columns == {c.name: c.nullable for c in table.columns}, table.name
        key = found.get_pk_constraint(table.name)["constrained_columns"]
        assert key == [c.name for c in table.primary_key.columns], table.name
        indexes = {
            (i["name"], tuple(i["column_names"]))
            for i in found.get_indexes(table.name)
            if not i.get("duplicates_constraint")  # PostgreSQL lists UNIQUE (ref) here too
        }
        assert indexes == {(i.name, tuple(c.name for c in i.columns)) for i in table.indexes}


def test_migrate_twice_applies_nothing_the_second_time(store: Store) -> None:
    assert migrate(store.engine) == []
    with store.engine.connect() as conn:
        count = conn.execute(text("SELECT COUNT(*) FROM _migrations")).scalar()
    assert count == len(MIGRATIONS)


def test_migrate_applies_only_the_missing_ones(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE conversation_refs"))
        conn.execute(text("DELETE FROM _migrations WHERE name = '0004_conversation_refs'"))
    assert migrate(store.engine) == ["0004_conversation_refs"]
    store.save_conversation_ref("k", {"a": 1})
    assert store.get_conversation_ref("k") == {"a": 1}


def test_sqlite_engine_uses_wal_and_busy_timeout(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new' / 'dir' / 'db.sqlite'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    assert (tmp_path / "new" / "dir").is_dir()
    engine.dispose()


@pytest.mark.parametrize("url", ["mysql://x/y", "sqlite://", "sqlite:///:memory:", ""])
def test_unusable_database_urls_are_named(url: str) -> None:
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        make_engine(url)


def test_unreachable_database_is_a_store_error(tmp_path) -> None:
    (tmp_path / "db").mkdir()  # a directory where the database file should be
    with pytest.raises(StoreError, match="DSL in person"):
        Store.open(f"sqlite:///{tmp_path / 'db'}")


def test_event_is_seen_once(store: Store) -> None:
    assert store.mark_event_seen("Ev1") is True
    assert store.mark_event_seen("Ev1") is False
    assert store.mark_event_seen("Ev2") is True


def test_event_seen_once_across_threads(store: Store) -> None:
    results: list[bool] = []
    barrier = threading.Barrier(6)

    def worker() -> None:
        barrier.wait()
        results.append(store.mark_event_seen("EvSame"))

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 5 + [True]


def test_old_events_are_pruned(store: Store, clock) -> None:
    store.mark_event_seen("old")
    clock.advance(days=2)
    assert store.prune_events(__import__("datetime").timedelta(days=1)) == 1
    assert store.mark_event_seen("old") is True


def test_feedback_is_counted_per_passage(store: Store) -> None:
    store.record_feedback("p1", True, platform="slack", school="oak")
    store.record_feedback("p1", False)
    store.record_feedback("p1", True)
    store.record_feedback("p2", False)
    assert store.feedback_counts() == {"p1": (2, 1), "p2": (0, 1)}
    with store.engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("feedback")}
    assert not columns & {"question", "text"}


def test_conversation_refs_are_replaced_by_key(store: Store) -> None:
    assert store.get_conversation_ref("dsl") is None
    store.save_conversation_ref("dsl", {"conversation": {"id": "19:a"}, "serviceUrl": "u"})
    store.save_conversation_ref("dsl", {"conversation": {"id": "19:b"}})
    assert store.get_conversation_ref("dsl") == {"conversation": {"id": "19:b"}}
