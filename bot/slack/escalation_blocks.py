"""Block Kit for raising a concern: the "Raise with DSL" modal, the DSL's message with Claim /
Resolve / Record as logged, and the open-concerns list on a DSL's App Home.

Everything a person typed (question, details, record reference) is escaped here.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot import messages
from bot.slack.blocks import Block, button, chunks, context, escape, fit, section
from bot.store.records import Escalation

RAISE_CALLBACK = "raise_dsl_modal"
RECORD_CALLBACK = "record_logged_modal"
ACTION_RISK = "risk"
ACTION_CLAIM = "escalation_claim"
ACTION_RESOLVE = "escalation_resolve"
ACTION_RECORD = "escalation_record"
METADATA_LIMIT = 3000
DETAILS_MAX = 2900
WARN_BLOCK = "risk_warning"


def raise_modal(
    meta: dict[str, Any], clause: str | None, dsl: str, risk: str | None = None
) -> Block:
    """The form; ``meta`` (question, passage id, school, DSL contact) rides in private_metadata."""
    blocks: list[Block] = []
    if meta.get("q"):
        blocks.append(section(messages.RAISE_QUESTION.format(question=fit(meta["q"], 2900)[0])))
    if clause:
        blocks.append(section(messages.RAISE_CLAUSE.format(clause=fit(clause, 2800)[0])))
    blocks.append(_input("details", messages.RAISE_DETAILS_LABEL, _details_element()))
    blocks.append(context(messages.RAISE_DETAILS_HINT))
    risk_input = _radio_input("risk", messages.RAISE_RISK_LABEL, messages.RAISE_RISK_OPTIONS)
    risk_input["dispatch_action"] = True
    blocks.append(risk_input)
    if risk in ("yes", "unsure"):
        warning = section(messages.RAISE_RISK_WARNING.format(dsl=escape(dsl)))
        blocks.append({**warning, "block_id": WARN_BLOCK})
    blocks.append(_radio_input("about", messages.RAISE_STAFF_LABEL, messages.RAISE_STAFF_OPTIONS))
    blocks.append(_radio_input("told", messages.RAISE_TOLD_LABEL, messages.RAISE_TOLD_OPTIONS))
    return _modal(RAISE_CALLBACK, messages.RAISE_TITLE, blocks, meta, messages.RAISE_SUBMIT)


def modal_meta(
    question: str, passage_id: str | None, school: str | None, dsl: str
) -> dict[str, Any]:
    while len(json.dumps([question, passage_id, school, dsl], ensure_ascii=False)) > METADATA_LIMIT:
        question = question[: len(question) // 2]
    return {"q": question, "p": passage_id, "s": school, "d": dsl}


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
    for block_id in ("details", "risk", "about", "told"):
        element = state.get(block_id, {}).get(block_id, {})
        selected = element.get("selected_option") or {}
        out[block_id] = element.get("value") if block_id == "details" else selected.get("value")
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


def dsl_post(esc: Escalation) -> tuple[list[Block], str]:
    """The DSL destination's message for ``esc`` (also its update after Claim/Resolve)."""
    title = messages.DSL_POST_TITLE.format(ref=esc.ref)
    blocks: list[Block] = [{"type": "header", "text": {"type": "plain_text", "text": title}}]
    if esc.urgent:
        risk = messages.RAISE_RISK_OPTIONS[esc.immediate_risk]
        blocks.append(section(messages.DSL_POST_URGENT.format(risk=risk)))
    blocks.append(section(_fields(esc)))
    if esc.details_purged:
        blocks.append(context(messages.DSL_POST_PURGED))
    else:
        blocks.extend(_content(esc))
    blocks.append(section(status_line(esc)))
    blocks.append(_lifecycle_buttons(esc))
    return blocks, title


def status_line(esc: Escalation) -> str:
    if esc.status == "resolved":
        line = messages.DSL_POST_STATUS_RESOLVED.format(actor=mention(esc.resolved_by))
    elif esc.status == "claimed":
        line = messages.DSL_POST_STATUS_CLAIMED.format(actor=mention(esc.claimed_by))
    else:
        line = messages.DSL_POST_STATUS_NEW
    if esc.record_ref:
        line += "\n" + messages.DSL_POST_RECORDED.format(record=escape(esc.record_ref))
    return line


def home_lines(escalations: list[Escalation], now: datetime) -> list[Block]:
    if not escalations:
        return [section(messages.HOME_OPEN_ESCALATIONS), context(messages.HOME_NO_ESCALATIONS)]
    lines = [section(messages.HOME_OPEN_ESCALATIONS)]
    for esc in escalations[:90]:
        claimed = (
            messages.HOME_CLAIMED_BY.format(actor=mention(esc.claimed_by)) if esc.claimed_by else ""
        )
        lines.append(context(messages.HOME_ESCALATION_LINE.format(
            ref=escape(esc.ref), status=esc.status, age=age_text(now - esc.created_at),
            urgent=messages.HOME_URGENT if esc.urgent else "", claimed=claimed,
        )))  # fmt: skip
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


def _fields(esc: Escalation) -> str:
    about = messages.RAISE_STAFF_OPTIONS[esc.about_staff]
    return messages.DSL_POST_FIELDS.format(
        reporter=mention(esc.reporter_id), school=escape(esc.school or messages.UNKNOWN),
        risk=messages.RAISE_RISK_OPTIONS[esc.immediate_risk], about=about,
        told=messages.YES if esc.told_dsl_in_person else messages.NO,
    )  # fmt: skip


def _content(esc: Escalation) -> list[Block]:
    blocks = []
    if esc.question:
        question = fit(esc.question, 2800)[0]
        blocks.append(section(messages.DSL_POST_QUESTION.format(question=question)))
    if esc.passage_id:
        blocks.append(context(messages.DSL_POST_CLAUSE.format(passage=escape(esc.passage_id))))
    pieces = chunks(esc.details or messages.UNKNOWN, DETAILS_MAX, 30)
    blocks.append(section(messages.DSL_POST_DETAILS.format(details=pieces[0])))
    blocks.extend(section(piece) for piece in pieces[1:])
    return blocks


def _lifecycle_buttons(esc: Escalation) -> Block:
    elements = []
    if esc.status == "new":
        elements.append(button(messages.BUTTON_CLAIM, ACTION_CLAIM, esc.ref, "primary"))
    if esc.status != "resolved":
        elements.append(button(messages.BUTTON_RESOLVE, ACTION_RESOLVE, esc.ref))
    elements.append(button(messages.BUTTON_RECORD, ACTION_RECORD, esc.ref))
    return {"type": "actions", "block_id": "escalation_actions", "elements": elements}


def _details_element() -> Block:
    return {
        "type": "plain_text_input",
        "action_id": "details",
        "multiline": True,
        "max_length": 2900,
    }


def _input(block_id: str, label: str, element: Block) -> Block:
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": element,
    }


def _radio_input(block_id: str, label: str, options: dict[str, str]) -> Block:
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
    if risk in ("yes", "unsure"):
        dsl = read_meta(view).get("d") or messages.DSL_UNKNOWN
        warning = {
            **section(messages.RAISE_RISK_WARNING.format(dsl=escape(dsl))),
            "block_id": WARN_BLOCK,
        }
        at = next((i + 1 for i, b in enumerate(kept) if b.get("block_id") == "risk"), len(kept))
        kept.insert(at, warning)
    keys = ("type", "callback_id", "title", "submit", "close", "private_metadata")
    return {**{k: view[k] for k in keys if k in view}, "blocks": kept}
