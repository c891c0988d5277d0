"""The monthly summary as headed lists of lines, for every surface to render its own way:
App Home (``bot.slack.home_summary``), a Teams card (``bot.teams.summary_card``) and
``policybot stats`` (which never shows the sample).

    for part in summary_parts(summary, text=escape):
        heading, lines = part.heading, part.lines
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from bot import messages
from bot.store.question_stats import MonthSummary, Week

SAMPLE_SHOWN = 200  # characters of each sampled question shown


@dataclass(frozen=True)
class Part:
    heading: str | None
    lines: list[str]


def summary_parts(
    summary: MonthSummary, text: Callable[[str], str] = str, samples: bool = True
) -> list[Part]:
    """Counts first, then what answered, no clause by week, "Not helpful" clauses and (for
    the admin, when the sample is on) the sampled unanswered questions. ``text`` escapes
    anything that came from a policy or a question for the surface."""
    parts = [
        Part(None, [_counts(summary), *_platforms(summary)]),
        Part(messages.SUMMARY_TOP, [_top_line(row, text) for row in summary.top]),
        Part(messages.SUMMARY_WEEKS, [_week_line(week) for week in summary.weeks]),
        Part(messages.SUMMARY_NOT_HELPFUL, [_unhelpful_line(r, text) for r in summary.not_helpful]),
    ]
    if samples and summary.samples:
        parts.append(Part(messages.SUMMARY_SAMPLES, [text(_cut(q)) for q in summary.samples]))
    return [Part(p.heading, p.lines or [messages.SUMMARY_NONE]) for p in parts]


def _counts(s: MonthSummary) -> str:
    last_month = s.month - timedelta(days=1)
    return messages.SUMMARY_ASKED.format(
        asked=s.asked,
        month=s.month.strftime("%B %Y"),
        last=s.asked_last_month,
        last_month=last_month.strftime("%B"),
        no_clause=s.no_clause,
        concerns=s.concerns,
    )


def _platforms(s: MonthSummary) -> list[str]:
    names = messages.SUMMARY_PLATFORM_NAMES
    return [
        messages.SUMMARY_PLATFORM.format(platform=names.get(p, p), count=n)
        for p, n in sorted(s.by_platform.items())
    ]


def _top_line(row: tuple[str, str, int], text: Callable[[str], str]) -> str:
    policy, section, count = row
    if not section:
        return messages.SUMMARY_TOP_LINE_NO_SECTION.format(policy=text(policy), count=count)
    return messages.SUMMARY_TOP_LINE.format(policy=text(policy), section=text(section), count=count)


def _week_line(week: Week) -> str:
    starts = f"{week.starts.day} {week.starts.strftime('%b')}"
    return messages.SUMMARY_WEEK_LINE.format(
        week=starts, no_clause=week.no_clause, asked=week.asked
    )


def _unhelpful_line(row: tuple[str, str, int], text: Callable[[str], str]) -> str:
    passage_id, where, count = row
    clause = f"{where} ({passage_id})" if where else passage_id
    return messages.SUMMARY_NOT_HELPFUL_LINE.format(clause=text(clause), count=count)


def _cut(question: str) -> str:
    flat = " ".join(question.split())
    return flat if len(flat) <= SAMPLE_SHOWN else flat[: SAMPLE_SHOWN - 1] + "\u2026"
