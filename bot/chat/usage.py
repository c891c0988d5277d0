"""Counting the questions the skins answer, for the policy owner's monthly summary.

Both skins answer a typed question through :meth:`bot.chat.skin.SkinDeps.ask`, which hands
the answer to :meth:`Usage.count` off the event loop, after the answer is on its way. Counting
never slows or breaks an answer: a store failure is logged by its type only.

Nothing of the question is kept but what :class:`bot.store.question_stats.Asked` holds; its
text only when ``sample_for(school)`` is on and the question found no clause and raised no
concern (the store refuses any other).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from bot.answering.model import Answer
from bot.store.question_stats import Asked, MonthSummary

log = logging.getLogger(__name__)


class QuestionLog(Protocol):
    """``bot.store.question_stats.QuestionStats`` has these."""

    def record(self, asked: Asked) -> None: ...

    def summary(
        self, school: str | None, month: date | None = None, samples: bool = False
    ) -> MonthSummary: ...


@dataclass
class Usage:
    stats: QuestionLog
    sample_for: Callable[[str | None], bool] = lambda school: False

    def count(self, answer: Answer, school: str | None, platform: str) -> None:
        """Record one answered question; never raises."""
        try:
            self.stats.record(asked_from(answer, school, platform, self.sample_for(school)))
        except Exception as error:  # counting must never break an answer
            log.warning("question not counted (%s): %s", platform, type(error).__name__)


def asked_from(answer: Answer, school: str | None, platform: str, sample: bool) -> Asked:
    """What is counted of ``answer``: the clause shown first (when one was found) and
    whether a concern was flagged; the text only as a sample of an unanswered, non-concern
    question."""
    best = answer.best if answer.answered else None
    flagged = answer.concern.flagged
    keep = sample and not answer.answered and not flagged
    return Asked(
        school=school or answer.route.school,
        answered=answer.answered,
        passage_id=best.passage.id if best else None,
        document=best.passage.document if best else None,
        section=best.passage.section if best else None,
        concern=flagged,
        platform=platform,
        sample=answer.question if keep else None,
    )
