"""A platform-neutral view of an :class:`~bot.answering.model.Answer`: what to show, in what order.

The Slack renderer (``bot/slack/blocks.py``) and the Teams renderer (``bot/teams/cards.py``)
both draw from :func:`present`, so no answer logic lives in a skin. Every string comes from
``bot.messages``; nothing here is escaped — escaping belongs to each renderer.

Order of :meth:`AnswerView.parts` (kinds in brackets)::

    [banner]   the route, then why it comes first  only when the concern classifier flagged it
    [notice]   "couldn't search that as asked"    only when answer.notice is set
    [question] "You asked: ..."
    [intro]    "Here is what the policy says:", "I couldn't find a clause ..." or, when
               flagged, "No policy clause matched; the route above is what to do."
    [clause]   the best clause: lead-in context, quote, citation
    [also]     "Also relevant" + up to two more clauses that cleared the relevance bar
    [review]   one overdue-review warning for the whole answer, naming each policy once
    [route]    the route to the DSL                when not already shown in the banner

A flagged answer's Raise button is named after where the concern goes
(:func:`raise_label`: "Raise with DSL", "Raise with headteacher", "Raise with chair of
governors").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot import messages
from bot.answering.model import NSPCC_WHISTLEBLOWING, Answer, Hit, Person, Route

MAX_ALSO = 2
QUESTION_ECHO_CHARS = 300
RAISE_ROLE_CHARS = 30  # a longer title is not a button label
PartKind = Literal["banner", "notice", "question", "intro", "clause", "also", "review", "route"]


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
    raise_label: str = messages.BUTTON_RAISE

    def part(self, kind: PartKind) -> Part | None:
        return next((part for part in self.parts if part.kind == kind), None)


def present(answer: Answer) -> AnswerView:
    """Lay out ``answer`` for any chat platform."""
    route = route_text(answer)
    flagged = answer.concern.flagged
    parts: list[Part] = []
    if flagged:
        parts.append(Part("banner", f"{route}\n{banner_text(answer)}"))
    if answer.notice:
        parts.append(Part("notice", answer.notice))
    if answer.question.strip():
        parts.append(Part("question", messages.YOU_ASKED.format(question=_echo(answer.question))))
    parts.extend(_answer_parts(answer))
    review = review_text(answer)
    if review:
        parts.append(Part("review", review))
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
        summary=_summary(answer, route),
        raise_label=raise_label(answer),
    )


def _answer_parts(answer: Answer) -> list[Part]:
    if not answer.question.strip() or (answer.notice and not answer.hits):
        return []
    if not answer.answered or not answer.hits:
        flagged = answer.concern.flagged
        return [Part("intro", messages.NOT_FOUND_FLAGGED if flagged else messages.NOT_FOUND)]
    parts = [
        Part("intro", messages.FOUND_INTRO),
        Part("clause", clauses=(clause_view(answer.hits[0], answer),)),
    ]
    also = tuple(clause_view(hit, answer) for hit in answer.also[:MAX_ALSO])
    if also:
        parts.append(Part("also", messages.ALSO_RELEVANT, also))
    return parts


def clause_view(hit: Hit, answer: Answer) -> ClauseView:
    p = hit.passage
    overdue = None
    if hit.review_overdue(answer.today):
        overdue = messages.REVIEW_OVERDUE.format(document=p.document, due=p.review_date)
    return ClauseView(p.id, p.text, p.context, citation(hit), overdue)


def citation(hit: Hit) -> str:
    """'policy · section · clause 2.6 · page 3 · review date September 2020'."""
    p = hit.passage
    bits = [p.document, p.section]
    if p.clause:
        bits.append(messages.CITATION_CLAUSE.format(clause=p.clause))
    if p.page is not None:
        page = messages.CITATION_PAGE_OCR if p.ocr else messages.CITATION_PAGE
        bits.append(page.format(page=p.page))
    if p.review_date:
        bits.append(messages.CITATION_REVIEW.format(due=p.review_date))
    return " \u00b7 ".join(bit for bit in bits if bit)


def shown_hits(answer: Answer) -> list[Hit]:
    """The hits a chat answer shows: the best one and the "Also relevant" ones."""
    if not answer.answered or not answer.hits:
        return []
    return [answer.hits[0], *answer.also[:MAX_ALSO]]


def review_text(answer: Answer) -> str | None:
    """One warning for every shown policy past its review date, each named once."""
    due: dict[str, str] = {}
    for hit in shown_hits(answer):
        if hit.review_overdue(answer.today):
            due.setdefault(hit.passage.document, hit.passage.review_date or "")
    if not due:
        return None
    if len(due) == 1:
        ((document, date),) = due.items()
        return messages.REVIEW_OVERDUE.format(document=document, due=date)
    named = ", ".join(
        messages.REVIEW_OVERDUE_ITEM.format(document=d, due=date) for d, date in due.items()
    )
    return messages.REVIEW_OVERDUE_SEVERAL.format(documents=named)


def raise_label(answer: Answer) -> str:
    """The Raise button says where the concern goes: "Raise with DSL", or for an allegation
    the headteacher / chair of governors (by the school's own title when it has a short one,
    e.g. "Raise with Principal")."""
    concern = answer.concern
    if not concern.about_staff:
        return messages.BUTTON_RAISE
    key = "chair" if concern.about_headteacher else "headteacher"
    destination = messages.RAISE_DESTINATIONS[key]
    role = answer.route.lead.role
    if role and len(role) <= RAISE_ROLE_CHARS and role.lower() != destination:
        destination = role
    return messages.BUTTON_RAISE_WITH.format(destination=destination)


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


def _summary(answer: Answer, route: str) -> str:
    """One plain line for notifications (Slack's ``text`` fallback, a Teams summary); a
    flagged answer's leads with the route."""
    if answer.concern.flagged:
        return route
    if answer.notice:
        return answer.notice
    return messages.FOUND_INTRO if answer.answered else messages.NOT_FOUND
