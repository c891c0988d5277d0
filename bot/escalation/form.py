"""The "Raise with DSL" form, platform-neutral: its questions, its hidden context and how a
submitted form becomes a :class:`~bot.store.records.ConcernReport`.

Each skin draws the same :data:`QUESTIONS` in its own widgets (Slack modal, Teams Adaptive
Card) and hands what came back to :func:`report_from_form`, so both ask the same things and
read the answers the same way. An answer that is missing or not one of the options is read
as the safe one: immediate risk "unsure" (urgent), about staff "no", told the DSL "no".

    meta = form_meta(question, passage_id, school, dsl_contact)   # rides with the form
    report = report_from_form("teams", user_id, tenant_id, meta, {"details": ..., "risk": ...})
    escalation = service.submit(report)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot import messages
from bot.store.records import ABOUT_STAFF, RISKS, ConcernReport, Platform

DETAILS_MAX = 2900
META_LIMIT = 3000
RISK_FIELD = "risk"
RISK_WARNING_ANSWERS = ("yes", "unsure")


@dataclass(frozen=True)
class Question:
    """One question of the form: ``options`` maps answer value -> label (None = free text)."""

    field: str
    label: str
    options: Mapping[str, str] | None = None
    hint: str | None = None
    max_length: int | None = None


QUESTIONS: tuple[Question, ...] = (
    Question(
        "details", messages.RAISE_DETAILS_LABEL, None, messages.RAISE_DETAILS_HINT, DETAILS_MAX
    ),
    Question(RISK_FIELD, messages.RAISE_RISK_LABEL, messages.RAISE_RISK_OPTIONS),
    Question("about", messages.RAISE_STAFF_LABEL, messages.RAISE_STAFF_OPTIONS),
    Question("told", messages.RAISE_TOLD_LABEL, messages.RAISE_TOLD_OPTIONS),
)


def shows_risk_warning(risk: str | None) -> bool:
    """Whether the immediate-risk answer ``risk`` shows "call 999 and find the DSL now"."""
    return risk in RISK_WARNING_ANSWERS


def risk_warning(dsl: str | None) -> str:
    """The "call 999 and find the DSL now" warning, naming the school's DSL contact."""
    return messages.RAISE_RISK_WARNING.format(dsl=dsl or messages.DSL_UNKNOWN)


def form_meta(
    question: str, passage_id: str | None, school: str | None, dsl: str, limit: int = META_LIMIT
) -> dict[str, Any]:
    """The hidden context of a form: question, clause id, school and DSL contact (``limit``
    characters of JSON at most; the question is shortened to fit)."""
    meta: dict[str, Any] = {"q": question or "", "p": passage_id, "s": school, "d": dsl}
    while len(json.dumps(meta, ensure_ascii=False)) > limit and meta["q"]:
        meta["q"] = meta["q"][: len(meta["q"]) // 2]
    return meta


def text_field(data: Mapping[str, Any], key: str) -> str | None:
    """``data[key]`` when it is a string, else None (form data comes from the client)."""
    value = data.get(key)
    return value if isinstance(value, str) else None


def report_from_form(
    platform: Platform,
    reporter_id: str,
    team_id: str | None,
    meta: Mapping[str, Any],
    values: Mapping[str, Any],
) -> ConcernReport:
    """The submitted form as the core's ConcernReport (unknown answers read as the safe one)."""
    risk = text_field(values, "risk")
    about = text_field(values, "about")
    details = (text_field(values, "details") or "").strip()[:DETAILS_MAX]
    return ConcernReport(
        platform=platform,
        reporter_id=reporter_id,
        team_id=team_id,
        school=text_field(meta, "s"),
        question=text_field(meta, "q") or "",
        passage_id=text_field(meta, "p"),
        details=details,
        immediate_risk=risk if risk in RISKS else "unsure",  # type: ignore[arg-type]
        about_staff=about if about in ABOUT_STAFF else "no",  # type: ignore[arg-type]
        told_dsl_in_person=text_field(values, "told") == "yes",
        dsl_contact=text_field(meta, "d"),
    )
