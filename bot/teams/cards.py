"""Adaptive Cards for Teams, drawn from the platform-neutral :mod:`bot.answering.presenter` view.

Every piece of text goes into a ``TextRun`` of a ``RichTextBlock``: Teams shows a TextRun as
it is and never reads it as Markdown, so a question like ``[click](https://evil)`` or
``<at>Head</at>`` is shown as typed and cannot become a link or a mention. (TextBlock, which
renders Markdown, is not used for anything a person or a document wrote.)

Size: Teams refuses a message over about 28 KB. Clauses are cut at a word boundary (the
whole clause is one click away behind "Show full clause"), and :func:`answer_card` shrinks
its limits until the card's JSON is under :data:`CARD_LIMIT` bytes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes, Attachment

from bot import messages
from bot.answering.presenter import AnswerView, ClauseView, Part

Card = dict[str, Any]
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
CARD_LIMIT = 24_000
VERB_RAISE = "raise_open"
VERB_FEEDBACK = "feedback"
DIALOG = {"msteams": {"type": "task/fetch"}}  # Action.Submit that opens a dialog (task module)


@dataclass(frozen=True)
class Limits:
    """Characters kept of each clause, of the "Show full clause" text, and of the question."""

    clause: int = 2000
    full: int = 8000
    question: int = 600


SHRINKING = (Limits(), Limits(1200, 3000, 600), Limits(600, 0, 300), Limits(300, 0, 100))


def cut(text: str, limit: int) -> tuple[str, bool]:
    """``(text, was_cut)``: ``text`` cut at a word boundary to at most ``limit`` characters."""
    if len(text) <= limit:
        return text, False
    head, space, _ = text[:limit].rpartition(" ")
    return (head if space and head else text[:limit]).rstrip() + "\u2026", True


def plain(text: str, **style: Any) -> Card:
    """Text shown exactly as written (a TextRun is never read as Markdown)."""
    return {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": text, **style}]}


def labelled(label: str, value: str) -> Card:
    """``label: value`` on one line, the label in bold, both as plain text."""
    runs = [
        {"type": "TextRun", "text": f"{label}: ", "weight": "bolder"},
        {"type": "TextRun", "text": value},
    ]
    return {"type": "RichTextBlock", "inlines": runs}


def container(items: list[Card], style: str | None = None, **extra: Any) -> Card:
    box: Card = {"type": "Container", "items": items, **extra}
    if style:
        box["style"] = style
    return box


def submit(title: str, data: dict[str, Any], style: str | None = None) -> Card:
    action: Card = {"type": "Action.Submit", "title": title, "data": data}
    if style:
        action["style"] = style
    return action


def execute(title: str, verb: str, data: dict[str, Any], style: str | None = None) -> Card:
    """An Action.Execute (answered by an invoke, so it works in channels as in 1:1 chats)."""
    action: Card = {"type": "Action.Execute", "title": title, "verb": verb, "data": data}
    if style:
        action["style"] = style
    return action


def card(body: list[Card], actions: list[Card] | None = None) -> Card:
    whole: Card = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": body,
        "msteams": {"width": "Full"},
    }
    if actions:
        whole["actions"] = actions
    return whole


def size(whole: Card) -> int:
    """Bytes of the card's JSON, as it goes over the wire."""
    return len(json.dumps(whole, ensure_ascii=False).encode("utf-8"))


def card_message(whole: Card, summary: str | None = None) -> Activity:
    """A message activity carrying one Adaptive Card."""
    attachment = Attachment(content_type=CONTENT_TYPE, content=whole)
    message = Activity(type=ActivityTypes.message, attachments=[attachment])
    if summary:
        message.summary = summary
    return message


def text_message(text: str) -> Activity:
    """A plain-text message (``textFormat: plain``, so no Markdown is read in it)."""
    return Activity(type=ActivityTypes.message, text=text, text_format="plain")


def text_card(text: str, style: str | None = None) -> Card:
    return card([container([plain(text)], style)])


# --- the answer ---------------------------------------------------------------------------


def answer_card(view: AnswerView) -> Card:
    """The whole answer: parts in the presenter's order, then the Raise button (named after
    where the concern goes, never styled as destructive) and feedback."""
    for limits in SHRINKING:
        whole = _answer_card(view, limits)
        if size(whole) <= CARD_LIMIT:
            return whole
    return text_card(cut(view.summary, 500)[0])


def answer_message(view: AnswerView) -> Activity:
    return card_message(answer_card(view), cut(view.summary, 200)[0])


def passage_ids(whole: Card) -> list[str]:
    """The passage ids of the clauses shown in an answer card, best first (for checks)."""
    return [
        item["id"].removeprefix("passage:")
        for item in whole.get("body", [])
        if str(item.get("id", "")).startswith("passage:")
    ]


def _answer_card(view: AnswerView, limits: Limits) -> Card:
    body = [block for part in view.parts for block in _part(part, limits)]
    question = cut(view.question, limits.question)[0]
    data = {"verb": VERB_RAISE, "q": question, "s": view.school, "p": view.passage_id}
    actions = [submit(view.raise_label, {**data, **DIALOG})]
    if view.passage_id:
        best = view.part("clause")
        if best and best.clauses and limits.full and len(best.clauses[0].text) > limits.clause:
            actions.append(_full_clause(best.clauses[0], limits.full))
        for title, helpful in (
            (messages.BUTTON_HELPFUL, True),
            (messages.BUTTON_NOT_HELPFUL, False),
        ):
            feedback = {"p": view.passage_id, "s": view.school, "h": helpful}
            actions.append(execute(title, VERB_FEEDBACK, feedback))
    return card(body, actions)


def _part(part: Part, limits: Limits) -> list[Card]:
    match part.kind:
        case "banner":
            banner = plain(f"{messages.TEAMS_ALERT} {part.text}", weight="bolder")
            return [container([banner], "attention")]
        case "question":
            return [plain(cut(part.text, limits.question + 40)[0], isSubtle=True, size="small")]
        case "intro":
            return [plain(part.text, weight="bolder")]
        case "review":
            return [plain(f"{messages.TEAMS_WARNING} {part.text}", color="warning", size="small")]
        case "clause":
            return [_clause(clause, limits) for clause in part.clauses]
        case "also":
            heading = plain(part.text, weight="bolder")
            return [heading, *(_clause(clause, limits) for clause in part.clauses)]
        case _:
            return [plain(part.text)]


def _clause(clause: ClauseView, limits: Limits) -> Card:
    """The clause under its lead-in, then its citation (the review warning is the answer's)."""
    items = [plain(cut(clause.context, 500)[0], isSubtle=True)] if clause.context else []
    text, was_cut = cut(clause.text, limits.clause)
    items.append(plain(text))
    if was_cut:
        items.append(plain(messages.CLAUSE_CUT, isSubtle=True, italic=True))
    items.append(plain(cut(clause.citation, 500)[0], isSubtle=True, size="small"))
    return container(items, "emphasis", id=f"passage:{clause.passage_id}")


def _full_clause(clause: ClauseView, limit: int) -> Card:
    """Behind "Show full clause": the clause, up to ``limit`` characters, opens below the card."""
    shown = card([plain(cut(clause.text, limit)[0])])
    return {"type": "Action.ShowCard", "title": messages.BUTTON_FULL_CLAUSE, "card": shown}


def raise_card(school: str | None) -> Card:
    """The reply to "raise": one button that opens the form as a dialog only the clicker
    sees (so it can be typed in a channel too); no question needed first."""
    data = {"verb": VERB_RAISE, "q": "", "s": school, "p": None, **DIALOG}
    return card([plain(messages.TEAMS_RAISE_INTRO)], [submit(messages.BUTTON_RAISE_CONCERN, data)])
