"""What every chat skin needs from the core, in one base class: answering off the event loop,
the school for a conversation, and answering again from what a button carries.

A button ("Raise with DSL", "Share in channel", "Show full clause") carries the question, the
school and the clause id, not the answer; answers are pure, so answering again gives the same
clauses. :class:`ButtonValue` reads that data the same way on every platform (anything that
is not a string is ignored), and :meth:`SkinDeps.raise_form` turns it into the form's hidden
context and the clause the person was shown.

    value = ButtonValue.read(data, fallback_school=deps.school_for(...))
    meta, clause = await deps.raise_form(value)
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from bot.answering.model import Answer
from bot.answering.presenter import contact_text
from bot.escalation.form import form_meta, text_field


class ChatSettings(Protocol):
    """What every skin reads from the settings bag (bot.serve.config.Settings has these)."""

    @property
    def school_map(self) -> Mapping[str, str]: ...

    @property
    def default_school(self) -> str | None: ...


class Answers(Protocol):
    def answer(self, question: str, school: str | None = None, k: int = 3) -> Answer: ...


@dataclass(frozen=True)
class ButtonValue:
    question: str
    school: str | None
    passage_id: str | None

    @classmethod
    def read(cls, data: Mapping[str, Any], fallback_school: str | None = None) -> ButtonValue:
        """``{"q": question, "s": school, "p": passage id}`` as a button or card carries it."""
        school = text_field(data, "s") or fallback_school
        return cls(text_field(data, "q") or "", school, text_field(data, "p"))


@dataclass
class SkinDeps:
    """The part of a skin's dependencies that is not about the platform."""

    settings: ChatSettings
    answerer: Answers

    async def answer(self, question: str, school: str | None) -> Answer:
        """Answer off the event loop so acks and other requests are never held up by a search."""
        return await asyncio.to_thread(self.answerer.answer, question, school)

    async def answer_again(self, value: ButtonValue) -> Answer | None:
        """The answer a button was attached to (None when it carries no question)."""
        if not value.question.strip():
            return None
        return await self.answer(value.question, value.school)

    async def raise_form(self, value: ButtonValue) -> tuple[dict[str, Any], str | None]:
        """``(meta, clause text)`` for the "Raise with DSL" form opened from ``value``."""
        answer = await self.answer(value.question, value.school)
        return form_for(answer, value.question, value.passage_id, value.school)

    def school_of(self, *keys: str | None) -> str | None:
        """The school of the first key (channel, team, tenant...) in POLICYBOT_SCHOOL_MAP,
        else the default school."""
        for key in keys:
            if key and key in self.settings.school_map:
                return self.settings.school_map[key]
        return self.settings.default_school


def form_for(
    answer: Answer, question: str, passage_id: str | None, school: str | None
) -> tuple[dict[str, Any], str | None]:
    """``(meta, clause text)`` for the form opened from an answer: the clause the person was
    shown (found again among the answer's hits by id) and the school's DSL contact."""
    hit = next((h for h in answer.hits if h.passage.id == passage_id), None)
    meta = form_meta(
        question, hit.passage.id if hit else None, school, contact_text(answer.route.dsl)
    )
    return meta, hit.passage.text if hit else None
