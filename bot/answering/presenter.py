"""A platform-neutral view of an :class:`~bot.answering.model.Answer`: what to show, in what order.

The Slack renderer (``bot/slack/blocks.py``) and the Teams renderer (``bot/teams/cards.py``)
both draw from :func:`present`, so no answer logic lives in a skin. Every string comes from
``bot.messages``; nothing here is escaped — escaping belongs to each renderer.

Order of :meth:`AnswerView.parts` (kinds in brackets)::

    [banner]   concern banner + route text        only when the concern classifier flagged it
    [notice]   "couldn't search that as asked"    only when answer.notice is set
    [question] "You asked: ..."
    [intro]    "Here is what the policy says:" or "I couldn't find a clause ..."
    [clause]   the best clause: lead-in context, quote, citation, overdue-review warning
    [also]     "Also relevant" + up to two more clauses
    [route]    the route to the DSL                when not already shown in the banner
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot import messages
from bot.answering.model import NSPCC_WHISTLEBLOWING, Answer, Hit, Person, Route

MAX_ALSO = 2
QUESTION_ECHO_CHARS = 300
PartKind = Literal["banner", "notice", "question", "intro", "clause", "also", "route"]


@dataclass(frozen=True)
class ClauseView:
    passage_id: str
    text: str
    context: str | None
    citation: str
    overdue: str | None


@dataclass(frozen=True)
class Part:
    kind: PartKind
    text: str = ""
    clauses: tuple[ClauseView, ...] = ()


@dataclass(frozen=True)
class AnswerView:
    """Everything a skin needs to render one answer; flags say which actions to offer."""

    question: str
    school: str | None
    parts: tuple[Part, ...]
    passage_id: str | None
    sensitive: bool
    share_allowed: bool
    emergency: bool
    summary: str

    def part(self, kind: PartKind) -> Part | None:
        return next((part for part in self.parts if part.kind == kind), None)


def present(answer: Answer) -> AnswerView:
    """Lay out ``answer`` for any chat platform."""
    route = route_text(answer)
    flagged = answer.concern.flagged
    parts: list[Part] = []
    if flagged:
        parts.append(Part("banner", f"{banner_text(answer)} {route}"))
    if answer.notice:
        parts.append(Part("notice", answer.notice))
    if answer.question.strip():
        parts.append(Part("question", messages.YOU_ASKED.format(question=_echo(answer.question))))
    parts.extend(_answer_parts(answer))
    if not flagged:
        parts.append(Part("route", route))
    best = answer.best if answer.answered else None
    return AnswerView(
        question=answer.question,
        school=answer.route.school,
        parts=tuple(parts),
        passage_id=best.passage.id if best else None,
        sensitive=flagged,
        share_allowed=best is not None and not flagged,
        emergency=answer.route.emergency or answer.concern.level == "urgent",
        summary=_summary(answer),
    )


def _answer_parts(answer: Answer) -> list[Part]:
    if not answer.question.strip() or (answer.notice and not answer.hits):
        return []
    if not answer.answered or not answer.hits:
        return [Part("intro", messages.NOT_FOUND)]
    parts = [
        Part("intro", messages.FOUND_INTRO),
        Part("clause", clauses=(clause_view(answer.hits[0], answer),)),
    ]
    also = tuple(clause_view(hit, answer) for hit in answer.hits[1 : 1 + MAX_ALSO])
    if also:
        parts.append(Part("also", messages.ALSO_RELEVANT, also))
    return parts


def clause_view(hit: Hit, answer: Answer) -> ClauseView:
    p = hit.passage
    overdue = None
    if hit.review_overdue(answer.today):
        overdue = messages.REVIEW_OVERDUE.format(due=p.review_date)
    return ClauseView(p.id, p.text, p.context, citation(hit), overdue)


def citation(hit: Hit) -> str:
    """'policy · section · clause 2.6 · page 3 · review date September 2020'."""
    p = hit.passage
    bits = [p.document, p.section]
    if p.clause:
        bits.append(messages.CITATION_CLAUSE.format(clause=p.clause))
    if p.page is not None:
        bits.append(messages.CITATION_PAGE.format(page=p.page))
    if p.review_date:
        bits.append(messages.CITATION_REVIEW.format(due=p.review_date))
    return " \u00b7 ".join(bit for bit in bits if bit)


def banner_text(answer: Answer) -> str:
    reason = messages.CONCERN_REASONS.get(answer.concern.reason, answer.concern.reason)
    if reason:
        return messages.CONCERN_BANNER.format(reason=reason)
    return messages.CONCERN_BANNER_NO_REASON


def route_text(answer: Answer) -> str:
    """The sentence that tells staff who to go to, for this answer."""
    route, concern = answer.route, answer.concern
    lead = contact_text(route.lead)
    nspcc = route.whistleblowing or NSPCC_WHISTLEBLOWING
    if concern.about_headteacher:
        return messages.ROUTE_ALLEGATION_HEAD.format(lead=lead, nspcc=nspcc)
    if concern.about_staff:
        return messages.ROUTE_ALLEGATION.format(lead=lead, nspcc=nspcc)
    dsl = contact_text(route.dsl)
    if concern.level == "urgent" or route.emergency:
        return messages.ROUTE_URGENT.format(dsl=dsl)
    if concern.level == "report":
        return messages.ROUTE_REPORT.format(dsl=dsl)
    return messages.ROUTE_ALWAYS.format(dsl=dsl)


def contact_text(contact: Person) -> str:
    if not contact.name:
        return contact.phone or messages.DSL_UNKNOWN
    if contact.phone:
        return messages.CONTACT_WITH_PHONE.format(name=contact.name, phone=contact.phone)
    return contact.name


def route_contacts(route: Route) -> list[tuple[str, str]]:
    """(role, contact text) for the DSL and the others named on the route, for a home page."""
    people = [route.dsl, *route.others]
    return [(person.role, contact_text(person)) for person in people]


def _echo(question: str) -> str:
    text = " ".join(question.split())
    if len(text) <= QUESTION_ECHO_CHARS:
        return text
    return text[:QUESTION_ECHO_CHARS].rsplit(" ", 1)[0] + "\u2026"


def _summary(answer: Answer) -> str:
    """One plain line for notifications (Slack's ``text`` fallback, a Teams summary)."""
    if answer.concern.flagged:
        return banner_text(answer)
    if answer.notice:
        return answer.notice
    return messages.FOUND_INTRO if answer.answered else messages.NOT_FOUND
