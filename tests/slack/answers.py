"""Hand-built answers for testing the Slack skin without an index."""

from __future__ import annotations

from datetime import date

from bot.answering.model import Answer, Concern, Hit, Person, Route
from indexer.model import Passage

CLAUSE = "Staff must not follow or add current or past pupils on personal social media accounts."
ROUTE = Route(
    school="kite-college",
    school_name="KITE college",
    lead=Person("DSL", "Sarah Miller", "01234 567890"),
    dsl=Person("DSL", "Sarah Miller", "01234 567890"),
    others=(Person("Deputy DSL", "Bob Law"),),
)


def passage(pid: str = "kite-college/social-media-policy#4.2-3", text: str = CLAUSE) -> Passage:
    return Passage(
        id=pid,
        text=text,
        context="Staff will not:",
        document="Social Media Policy",
        school="kite-college",
        section="4.2 Communicating with learners and their families",
        clause="4.2(3)",
        page=5,
        source="corpus/kite-college/social-media-policy.txt",
        review_date="January 2025",
    )


def make_answer(question: str, level: str = "none", hits: int = 3, **kw: object) -> Answer:
    found = tuple(
        Hit(passage(f"p{i}", f"{CLAUSE} ({i})" if i else CLAUSE), 9.0 - i) for i in range(hits)
    )
    return Answer(
        question=question,
        answered=bool(found),
        hits=found,
        concern=Concern(level=level, reason="disclosure" if level != "none" else ""),  # type: ignore[arg-type]
        route=ROUTE,
        today=date(2026, 3, 1),
        **kw,  # type: ignore[arg-type]
    )


class StubAnswerer:
    """Answers every question with CLAUSE; flags questions containing "told me"."""

    def __init__(self) -> None:
        self.questions: list[tuple[str, str | None]] = []

    def answer(self, question: str, school: str | None = None, k: int = 3) -> Answer:
        self.questions.append((question, school))
        if not question.strip():
            return make_answer(question, hits=0)
        return make_answer(question, "report" if "told me" in question else "none")
