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
ABOUT_FIELD = "about"
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
    Question(ABOUT_FIELD, messages.RAISE_STAFF_LABEL, messages.RAISE_STAFF_OPTIONS),
    Question("told", messages.RAISE_TOLD_LABEL, messages.RAISE_TOLD_OPTIONS),
)


def shows_risk_warning(risk: str | None) -> bool:
    """Whether the immediate-risk answer ``risk`` shows "call 999 and find the DSL now"."""
    return risk in RISK_WARNING_ANSWERS


def risk_warning(dsl: str | None) -> str:
    """The "call 999 and find the DSL now" warning, naming the school's DSL contact."""
    return messages.RAISE_RISK_WARNING.format(dsl=dsl or messages.DSL_UNKNOWN)


def form_meta(
    question: str,
    passage_id: str | None,
    school: str | None,
    dsl: str,
    limit: int = META_LIMIT,
    about: str = "no",
    who: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The hidden context of a form: question, clause id, school, DSL contact, the pre-filled
    "about a member of staff" answer and who each answer sends the concern to ("Mrs Green,
    headteacher"), ``limit`` characters of JSON at most (the question is shortened to fit)."""
    meta: dict[str, Any] = {"q": question or "", "p": passage_id, "s": school, "d": dsl}
    meta["a"] = about if about in ABOUT_STAFF else "no"
    if who:
        meta["g"] = {key: who[key][:200] for key in ABOUT_STAFF if who.get(key)}
    while len(json.dumps(meta, ensure_ascii=False)) > limit and meta["q"]:
        meta["q"] = meta["q"][: len(meta["q"]) // 2]
    return meta


def about_of(meta: Mapping[str, Any], answer: str | None = None) -> str:
    """The "about a member of staff" answer: ``answer`` when it is one of the options, else
    the one the form was pre-filled with, else "no"."""
    for value in (answer, text_field(meta, "a")):
        if value in ABOUT_STAFF:
            return value
    return "no"


def goes_to(meta: Mapping[str, Any], about: str) -> str:
    """Where the concern will go, said before it is sent: "This goes to Mrs Green,
    headteacher, because it is about a member of staff"."""
    found = meta.get("g")
    people: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    who = people.get(about) if isinstance(people.get(about), str) else None
    who = who or messages.RAISE_WHO_UNNAMED.format(role=messages.RAISE_SHORT_DESTINATIONS[about])
    if about == "no":
        return messages.RAISE_GOES_TO.format(who=who)
    subject = messages.RAISE_ABOUT_SUBJECTS[about]
    return messages.RAISE_GOES_TO_BECAUSE.format(who=who, subject=subject)


def goes_else(meta: Mapping[str, Any], about: str) -> list[str]:
    """For a form that cannot change as it is filled in (Teams): where each other "about a
    member of staff" answer would send it."""
    found = meta.get("g")
    people: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    lines = []
    for other, answer in messages.RAISE_STAFF_OPTIONS.items():
        who = people.get(other)
        if other != about and isinstance(who, str) and who != people.get(about):
            lines.append(messages.RAISE_GOES_ELSE.format(answer=answer, who=who))
    return lines


def form_title(about: str, limit: int | None = None) -> str:
    """ "Raise with DSL" / "Raise with headteacher"; "Raise a concern" when the destination
    does not fit in ``limit`` characters (the form's body then names it)."""
    if about == "no":
        return messages.RAISE_TITLE
    destination = messages.RAISE_SHORT_DESTINATIONS[about]
    title = messages.BUTTON_RAISE_WITH.format(destination=destination)
    return title if limit is None or len(title) <= limit else messages.RAISE_TITLE_LONG


def submit_label(about: str, limit: int | None = None) -> str:
    """ "Send to headteacher"; "Send privately" when it does not fit in ``limit``."""
    destination = messages.RAISE_SHORT_DESTINATIONS[about]
    label = messages.RAISE_SUBMIT_TO.format(destination=destination)
    return label if limit is None or len(label) <= limit else messages.RAISE_SUBMIT


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
