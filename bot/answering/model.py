"""The answer core's results: plain data that the CLI, Slack and Teams skins render.

Nothing here knows about a chat platform. ``Answer.to_json()`` is the JSON contract of
``policybot ask --json`` (documented in the README).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from indexer.corpus import Person
from indexer.model import Passage

ConcernLevel = Literal["none", "report", "urgent"]
NSPCC_WHISTLEBLOWING = "0800 028 0285"
EMERGENCY_NUMBER = "999"


@dataclass(frozen=True)
class Hit:
    """A passage returned for a question, with its search score."""

    passage: Passage
    score: float

    def review_overdue(self, today: date) -> bool:
        due = parse_review_date(self.passage.review_date)
        return due is not None and due < today


@dataclass(frozen=True)
class Concern:
    """What the concern classifier saw in the question. Never a threshold judgement."""

    level: ConcernLevel = "none"
    reason: str = ""
    about_staff: bool = False
    about_headteacher: bool = False

    @property
    def flagged(self) -> bool:
        return self.level != "none"


@dataclass(frozen=True)
class Route:
    """How to raise a concern: shown on every answer.

    ``lead`` is the first contact to tell (the DSL, or for an allegation about staff the
    headteacher / chair of governors); ``emergency`` is set when a child may be in
    immediate danger (call 999 first).
    """

    school: str | None
    school_name: str | None
    lead: Person
    dsl: Person
    others: tuple[Person, ...] = ()
    emergency: bool = False
    whistleblowing: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "school": self.school,
            "school_name": self.school_name,
            "lead": self.lead.to_json(),
            "dsl": self.dsl.to_json(),
            "others": [contact.to_json() for contact in self.others],
            "emergency": self.emergency,
            "emergency_number": EMERGENCY_NUMBER if self.emergency else None,
            "whistleblowing": self.whistleblowing,
        }


@dataclass(frozen=True)
class Answer:
    """The answer to one question: quoted clauses (never generated text) and the DSL route.

    ``answered`` is False when nothing matched confidently; ``notice`` is a message for a
    question that could not be searched as asked (empty, only emoji ...). ``also`` are the
    further hits that clear the "Also relevant" bar (a chat answer shows only those).
    """

    question: str
    answered: bool
    hits: tuple[Hit, ...]
    concern: Concern
    route: Route
    notice: str | None = None
    today: date = field(default_factory=date.today)
    also: tuple[Hit, ...] = ()

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None

    def to_json(self) -> dict[str, object]:
        return {
            "question": self.question,
            "answered": self.answered,
            "passages": [_hit_json(hit, self.today) for hit in self.hits],
            "concern": {"level": self.concern.level, "reason": self.concern.reason},
            "route": self.route.to_json(),
            "notice": self.notice,
        }


def _hit_json(hit: Hit, today: date) -> dict[str, object]:
    p = hit.passage
    return {
        "id": p.id,
        "text": p.text,
        "context": p.context,
        "document": p.document,
        "school": p.school,
        "section": p.section,
        "clause": p.clause,
        "page": p.page,
        "ocr": p.ocr,
        "score": round(hit.score, 4),
        "review_date": p.review_date,
        "review_overdue": hit.review_overdue(today),
    }


def parse_review_date(text: str | None) -> date | None:
    """'2020-09', 'September 2020', 'Sept 19', 'January 2025' -> the first day of that month."""
    from indexer.dates import parse_month

    return parse_month(text)
