"""Counting questions for the policy owner: rows without text, a month's summary, the opt-in
30-day sample of unanswered non-concern text, and its purge by the retention job."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.escalation.export import purge
from bot.store import Store, tables
from bot.store.question_stats import Asked, QuestionStats, Week
from tests.fakes.clock import FakeClock

SCHOOL = "kite-college"
ANSWERED = Asked(SCHOOL, True, "kite/sm#4.2", "Social Media Policy", "4.2 Contact", False, "slack")
NO_CLAUSE = Asked(SCHOOL, False, None, None, None, False, "teams")
QUESTION = "where is the policy on staff parking permits for supply teachers"


def samples(store: Store) -> list[str]:
    with store.reading() as conn:
        return list(conn.execute(select(tables.question_samples.c.question)).scalars())


def test_a_row_is_the_hour_the_clause_and_the_flags_never_the_text(store, clock) -> None:
    clock.now = datetime(2026, 3, 2, 9, 41, 17, tzinfo=UTC)
    QuestionStats(store).record(replace(ANSWERED, sample=QUESTION))  # answered: text refused

    with store.reading() as conn:
        (row,) = conn.execute(select(tables.question_stats)).mappings().all()
    assert row["asked_hour"] == datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert (row["school"], row["answered"], row["concern"], row["platform"]) == (
        SCHOOL,
        True,
        False,
        "slack",
    )
    assert row["passage_id"] == "kite/sm#4.2" and row["section"] == "4.2 Contact"
    assert QUESTION not in repr(dict(row)) and samples(store) == []


def test_only_unanswered_non_concern_text_is_ever_sampled(store) -> None:
    stats = QuestionStats(store)
    stats.record(replace(NO_CLAUSE, sample=QUESTION))
    stats.record(replace(NO_CLAUSE, concern=True, sample="a pupil told me about bruises"))
    stats.record(replace(ANSWERED, concern=True, sample="my colleague hit a child"))

    assert samples(store) == [QUESTION]


def test_the_month_summary_counts_sections_weeks_and_last_month(store, clock) -> None:
    stats = QuestionStats(store)
    clock.now = datetime(2026, 2, 20, 10, tzinfo=UTC)
    stats.record(ANSWERED)  # last month
    clock.now = datetime(2026, 3, 1, 10, tzinfo=UTC)  # a Sunday: the month's first part-week
    stats.record(NO_CLAUSE)
    clock.now = datetime(2026, 3, 4, 10, tzinfo=UTC)  # week of Monday 2 March
    for _ in range(3):
        stats.record(ANSWERED)
    stats.record(replace(ANSWERED, document="Behaviour Policy", section="2 Rewards"))
    stats.record(replace(NO_CLAUSE, concern=True))
    clock.now = datetime(2026, 4, 1, 0, tzinfo=UTC)
    stats.record(ANSWERED)  # next month

    s = stats.summary(SCHOOL, date(2026, 3, 15))

    assert (s.month, s.asked, s.asked_last_month, s.no_clause, s.concerns) == (
        date(2026, 3, 1),
        6,
        1,
        2,
        1,
    )
    assert s.top == [
        ("Social Media Policy", "4.2 Contact", 3),
        ("Behaviour Policy", "2 Rewards", 1),
    ]
    assert s.weeks == [Week(date(2026, 3, 1), 1, 1), Week(date(2026, 3, 2), 5, 1)]
    assert s.by_platform == {"slack": 4, "teams": 2}
    assert stats.summary("another-school", date(2026, 3, 1)).asked == 0


def test_not_helpful_clauses_come_from_the_feedback_with_where_they_were_shown(store) -> None:
    stats = QuestionStats(store)
    stats.record(ANSWERED)
    for helpful in (False, False, True):
        store.record_feedback("kite/sm#4.2", helpful, "slack", SCHOOL)
    store.record_feedback("kite/other#1", False, "teams", SCHOOL)
    store.record_feedback("kite/sm#4.2", False, "slack", "another-school")

    s = stats.summary(SCHOOL)

    assert s.not_helpful == [
        ("kite/sm#4.2", "Social Media Policy \u2014 4.2 Contact", 2),
        ("kite/other#1", "", 1),
    ]


def test_samples_are_shown_for_30_days_and_purged_by_the_retention_job(store, clock) -> None:
    stats = QuestionStats(store)
    stats.record(replace(NO_CLAUSE, sample="an old unanswered question"))
    clock.advance(days=29)
    stats.record(replace(NO_CLAUSE, sample=QUESTION))
    clock.advance(days=2)  # the first is now 31 days old, the second 2

    assert stats.summary(SCHOOL, samples=True).samples == [QUESTION]
    assert stats.summary(SCHOOL).samples == []  # only when asked for (the admin's view)
    purge(store, timedelta(days=90), clock)  # `policybot escalations purge`

    assert samples(store) == [QUESTION]
    with store.reading() as conn:  # the counts stay: they hold no text
        assert len(conn.execute(select(tables.question_stats)).all()) == 2


def test_a_sampled_question_leaves_nothing_in_the_database_file_after_the_purge(tmp_path) -> None:
    clock = FakeClock()
    store = Store.open(f"sqlite:///{tmp_path / 'policybot.db'}", clock=clock)
    QuestionStats(store).record(replace(NO_CLAUSE, sample=QUESTION))
    clock.advance(days=31)
    purge(store, timedelta(days=90), clock)
    store.close()

    for path in tmp_path.iterdir():
        assert QUESTION.encode() not in path.read_bytes(), path.name
