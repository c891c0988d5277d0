"""Adaptive Cards for raising a concern on Teams: the "Raise with DSL" form (the questions of
:mod:`bot.escalation.form`), the DSL's card with Claim / Unassign / Resolve / Reopen / Record
as logged (``Action.Execute``), and the reporter's "sent" card.

Adaptive Cards 1.5 has no confirm dialog on ``Action.Execute``, so Resolve and Unassign take
two steps: the first click answers (for the clicker only, as every ``Action.Execute`` reply
does) with :func:`confirm_card` ("Resolve ESC-…?" with Resolve / Not yet); only its
confirming action, which carries ``"confirmed": true``, changes anything. "Not yet" answers
with the card as it is now (verb ``escalation_show``).

Everything a person typed (question, details, record reference, names) is plain text in a
TextRun (see :mod:`bot.teams.cards`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from bot import messages
from bot.escalation.form import (
    ABOUT_FIELD,
    QUESTIONS,
    RISK_FIELD,
    Question,
    about_of,
    form_title,
    goes_else,
    goes_to,
    risk_warning,
    submit_label,
)
from bot.escalation.view import ACTION_LABELS, Catalogue, DslView, Fact, Name, dsl_view
from bot.store.records import Escalation
from bot.teams.cards import Card, card, container, cut, labelled, plain, submit

VERB_SUBMIT = "raise_submit"
VERB_CLAIM = "escalation_claim"
VERB_RESOLVE = "escalation_resolve"
VERB_RECORD = "escalation_record"
VERB_REOPEN = "escalation_reopen"
VERB_UNASSIGN = "escalation_unassign"
VERB_SHOW = "escalation_show"  # "Not yet" on a confirmation: the card as it is
DEEP_LINK = "https://teams.microsoft.com/l/message"
EXECUTE = {
    "claim": (VERB_CLAIM, "positive"),
    "unassign": (VERB_UNASSIGN, None),
    "resolve": (VERB_RESOLVE, None),
    "reopen": (VERB_REOPEN, None),
}
CONFIRMS = {  # the second step: (title, text, confirming label, cancel label, its style)
    "resolve": (
        messages.RESOLVE_CONFIRM_TITLE,
        messages.RESOLVE_CONFIRM_TEXT,
        messages.BUTTON_RESOLVE,
        messages.RESOLVE_CONFIRM_CANCEL,
        "positive",  # resolving destroys nothing (Reopen undoes it)
    ),
    "unassign": (
        messages.UNASSIGN_CONFIRM_TITLE,
        messages.UNASSIGN_CONFIRM_TEXT,
        messages.BUTTON_UNASSIGN,
        messages.UNASSIGN_CONFIRM_CANCEL,
        "destructive",  # takes the concern off the person holding it
    ),
}


def raise_form(meta: dict[str, Any], clause: str | None) -> Card:
    """The form; ``meta`` (question, clause id, school, DSL contact, who it goes to) rides in
    the submit data. It says where the concern goes before it is sent, and "about a member of
    staff" starts as the classifier read the question."""
    about = about_of(meta)
    body: list[Card] = [plain(form_title(about), weight="bolder", size="large")]
    body.append(container([plain(goes_to(meta, about), weight="bolder")], "emphasis"))
    body.extend(plain(line, isSubtle=True, size="small") for line in goes_else(meta, about))
    if meta.get("q"):
        body.append(labelled(messages.RAISE_QUESTION, cut(meta["q"], 1500)[0]))
    if clause:
        body.append(labelled(messages.RAISE_CLAUSE, cut(clause, 2500)[0]))
    for question in QUESTIONS:
        body.extend(_ask(question, meta.get("d") or messages.DSL_UNKNOWN, about))
    data = {"verb": VERB_SUBMIT, **meta}
    return card(body, [submit(submit_label(about), data, "positive")])


def sent_card(ref: str, route: str) -> Card:
    text = messages.TEAMS_RAISE_SENT.format(ref=ref, route_name=messages.ROUTE_NAMES[route])
    return card([container([plain(text)], "good")])


def dsl_card(
    esc: Escalation,
    names: Name,
    alert_ids: Sequence[str] = (),
    catalogue: Catalogue | None = None,
) -> Card:
    """The DSL destination's card for ``esc`` (also its update after each change); an
    urgent one @-mentions ``alert_ids`` (the route's people, by Entra object id);
    ``catalogue`` names the school and quotes the clause."""
    view = dsl_view(esc, name=names, alert_ids=alert_ids, catalogue=catalogue)
    body: list[Card] = [plain(view.title, weight="bolder", size="large")]
    entities = _mentions(alert_ids, names) if view.urgent else []
    if view.urgent:
        warning = [plain(view.urgent, weight="bolder")]
        if entities:
            tags = " ".join(entity["text"] for entity in entities)
            warning.append({"type": "TextBlock", "text": tags, "wrap": True})
        body.append(container(warning, "attention"))
    body.extend(_fact(fact) for fact in view.facts)
    if view.purged:
        body.append(plain(view.purged, isSubtle=True, italic=True))
    body.extend(_content(view))
    body.append(container(_status(view), "emphasis"))
    body.append(plain(" \u00b7 ".join(view.timeline), isSubtle=True, size="small"))
    whole = card(body, _lifecycle_actions(view))
    if entities:
        whole["msteams"]["entities"] = entities
    return whole


def confirm_card(esc: Escalation, action: str) -> Card:
    """The second step of Resolve or Unassign (``action``): what it will do, with the
    confirming action (``"confirmed": true``) and "Not yet" / "Keep it" (the card again)."""
    title, text, yes, no, style = CONFIRMS[action]
    verb = EXECUTE[action][0]
    data: dict[str, Any] = {"ref": esc.ref, "confirmed": True}
    if action == "unassign":
        data["claimant"] = esc.claimed_by or ""
    confirm: Card = {"type": "Action.Execute", "title": yes, "verb": verb, "data": data}
    confirm["style"] = style
    body = [plain(title.format(ref=esc.ref), weight="bolder", size="large"), plain(text)]
    return card(body, [confirm, _execute(no, VERB_SHOW, esc.ref)])


def reminder_card(esc: Escalation, text: str) -> Card:
    """A reminder: its text, Claim while nobody has claimed it (the card's own verb), and a
    deep link to the original post once it is known."""
    actions = []
    if esc.status == "new":
        verb, style = EXECUTE["claim"]
        actions.append(_execute(ACTION_LABELS["claim"], verb, esc.ref, style))
    link = deep_link(esc.destination_channel, esc.destination_message_id)
    if link:
        actions.append({"type": "Action.OpenUrl", "title": messages.REMINDER_OPEN, "url": link})
    line = plain(text, weight="bolder") if esc.urgent else plain(text)
    return card([line], actions)


def deep_link(conversation: str | None, message_id: str | None) -> str | None:
    """A Teams link to one message (``/l/message/{conversation}/{message id}``)."""
    if not (conversation and message_id):
        return None
    return f"{DEEP_LINK}/{quote(conversation, safe='')}/{quote(message_id, safe='')}"


def _mentions(ids: Sequence[str], names: Name) -> list[dict[str, Any]]:
    """Teams mention entities (``<at>Name</at>`` in a TextBlock, matched by its text)."""
    entities = []
    for aad in dict.fromkeys(ids):
        name = names(aad)
        entities.append(
            {"type": "mention", "text": f"<at>{name}</at>", "mentioned": {"id": aad, "name": name}}
        )
    return entities


def _ask(question: Question, dsl: str, about: str = "no") -> list[Card]:
    """One question as an input (text or expanded choices), with its hint or warning."""
    blocks: list[Card] = []
    if question.options is None:
        blocks.append(
            {
                "type": "Input.Text",
                "id": question.field,
                "label": question.label,
                "isMultiline": True,
                "maxLength": question.max_length,
                "isRequired": True,
                "errorMessage": messages.TEAMS_ANSWER_REQUIRED,
            }
        )
    else:
        choices = [{"title": title, "value": value} for value, title in question.options.items()]
        blocks.append(
            {
                "type": "Input.ChoiceSet",
                "id": question.field,
                "label": question.label,
                "style": "expanded",
                "choices": choices,
                **({"value": about} if question.field == ABOUT_FIELD else {}),
                "isRequired": True,
                "errorMessage": messages.TEAMS_ANSWER_REQUIRED,
            }
        )
    if question.hint:
        blocks.append(plain(question.hint, isSubtle=True, size="small"))
    if question.field == RISK_FIELD:  # shown before sending: a card cannot change as you pick
        warning = plain(risk_warning(dsl), weight="bolder")
        blocks.append(container([warning], "attention"))
    return blocks


def _fact(fact: Fact) -> Card:
    return labelled(fact.label, fact.value)


def _content(view: DslView) -> list[Card]:
    blocks: list[Card] = []
    if view.question:
        blocks.append(labelled(messages.DSL_QUESTION, cut(view.question, 2000)[0]))
    if view.clause:
        source = f"{messages.DSL_CLAUSE} ({view.clause.source})"
        blocks.append(plain(source, isSubtle=True, size="small"))
        if view.clause.quote:
            blocks.append(plain(view.clause.quote, italic=True))
    if view.details is not None:
        blocks.append(plain(messages.DSL_DETAILS, weight="bolder"))
        blocks.append(plain(view.details))
    return blocks


def _status(view: DslView) -> list[Card]:
    lines = [plain(f"{view.status.label}: {view.status.value}", weight="bolder")]
    if view.recorded:
        lines.append(plain(f"{view.recorded.label}: {view.recorded.value}"))
    return lines


def _lifecycle_actions(view: DslView) -> list[Card]:
    actions = []
    for action in view.actions:
        if action in EXECUTE:
            verb, style = EXECUTE[action]
            actions.append(_execute(ACTION_LABELS[action], verb, view.ref, style))
            if action == "unassign":  # only this claim: not one made after the card was drawn
                actions[-1]["data"]["claimant"] = view.holder
    if "record" in view.actions:
        actions.append(_record_action(view.ref))
    return actions


def _record_action(ref: str) -> Card:
    """The Record as logged action: a text box and Save, opened below the card."""
    record_input = {
        "type": "Input.Text",
        "id": "record",
        "label": messages.RECORD_LABEL,
        "maxLength": 200,
        "isRequired": True,
        "errorMessage": messages.TEAMS_ANSWER_REQUIRED,
    }
    save = _execute(messages.RECORD_SUBMIT, VERB_RECORD, ref)
    record = card([record_input], [save])
    return {"type": "Action.ShowCard", "title": ACTION_LABELS["record"], "card": record}


def _execute(title: str, verb: str, ref: str, style: str | None = None) -> Card:
    action: Card = {"type": "Action.Execute", "title": title, "verb": verb, "data": {"ref": ref}}
    if style:
        action["style"] = style
    return action
