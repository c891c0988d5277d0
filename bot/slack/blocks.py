"""Block Kit for Slack, drawn from the platform-neutral :mod:`bot.answering.presenter` view.

Every piece of text that did not come from this module is passed through :func:`escape`
(``&``, ``<``, ``>``) so that ``<!channel>``, ``<@U…>`` and ``<url|label>`` typed by a person
can never become a mention or a link. Block Kit limits are kept: a section's text is at most
3,000 characters (a long clause is cut at a word boundary and a "Show full clause" button
opens the whole of it), a message at most 50 blocks, a button value at most 2,000 characters.

An answer fits a phone: at most :data:`ANSWER_BLOCK_LIMIT` blocks (each clause is one section
with its citation; "Also relevant" clauses are dropped from the end if it would not fit). The
only styled button is "Share in channel" (``primary``); ``danger`` is for destructive
confirmations, never an answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot import messages
from bot.answering.presenter import AnswerView, ClauseView, Part

Block = dict[str, Any]
SECTION_LIMIT = 3000
MESSAGE_BLOCK_LIMIT = 50
MODAL_BLOCK_LIMIT = 100
ANSWER_BLOCK_LIMIT = 8
CITATION_LIMIT = 300
VALUE_LIMIT = 2000
LEAD_LIMIT = 1000  # a clause's lead-in shown above it (the full text is behind the button)
ACTION_RAISE = "raise_dsl"
ACTION_HELPFUL = "feedback_helpful"
ACTION_NOT_HELPFUL = "feedback_not_helpful"
ACTION_SHARE = "share_answer"
ACTION_FULL_CLAUSE = "show_full_clause"


def escape(text: str) -> str:
    """Escape text for mrkdwn so it is shown, never interpreted as a mention or link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fit(text: str, limit: int = SECTION_LIMIT) -> tuple[str, bool]:
    """``(escaped text, was_cut)``: cut at a word boundary so the escaped text fits."""
    limit = max(0, limit)
    if len(escape(text)) <= limit:
        return escape(text), False
    cut = text[:limit]
    while cut and len(escape(cut)) > limit:  # an escaped character takes at most 5 characters
        cut = cut[: len(cut) - max(1, (len(escape(cut)) - limit + 4) // 5)]
    head, space, _ = cut.rpartition(" ")
    return escape(head if space and head else cut).rstrip(), True


def section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def context(mrkdwn: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn}]}


def button(label: str, action_id: str, value: str, style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": label},
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def answer_value(question: str, school: str | None, passage_id: str | None) -> str:
    """The button value that lets an action find the answer again (question, school, clause)."""
    q = question
    while True:
        value = json.dumps({"q": q, "s": school, "p": passage_id}, ensure_ascii=False)
        if len(value) <= VALUE_LIMIT:
            return value
        if not q:  # school and passage id alone too long (never for a real index)
            return json.dumps({"q": "", "s": None, "p": None})
        q = q[: len(q) - (len(value) - VALUE_LIMIT) - 1]


def read_value(value: str | None) -> dict[str, Any]:
    try:
        data = json.loads(value or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def answer_blocks(
    view: AnswerView, *, shareable: bool = True, limit: int = ANSWER_BLOCK_LIMIT
) -> list[Block]:
    """The whole answer message: parts in the presenter's order, then the buttons, in at most
    ``limit`` blocks ("Also relevant" clauses go first when there is no room)."""
    blocks: list[Block] = []
    for part in view.parts:
        blocks.extend(_PART_RENDERERS[part.kind](part, view))
    while len(blocks) > limit - 1 and any(_is_also(block) for block in blocks):
        blocks.remove(next(b for b in reversed(blocks) if _is_also(b)))
    return [*blocks[: limit - 1], answer_actions(view, shareable=shareable)]


def answer_actions(view: AnswerView, *, shareable: bool) -> Block:
    value = answer_value(view.question, view.school, view.passage_id)
    elements = [button(view.raise_label, ACTION_RAISE, value)]
    if view.passage_id:
        elements.append(button(messages.BUTTON_HELPFUL, ACTION_HELPFUL, view.passage_id))
        elements.append(button(messages.BUTTON_NOT_HELPFUL, ACTION_NOT_HELPFUL, view.passage_id))
    if shareable and view.share_allowed:
        elements.append(button(messages.BUTTON_SHARE, ACTION_SHARE, value, "primary"))
    return {"type": "actions", "block_id": "answer_actions", "elements": elements}


def fallback_text(view: AnswerView) -> str:
    """The notification text of the message (``text`` beside ``blocks``)."""
    return fit(view.summary)[0]


def clause_blocks(clause: ClauseView, value: str = "", heading: str = "") -> list[Block]:
    """One section: ``heading`` (mrkdwn, already safe), the clause quoted under its lead-in,
    then its citation."""
    lead = heading + (f"{fit(clause.context, LEAD_LIMIT)[0]}\n" if clause.context else "")
    cite = f"\n\u2014 {fit(clause.citation, CITATION_LIMIT)[0]}"
    room = SECTION_LIMIT - len(lead) - len(cite) - 200 - len(escape(messages.CLAUSE_CUT))
    body, cut = fit(clause.text, room)
    if len(body.splitlines()) > 50:  # each quoted line costs a ">": keep within the 200 spare
        body, cut = fit(" ".join(clause.text.split()), room)
    quote = "\n".join(f">{line}" for line in body.splitlines() or [""])
    if cut:
        quote += f"\n>{escape(messages.CLAUSE_CUT)}"
    block = section(lead + quote + cite)
    if cut:
        block["accessory"] = button(
            messages.BUTTON_FULL_CLAUSE, ACTION_FULL_CLAUSE, value or clause.passage_id
        )
    return [block]


def chunks(text: str, limit: int = SECTION_LIMIT, most: int = MODAL_BLOCK_LIMIT) -> list[str]:
    """``text`` escaped and split at word boundaries into at most ``most`` pieces of ``limit``."""
    pieces: list[str] = []
    rest = text
    while rest and len(pieces) < most:
        piece, _ = fit(rest, limit)
        pieces.append(piece)
        rest = rest[len(_unescape(piece)) :].lstrip()
    return pieces


def full_clause_modal(text: str, context_text: str | None = None) -> Block:
    """A modal with the whole clause, in as many sections as it needs."""
    pieces = chunks(context_text, SECTION_LIMIT, 10) if context_text else []
    pieces += chunks(text, SECTION_LIMIT, MODAL_BLOCK_LIMIT - len(pieces))
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": messages.FULL_CLAUSE_TITLE},
        "close": {"type": "plain_text", "text": messages.MODAL_CLOSE},
        "blocks": [section(piece) for piece in pieces],
    }


def help_blocks() -> list[Block]:
    return [section(messages.SLACK_HELP)]


def text_blocks(text: str) -> list[Block]:
    """One section holding a sentence from ``bot.messages`` (already safe)."""
    return [section(text)]


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _text_part(part: Part, view: AnswerView) -> list[Block]:
    return [section(fit(part.text)[0])]


def _banner(part: Part, view: AnswerView) -> list[Block]:
    return [section(f"{messages.SLACK_ALERT} {fit(part.text, SECTION_LIMIT - 20)[0]}")]


def _intro(part: Part, view: AnswerView) -> list[Block]:
    """Shown as the heading of the best clause when there is one, else on its own."""
    return [] if view.part("clause") else _text_part(part, view)


def _review(part: Part, view: AnswerView) -> list[Block]:
    return [context(f"{messages.SLACK_WARNING} {fit(part.text, 1000)[0]}")]


def _question(part: Part, view: AnswerView) -> list[Block]:
    return [context(fit(part.text)[0])]


def _clause(part: Part, view: AnswerView, heading: str | None = None) -> list[Block]:
    if heading is None:
        intro = view.part("intro")
        heading = f"*{escape(intro.text)}*\n" if intro else ""
    rendered = []
    for number, clause in enumerate(part.clauses):
        value = answer_value(view.question, view.school, clause.passage_id)
        rendered.extend(clause_blocks(clause, value, heading if number == 0 else ""))
    return rendered


def _also(part: Part, view: AnswerView) -> list[Block]:
    rendered = _clause(part, view, f"*{escape(part.text)}*\n")
    for number, block in enumerate(rendered):
        block["block_id"] = f"also_{number}"
    return rendered


def _is_also(block: Block) -> bool:
    return str(block.get("block_id", "")).startswith("also_")


_PART_RENDERERS: dict[str, Callable[[Part, AnswerView], list[Block]]] = {
    "banner": _banner,
    "notice": _text_part,
    "question": _question,
    "intro": _intro,
    "clause": _clause,
    "also": _also,
    "review": _review,
    "route": _text_part,
}
