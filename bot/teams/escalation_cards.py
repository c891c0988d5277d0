"""Adaptive Cards for raising a concern on Teams: the "Raise with DSL" form (the questions of
:mod:`bot.escalation_form`), the DSL's card with Claim / Resolve / Record as logged
(``Action.Execute``), and the reporter's "sent" card.

Everything a person typed (question, details, record reference, names) is plain text in a
TextRun (see :mod:`bot.teams.cards`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot import messages
from bot.escalation_form import QUESTIONS, RISK_WARNING_ANSWERS, Question
from bot.store.records import Escalation
from bot.teams.cards import Card, card, container, cut, labelled, plain, submit

VERB_SUBMIT = "raise_submit"
VERB_CLAIM = "escalation_claim"
VERB_RESOLVE = "escalation_resolve"
VERB_RECORD = "escalation_record"
Names = Callable[[str | None], str]


def raise_form(meta: dict[str, Any], clause: str | None) -> Card:
    """The form; ``meta`` (question, clause id, school, DSL contact) rides in the submit data."""
    body: list[Card] = [plain(messages.RAISE_TITLE, weight="bolder", size="large")]
    if meta.get("q"):
        body.append(labelled(messages.TEAMS_RAISE_QUESTION, cut(meta["q"], 1500)[0]))
    if clause:
        body.append(labelled(messages.TEAMS_RAISE_CLAUSE, cut(clause, 2500)[0]))
    for question in QUESTIONS:
        body.extend(_ask(question, meta.get("d") or messages.DSL_UNKNOWN))
    data = {"verb": VERB_SUBMIT, **meta}
    return card(body, [submit(messages.RAISE_SUBMIT, data, "positive")])


def sent_card(ref: str, route: str) -> Card:
    text = messages.TEAMS_RAISE_SENT.format(ref=ref, route_name=messages.ROUTE_NAMES[route])
    return card([container([plain(text)], "good")])


def dsl_card(esc: Escalation, names: Names) -> Card:
    """The DSL destination's card for ``esc`` (also its update after Claim / Resolve)."""
    body: list[Card] = [
        plain(messages.DSL_POST_TITLE.format(ref=esc.ref), weight="bolder", size="large")
    ]
    if esc.urgent:
        risk = messages.RAISE_RISK_OPTIONS[esc.immediate_risk]
        warning = plain(messages.TEAMS_DSL_URGENT.format(risk=risk), weight="bolder")
        body.append(container([warning], "attention"))
    body.extend(_facts(esc, names))
    if esc.details_purged:
        body.append(plain(messages.TEAMS_PURGED, isSubtle=True, italic=True))
    else:
        body.extend(_content(esc))
    body.append(container(_status(esc, names), "emphasis"))
    return card(body, _lifecycle_actions(esc))


def _ask(question: Question, dsl: str) -> list[Card]:
    """One question as an input (text or expanded choices), with its hint or warning."""
    blocks: list[Card] = []
    if question.options is None:
        blocks.append({
            "type": "Input.Text", "id": question.field, "label": question.label,
            "isMultiline": True, "maxLength": question.max_length, "isRequired": True,
            "errorMessage": messages.TEAMS_ANSWER_REQUIRED,
        })  # fmt: skip
    else:
        choices = [{"title": title, "value": value} for value, title in question.options.items()]
        blocks.append({
            "type": "Input.ChoiceSet", "id": question.field, "label": question.label,
            "style": "expanded", "choices": choices, "isRequired": True,
            "errorMessage": messages.TEAMS_ANSWER_REQUIRED,
        })  # fmt: skip
    if question.hint:
        blocks.append(plain(question.hint, isSubtle=True, size="small"))
    if question.field == "risk" and set(RISK_WARNING_ANSWERS) <= set(question.options or {}):
        warning = plain(messages.TEAMS_RISK_WARNING.format(dsl=dsl), weight="bolder")
        blocks.append(container([warning], "attention"))
    return blocks


def _facts(esc: Escalation, names: Names) -> list[Card]:
    told = messages.YES if esc.told_dsl_in_person else messages.NO
    return [
        labelled(messages.TEAMS_FACT_RAISED_BY, names(esc.reporter_id)),
        labelled(messages.TEAMS_FACT_SCHOOL, esc.school or messages.UNKNOWN),
        labelled(messages.TEAMS_FACT_RISK, messages.RAISE_RISK_OPTIONS[esc.immediate_risk]),
        labelled(messages.TEAMS_FACT_ABOUT, messages.RAISE_STAFF_OPTIONS[esc.about_staff]),
        labelled(messages.TEAMS_FACT_TOLD, told),
    ]


def _content(esc: Escalation) -> list[Card]:
    blocks: list[Card] = []
    if esc.question:
        blocks.append(labelled(messages.TEAMS_DSL_QUESTION, cut(esc.question, 2000)[0]))
    if esc.passage_id:
        clause = messages.TEAMS_DSL_CLAUSE.format(passage=esc.passage_id)
        blocks.append(plain(clause, isSubtle=True, size="small"))
    blocks.append(plain(messages.TEAMS_DSL_DETAILS, weight="bolder"))
    blocks.append(plain(esc.details or messages.UNKNOWN))
    return blocks


def _status(esc: Escalation, names: Names) -> list[Card]:
    template = {
        "new": messages.TEAMS_STATUS_NEW,
        "claimed": messages.TEAMS_STATUS_CLAIMED,
        "resolved": messages.TEAMS_STATUS_RESOLVED,
    }[esc.status]
    actor = esc.resolved_by if esc.status == "resolved" else esc.claimed_by
    lines = [plain(template.format(actor=names(actor)), weight="bolder")]
    if esc.record_ref:
        lines.append(plain(messages.TEAMS_RECORDED.format(record=esc.record_ref)))
    return lines


def _lifecycle_actions(esc: Escalation) -> list[Card]:
    actions = []
    if esc.status == "new":
        actions.append(_execute(messages.BUTTON_CLAIM, VERB_CLAIM, esc.ref, "positive"))
    if esc.status != "resolved":
        actions.append(_execute(messages.BUTTON_RESOLVE, VERB_RESOLVE, esc.ref))
    record_input = {"type": "Input.Text", "id": "record", "label": messages.RECORD_LABEL,
                    "maxLength": 200, "isRequired": True,
                    "errorMessage": messages.TEAMS_ANSWER_REQUIRED}  # fmt: skip
    save = _execute(messages.RECORD_SUBMIT, VERB_RECORD, esc.ref)
    record = card([record_input], [save])
    actions.append({"type": "Action.ShowCard", "title": messages.BUTTON_RECORD, "card": record})
    return actions


def _execute(title: str, verb: str, ref: str, style: str | None = None) -> Card:
    action: Card = {"type": "Action.Execute", "title": title, "verb": verb, "data": {"ref": ref}}
    if style:
        action["style"] = style
    return action
