"""Block Kit for raising a concern: the "Raise with DSL" modal, the DSL's message with Claim /
Unassign / Resolve / Reopen / Record as logged, and the open-concerns list on a DSL's App Home.

Everything a person typed (question, details, record reference) is escaped here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bot import messages
from bot.escalation.form import (
    ABOUT_FIELD,
    QUESTIONS,
    RISK_FIELD,
    Question,
    about_of,
    form_title,
    goes_to,
    risk_warning,
    shows_risk_warning,
    submit_label,
)
from bot.escalation.view import ACTION_LABELS, Catalogue, DslView, Fact, dsl_view
from bot.slack.blocks import Block, button, chunks, context, escape, fit, section
from bot.store.records import Escalation

RAISE_CALLBACK = "raise_dsl_modal"
RECORD_CALLBACK = "record_logged_modal"
ACTION_RISK = RISK_FIELD
ACTION_ABOUT = ABOUT_FIELD
SHORTCUT_RAISE = "raise_concern"  # the global shortcut in manifest.json
ACTION_CLAIM = "escalation_claim"
ACTION_RESOLVE = "escalation_resolve"
ACTION_RECORD = "escalation_record"
ACTION_REOPEN = "escalation_reopen"
ACTION_UNASSIGN = "escalation_unassign"
DETAILS_CHUNK = 2900  # characters of details per section
WARN_BLOCK = "risk_warning"
GOES_TO_BLOCK = "goes_to"
TITLE_LIMIT = 24  # Slack: a modal's title and submit label are at most 24 characters
BUTTONS = {
    "claim": (ACTION_CLAIM, "primary"),
    "unassign": (ACTION_UNASSIGN, None),
    "resolve": (ACTION_RESOLVE, None),
    "reopen": (ACTION_REOPEN, None),
    "record": (ACTION_RECORD, None),
}


def raise_modal(
    meta: dict[str, Any], clause: str | None, dsl: str, risk: str | None = None
) -> Block:
    """The form (the questions of :mod:`bot.escalation.form`); ``meta`` (question, passage
    id, school, DSL contact, who it goes to) rides in private_metadata. It says where the
    concern will go, and "about a member of staff" starts as the classifier read it."""
    about = about_of(meta)
    blocks: list[Block] = [_goes_to(meta, about)]
    if meta.get("q"):
        blocks.append(section(_labelled(messages.RAISE_QUESTION, fit(meta["q"], 2900)[0])))
    if clause:
        blocks.append(section(_labelled(messages.RAISE_CLAUSE, fit(clause, 2800)[0])))
    for question in QUESTIONS:
        blocks.extend(_ask(question, about))
        if question.field == RISK_FIELD and shows_risk_warning(risk):
            blocks.append(_warning(dsl))
    title, submit = form_title(about, TITLE_LIMIT), submit_label(about, TITLE_LIMIT)
    return _modal(RAISE_CALLBACK, title, blocks, meta, submit)


def _goes_to(meta: dict[str, Any], about: str) -> Block:
    return {**section(f"*{escape(goes_to(meta, about))}*"), "block_id": GOES_TO_BLOCK}


def read_meta(view: dict[str, Any]) -> dict[str, Any]:
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return meta if isinstance(meta, dict) else {}


def form_values(view: dict[str, Any]) -> dict[str, str | None]:
    """{"details", "risk", "about", "told"} from a submitted (or updated) view's state."""
    state = view.get("state", {}).get("values", {})
    out: dict[str, str | None] = {}
    for question in QUESTIONS:
        element = state.get(question.field, {}).get(question.field, {})
        selected = element.get("selected_option") or {}
        free_text = question.options is None
        out[question.field] = element.get("value") if free_text else selected.get("value")
    return out


def sent_view(ref: str, route: str) -> Block:
    text = messages.RAISE_SENT.format(ref=escape(ref), route_name=messages.ROUTE_NAMES[route])
    return _modal(None, messages.RAISE_SENT_TITLE, [section(text)], None, None)


def failed_view(text: str) -> Block:
    return _modal(None, messages.RAISE_FAILED_TITLE, [section(text)], None, None)


def record_modal(ref: str) -> Block:
    element = {"type": "plain_text_input", "action_id": "record", "max_length": 200}
    blocks = [_input("record", messages.RECORD_LABEL, element)]
    return _modal(
        RECORD_CALLBACK, messages.RECORD_TITLE, blocks, {"ref": ref}, messages.RECORD_SUBMIT
    )


def dsl_post(
    esc: Escalation, alert_ids: Sequence[str] = (), catalogue: Catalogue | None = None
) -> tuple[list[Block], str]:
    """The DSL destination's message for ``esc`` (also its update after each change), and
    its notification text; an urgent one @-mentions ``alert_ids`` (the route's people);
    ``catalogue`` names the school and quotes the clause."""
    view = dsl_view(esc, name=mention, text=escape, alert_ids=alert_ids, catalogue=catalogue)
    blocks: list[Block] = [{"type": "header", "text": {"type": "plain_text", "text": view.title}}]
    if view.urgent:
        alert = " ".join((f"{messages.SLACK_ALERT} *{escape(view.urgent)}*", *view.alert))
        blocks.append(section(alert))
    blocks.append(section(" \u00b7 ".join(f"*{f.label}* {f.value}" for f in view.facts)))
    if view.purged:
        blocks.append(context(f"_{view.purged}_"))
    blocks.extend(_content(view))
    blocks.append(section(status_line(view)))
    blocks.append(context(" \u00b7 ".join(view.timeline)))
    blocks.append(_lifecycle_buttons(view))
    return blocks, view.notice


def reminder(esc: Escalation, text: str, permalink: str | None) -> list[Block]:
    """A reminder (``text`` already escaped): a link to the original post, and Claim while
    nobody has claimed it (the same action as on the post)."""
    line = f"{text} <{permalink}|{messages.REMINDER_OPEN}>" if permalink else text
    blocks: list[Block] = [section(line)]
    if esc.status == "new":
        action_id, style = BUTTONS["claim"]
        claim = button(ACTION_LABELS["claim"], action_id, esc.ref, style)
        blocks.append({"type": "actions", "elements": [claim]})
    return blocks


def status_line(view: DslView) -> str:
    lines = [view.status, view.recorded] if view.recorded else [view.status]
    return "\n".join(_fact(line) for line in lines)


def home_lines(escalations: list[Escalation], now: datetime) -> list[Block]:
    if not escalations:
        return [section(messages.HOME_OPEN_ESCALATIONS), context(messages.HOME_NO_ESCALATIONS)]
    lines = [section(messages.HOME_OPEN_ESCALATIONS)]
    for esc in escalations[:90]:
        claimed = (
            messages.HOME_CLAIMED_BY.format(actor=mention(esc.claimed_by)) if esc.claimed_by else ""
        )
        lines.append(
            context(
                messages.HOME_ESCALATION_LINE.format(
                    ref=escape(esc.ref),
                    status=esc.status,
                    age=age_text(now - esc.created_at),
                    urgent=messages.HOME_URGENT if esc.urgent else "",
                    claimed=claimed,
                )
            )
        )
    return lines


def age_text(age: Any) -> str:
    minutes = max(0, int(age.total_seconds() // 60))
    if minutes < 120:
        return messages.AGE_MINUTES.format(n=minutes)
    if minutes < 48 * 60:
        return messages.AGE_HOURS.format(n=minutes // 60)
    return messages.AGE_DAYS.format(n=minutes // (24 * 60))


def mention(user_id: str | None) -> str:
    """``<@U123>`` for a Slack user id; anything else is escaped as text."""
    if user_id and user_id.isalnum() and user_id[:1] in "UW":
        return f"<@{user_id}>"
    return escape(user_id or messages.UNKNOWN)


def _content(view: DslView) -> list[Block]:
    blocks = []
    if view.question:
        blocks.append(section(_labelled(messages.DSL_QUESTION, fit(view.question, 2800)[0])))
    if view.clause:
        blocks.append(context(_clause(view)))
    if view.details is not None:
        pieces = chunks(view.details, DETAILS_CHUNK, 30)
        blocks.append(section(_labelled(messages.DSL_DETAILS, pieces[0])))
        blocks.extend(section(piece) for piece in pieces[1:])
    return blocks


def _clause(view: DslView) -> str:
    """*Clause shown* (policy · section): “its first 200 characters…”."""
    assert view.clause is not None
    head = f"*{messages.DSL_CLAUSE}* ({view.clause.source})"
    return f"{head}\n{view.clause.quote}" if view.clause.quote else head


def _lifecycle_buttons(view: DslView) -> Block:
    elements = []
    for action in view.actions:
        action_id, style = BUTTONS[action]
        value = f"{view.ref} {view.holder}" if action == "unassign" else view.ref
        element = button(ACTION_LABELS[action], action_id, value, style)
        if action in CONFIRMS:
            element["confirm"] = _confirm(view.ref, *CONFIRMS[action])
        elements.append(element)
    block_id = f"escalation_actions_{view.version}"  # a new one per update
    return {"type": "actions", "block_id": block_id, "elements": elements}


CONFIRMS = {  # (title, text, confirm, deny, destructive)
    "resolve": (
        messages.RESOLVE_CONFIRM_TITLE,
        messages.RESOLVE_CONFIRM_TEXT,
        messages.BUTTON_RESOLVE,
        messages.RESOLVE_CONFIRM_CANCEL,
        False,  # resolving destroys nothing (Reopen undoes it): not ``danger``
    ),
    "unassign": (
        messages.UNASSIGN_CONFIRM_TITLE,
        messages.UNASSIGN_CONFIRM_TEXT,
        messages.BUTTON_UNASSIGN,
        messages.UNASSIGN_CONFIRM_CANCEL,
        True,  # takes the concern off the person holding it
    ),
}


def _confirm(ref: str, title: str, text: str, yes: str, no: str, destructive: bool) -> Block:
    """Slack's confirm dialog; ``danger`` only when the change is destructive."""
    dialog: Block = {
        "title": {"type": "plain_text", "text": title.format(ref=ref)},
        "text": {"type": "plain_text", "text": text},
        "confirm": {"type": "plain_text", "text": yes},
        "deny": {"type": "plain_text", "text": no},
    }
    if destructive:
        dialog["style"] = "danger"
    return dialog


def read_unassign(value: str) -> tuple[str, str | None]:
    """``(ref, claimant)`` from an Unassign button's value ("ESC-2026-0042 U123")."""
    ref, _, claimant = value.strip().partition(" ")
    return ref, claimant or None


def _labelled(label: str, mrkdwn: str) -> str:
    """``*label*`` over its (already escaped) text."""
    return f"*{label}*\n{mrkdwn}"


def _fact(fact: Fact) -> str:
    return f"*{fact.label}*: {fact.value}"


def _ask(question: Question, about: str = "no") -> list[Block]:
    """One question as an input (free text or radio buttons), with its hint."""
    if question.options is None:
        element = {
            "type": "plain_text_input",
            "action_id": question.field,
            "multiline": True,
            "max_length": question.max_length,
        }
        blocks = [_input(question.field, question.label, element)]
    else:
        blocks = [_radio_input(question.field, question.label, question.options)]
    if question.field in (RISK_FIELD, ABOUT_FIELD):
        blocks[0]["dispatch_action"] = True  # the warning / destination follow the answer
    if question.field == ABOUT_FIELD and question.options:
        chosen = {"value": about, "text": {"type": "plain_text", "text": question.options[about]}}
        blocks[0]["element"]["initial_option"] = chosen
    if question.hint:
        blocks.append(context(question.hint))
    return blocks


def _warning(dsl: str | None) -> Block:
    text = f"{messages.SLACK_ALERT} *{escape(risk_warning(dsl))}*"
    return {**section(text), "block_id": WARN_BLOCK}


def _input(block_id: str, label: str, element: Block) -> Block:
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": element,
    }


def _radio_input(block_id: str, label: str, options: Mapping[str, str]) -> Block:
    element = {
        "type": "radio_buttons",
        "action_id": block_id,
        "options": [
            {"text": {"type": "plain_text", "text": text}, "value": value}
            for value, text in options.items()
        ],
    }
    return _input(block_id, label, element)


def _modal(
    callback: str | None, title: str, blocks: list[Block], meta: Any, submit: str | None
) -> Block:
    view: Block = {
        "type": "modal",
        "title": {"type": "plain_text", "text": title[:24]},
        "close": {
            "type": "plain_text",
            "text": messages.RAISE_CANCEL if submit else messages.MODAL_CLOSE,
        },
        "blocks": blocks,
    }
    if callback:
        view["callback_id"] = callback
    if submit:
        view["submit"] = {"type": "plain_text", "text": submit}
    if meta is not None:
        view["private_metadata"] = json.dumps(meta, ensure_ascii=False)
    return view


def with_risk_warning(view: dict[str, Any], risk: str | None) -> Block:
    """``view`` (as Slack sent it) with the "call 999" warning shown for yes/unsure."""
    kept = [b for b in view.get("blocks", []) if b.get("block_id") != WARN_BLOCK]
    if shows_risk_warning(risk):
        warning = _warning(read_meta(view).get("d"))
        at = next((i + 1 for i, b in enumerate(kept) if b.get("block_id") == RISK_FIELD), len(kept))
        kept.insert(at, warning)
    keys = ("type", "callback_id", "title", "submit", "close", "private_metadata")
    return {**{k: view[k] for k in keys if k in view}, "blocks": kept}


def with_destination(view: dict[str, Any], about: str | None) -> Block:
    """``view`` (as Slack sent it) saying where it goes for the new "about staff" answer."""
    meta = read_meta(view)
    about = about_of(meta, about)
    updated = with_risk_warning(view, _chosen(view, RISK_FIELD))
    blocks = [
        _goes_to(meta, about) if b.get("block_id") == GOES_TO_BLOCK else b
        for b in updated["blocks"]
    ]
    title = {"type": "plain_text", "text": form_title(about, TITLE_LIMIT)}
    submit = {"type": "plain_text", "text": submit_label(about, TITLE_LIMIT)}
    return {**updated, "title": title, "submit": submit, "blocks": blocks}


def _chosen(view: dict[str, Any], field: str) -> str | None:
    values = view.get("state", {}).get("values", {})
    option = values.get(field, {}).get(field, {}).get("selected_option") or {}
    return option.get("value")
