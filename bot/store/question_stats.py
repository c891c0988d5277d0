"""What the policy owner learns: one row per answered question, never its text, and a month's
summary of them for the school's admin.

    stats = QuestionStats(store)
    stats.record(Asked(school, True, passage_id, document, section, False, "slack"))
    summary = stats.summary("kite-college", date(2026, 3, 1))   # March 2026
    stats.purge_samples(timedelta(days=SAMPLE_DAYS))            # the retention purge does this

A row holds the school, the hour it was asked, whether a clause was found (and which was
shown first), whether a concern was flagged, and the platform. The text of a question is kept
only as a *sample*: when the school has the 30-day sample on, for an unanswered question that
raised no concern (:meth:`QuestionStats.record` refuses any other), in its own table, purged
after :data:`SAMPLE_DAYS` days.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select

from bot.store import tables
from bot.store.store import Store

SAMPLE_DAYS = 30
SAMPLE_LIMIT = 500  # characters of a sampled question kept
TOP = 5


@dataclass(frozen=True)
class Asked:
    """One answered question, as counted (``sample`` is its text, kept only as above)."""

    school: str | None
    answered: bool
    passage_id: str | None
    document: str | None
    section: str | None
    concern: bool
    platform: str
    sample: str | None = None

    @property
    def keeps_text(self) -> bool:
        return bool(self.sample and self.sample.strip()) and not self.answered and not self.concern


@dataclass(frozen=True)
class Week:
    starts: date  # the Monday (or the 1st, for a month's first part-week)
    asked: int
    no_clause: int


@dataclass(frozen=True)
class MonthSummary:
    school: str | None
    month: date  # its first day
    asked: int
    asked_last_month: int
    no_clause: int
    concerns: int
    by_platform: dict[str, int]
    top: list[tuple[str, str, int]]  # (policy, section, questions it answered first)
    weeks: list[Week]
    not_helpful: list[tuple[str, str, int]]  # (passage id, "policy — section" or "", count)
    samples: list[str]  # only when asked for: the admin's view, never the CLI's


class QuestionStats:
    def __init__(self, store: Store) -> None:
        self.store = store

    def record(self, asked: Asked) -> None:
        """Count one question; keep its text only as a sample (see the module docstring)."""
        now = self.store.clock()
        row = {
            "school": asked.school,
            "asked_hour": now.replace(minute=0, second=0, microsecond=0),
            "answered": asked.answered,
            "passage_id": _cut(asked.passage_id),
            "document": _cut(asked.document),
            "section": _cut(asked.section),
            "concern": asked.concern,
            "platform": asked.platform,
        }
        with self.store.transaction() as conn:
            conn.execute(tables.question_stats.insert().values(**row))
            if asked.keeps_text and asked.sample:
                text = asked.sample.strip()[:SAMPLE_LIMIT]
                sample = {"school": asked.school, "asked_at": now, "question": text}
                conn.execute(tables.question_samples.insert().values(**sample))

    def summary(
        self, school: str | None, month: date | None = None, samples: bool = False
    ) -> MonthSummary:
        """The month of ``month`` (any day in it; default: this month) for ``school``;
        ``samples`` adds the sampled questions of the last :data:`SAMPLE_DAYS` days (only
        for the school's admin)."""
        start, end = month_bounds(month or self.store.clock().date())
        last_start, _ = month_bounds(start - timedelta(days=1))
        with self.store.reading() as conn:
            rows = conn.execute(_stats(school, start, end)).all()
            last = conn.execute(_count(school, last_start, start)).scalar() or 0
            unhelpful = conn.execute(_not_helpful(school, start, end)).all()
            names = conn.execute(_clause_names([row[0] for row in unhelpful])).all()
            texts = conn.execute(self._samples(school)).scalars().all() if samples else []
        found = {pid: " — ".join(filter(None, (doc, sec))) for pid, doc, sec in names}
        not_helpful = [(pid, found.get(pid, ""), int(n)) for pid, n in unhelpful]
        return _summarise(school, start, rows, int(last), not_helpful, list(texts))

    def purge_samples(self, older_than: timedelta = timedelta(days=SAMPLE_DAYS)) -> int:
        """Delete sampled question text older than ``older_than``; return how many."""
        t = tables.question_samples
        with self.store.transaction() as conn:
            cutoff = self.store.clock() - older_than
            return conn.execute(delete(t).where(t.c.asked_at < cutoff)).rowcount

    def _samples(self, school: str | None) -> Any:
        t = tables.question_samples
        since = self.store.clock() - timedelta(days=SAMPLE_DAYS)
        where = (_school_is(t.c.school, school), t.c.asked_at >= since)
        return select(t.c.question).where(*where).order_by(t.c.asked_at.desc()).limit(20)


def month_bounds(day: date) -> tuple[datetime, datetime]:
    """``[first instant, first instant of the next month)`` in UTC for the month of ``day``."""
    start = datetime(day.year, day.month, 1, tzinfo=UTC)
    nxt = datetime(day.year + day.month // 12, day.month % 12 + 1, 1, tzinfo=UTC)
    return start, nxt


def _school_is(column: Any, school: str | None) -> ColumnElement[bool]:
    return column.is_(None) if school is None else column == school


def _stats(school: str | None, start: datetime, end: datetime) -> Any:
    t = tables.question_stats
    cols = (t.c.asked_hour, t.c.answered, t.c.document, t.c.section, t.c.concern, t.c.platform)
    where = (_school_is(t.c.school, school), t.c.asked_hour >= start, t.c.asked_hour < end)
    return select(*cols, func.count()).where(*where).group_by(*cols)


def _count(school: str | None, start: datetime, end: datetime) -> Any:
    t = tables.question_stats
    where = (_school_is(t.c.school, school), t.c.asked_hour >= start, t.c.asked_hour < end)
    return select(func.count()).select_from(t).where(*where)


def _not_helpful(school: str | None, start: datetime, end: datetime) -> Any:
    f = tables.feedback
    where = (_school_is(f.c.school, school), f.c.helpful.is_(False))
    window = (f.c.created_at >= start, f.c.created_at < end)
    count = func.count().label("n")
    stmt = select(f.c.passage_id, count).where(*where, *window).group_by(f.c.passage_id)
    return stmt.order_by(count.desc(), f.c.passage_id).limit(TOP)


def _clause_names(passage_ids: list[str]) -> Any:
    """The policy and section each clause was shown under (no feedback row names them)."""
    t = tables.question_stats
    cols = (t.c.passage_id, t.c.document, t.c.section)
    return select(*cols).where(t.c.passage_id.in_(passage_ids)).distinct()


def _summarise(
    school: str | None,
    start: datetime,
    rows: Sequence[Any],
    last: int,
    not_helpful: list[tuple[str, str, int]],
    samples: list[str],
) -> MonthSummary:
    asked, no_clause, concerns = Counter[date](), Counter[date](), 0
    platforms, sections = Counter[str](), Counter[tuple[str, str]]()
    for hour, answered, document, section, concern, platform, n in rows:
        week = _week_of(hour.date(), start.date())
        asked[week] += n
        no_clause[week] += 0 if answered else n
        concerns += n if concern else 0
        platforms[platform] += n
        if answered and document:
            sections[(document, section or "")] += n
    weeks = [Week(w, asked[w], no_clause[w]) for w in sorted(asked)]
    top = [(doc, sec, n) for (doc, sec), n in sections.most_common(TOP)]
    return MonthSummary(
        school=school,
        month=start.date(),
        asked=sum(asked.values()),
        asked_last_month=last,
        no_clause=sum(no_clause.values()),
        concerns=concerns,
        by_platform=dict(platforms),
        top=top,
        weeks=weeks,
        not_helpful=not_helpful,
        samples=samples,
    )


def _week_of(day: date, first: date) -> date:
    """The Monday starting ``day``'s week, or the month's 1st for its first part-week."""
    return max(day - timedelta(days=day.weekday()), first)


def _cut(text: str | None, limit: int = 255) -> str | None:
    return None if text is None else text[:limit]
