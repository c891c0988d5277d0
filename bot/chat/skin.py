"""What every chat skin needs from the core, in one base class: answering off the event loop,
the school for a conversation, and answering again from what a button carries.

A question someone typed goes through :meth:`SkinDeps.ask`, the one place both skins count
questions for the school admin's monthly summary (:mod:`bot.chat.usage`; never the text);
:meth:`SkinDeps.month_summary` gives that summary to the admin only.

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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot import messages
from bot.answering.model import Answer, Concern, Person
from bot.answering.presenter import contact_text
from bot.answering.route import build_route
from bot.chat.usage import Usage
from bot.escalation.form import form_meta, text_field
from bot.store.question_stats import MonthSummary

IsAdmin = Callable[[str | None, str], bool]  # (school slug, user id) -> may see its summary


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
    usage: Usage | None = field(default=None, kw_only=True)  # counts questions when set
    is_admin: IsAdmin = field(default=lambda school, user: False, kw_only=True)
    _counting: set[asyncio.Task[None]] = field(default_factory=set, init=False, repr=False)

    async def ask(self, question: str, school: str | None, platform: str) -> Answer:
        """Answer a question someone typed, and count it for the school's summary after the
        answer is on its way (a button's answering again is not a new question)."""
        answer = await self.answer(question, school)
        if self.usage is not None:
            task = asyncio.create_task(
                asyncio.to_thread(self.usage.count, answer, school, platform)
            )
            self._counting.add(task)
            task.add_done_callback(self._counting.discard)
        return answer

    async def month_summary(self, school: str | None, user_id: str) -> MonthSummary | None:
        """This month's summary for the school's admin (None for anyone else, or when
        questions are not counted); raises StoreError when the database is unavailable."""
        if self.usage is None or not user_id or not self.is_admin(school, user_id):
            return None
        return await asyncio.to_thread(self.usage.stats.summary, school, None, True)

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
        meta, clause = form_for(answer, value.question, value.passage_id, value.school)
        schools = getattr(self.answerer, "schools", None)
        if isinstance(schools, Mapping) and answer.route.school in schools:
            meta = {**meta, "g": people_by_answer(schools[answer.route.school])}
        return meta, clause

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
    concern, route = answer.concern, answer.route
    about = "headteacher" if concern.about_headteacher else "staff" if concern.about_staff else "no"
    who = {"no": who_text(route.dsl)}
    if about != "no":
        who[about] = who_text(route.lead)
    pid = hit.passage.id if hit else None
    meta = form_meta(question, pid, school, contact_text(route.dsl), about=about, who=who)
    return meta, hit.passage.text if hit else None


def people_by_answer(school: Any) -> dict[str, str]:
    """Who a concern goes to for each "about a member of staff" answer, from the school's
    own people (the same route the escalation service takes)."""
    concerns = {
        "no": Concern(),
        "staff": Concern(about_staff=True),
        "headteacher": Concern(about_staff=True, about_headteacher=True),
    }
    return {key: who_text(build_route(school, c).lead) for key, c in concerns.items()}


def who_text(person: Person) -> str:
    """ "Mrs Green, headteacher" (the role as the school writes it; an acronym kept as is)."""
    role = person.role if person.role.isupper() else person.role.lower()
    if person.name:
        return messages.RAISE_WHO.format(name=person.name, role=role)
    return messages.RAISE_WHO_UNNAMED.format(role=role)
