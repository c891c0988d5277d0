"""Property-based tests: any text staff can type (or a policy file can hold) gives a valid
answer or a clear notice, never an exception; Slack blocks keep Block Kit's limits and never
let a mention or link through; Teams cards are JSON within Teams' size limit."""

from __future__ import annotations

import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answering.answerer import Answerer
from bot.answering.model import Answer
from bot.answering.presenter import present
from bot.slack import blocks
from bot.slack.text import question_from_message
from bot.teams import cards
from tests.hardening.conftest import hostile_answer, hostile_text

EXAMPLES = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
SCHOOLS = st.sampled_from([None, "kite-college", "north-star-trust", "no-such-school", "<!x>"])
LEVELS = st.sampled_from(["none", "report", "urgent"])
RAW_SLACK = re.compile(r"<[!@#]|<(https?|mailto|tel):", re.IGNORECASE)
ACTION_ID_LIMIT = BLOCK_ID_LIMIT = 255
BUTTON_TEXT_LIMIT = 75
TEAMS_BYTES = 28 * 1024


@EXAMPLES
@given(question=hostile_text(), school=SCHOOLS)
def test_any_question_gets_an_answer_or_a_notice(
    real_answerer: Answerer, question: str, school: str | None
) -> None:
    answer = real_answerer.answer(question, school)
    assert isinstance(answer, Answer)
    assert answer.answered == bool(answer.answered and answer.hits)
    assert answer.hits or answer.notice or not answer.answered
    if not question.strip():
        assert answer.notice and not answer.answered
    assert answer.route.dsl is not None  # the route to the DSL is on every answer
    json.dumps(answer.to_json(), ensure_ascii=False)
    _check_slack(answer)
    _check_teams(answer)


@EXAMPLES
@given(
    question=hostile_text(),
    clause=hostile_text(),
    context=hostile_text(200),
    title=hostile_text(200),
    level=LEVELS,
)
def test_renderers_keep_limits_and_escape_hostile_policy_text(
    question: str, clause: str, context: str, title: str, level: str
) -> None:
    answer = hostile_answer(question, clause, context, title, level)
    _check_slack(answer)
    _check_teams(answer)


@EXAMPLES
@given(text=hostile_text())
def test_slack_message_text_becomes_a_plain_question(text: str) -> None:
    question = question_from_message(text)
    assert isinstance(question, str) and question == question.strip()


@EXAMPLES
@given(text=hostile_text(), clause=hostile_text(12_000))
def test_full_clause_modal_keeps_limits(text: str, clause: str) -> None:
    modal = blocks.full_clause_modal(clause or text, text or None)
    assert len(modal["blocks"]) <= blocks.MODAL_BLOCK_LIMIT
    for block in modal["blocks"]:
        assert len(block["text"]["text"]) <= blocks.SECTION_LIMIT
    assert not any(RAW_SLACK.search(t) for t in _texts(modal))


def _check_slack(answer: Answer) -> None:
    view = present(answer)
    for shareable in (True, False):
        message = blocks.answer_blocks(view, shareable=shareable)
        assert 1 <= len(message) <= blocks.MESSAGE_BLOCK_LIMIT
        for block in message:
            _check_block(block)
    fallback = blocks.fallback_text(view)
    assert len(fallback) <= blocks.SECTION_LIMIT and not RAW_SLACK.search(fallback)


def _check_block(block: dict[str, Any]) -> None:
    assert len(block.get("block_id", "")) <= BLOCK_ID_LIMIT
    if block["type"] == "section":
        assert len(block["text"]["text"]) <= blocks.SECTION_LIMIT
    if block["type"] == "context":
        assert 1 <= len(block["elements"]) <= 10
        assert all(len(e["text"]) <= blocks.SECTION_LIMIT for e in block["elements"])
    buttons = block.get("elements", []) if block["type"] == "actions" else []
    if "accessory" in block:
        buttons = [block["accessory"]]
    assert len(buttons) <= 25
    for button in buttons:
        assert len(button["value"]) <= blocks.VALUE_LIMIT
        assert len(button["action_id"]) <= ACTION_ID_LIMIT
        assert len(button["text"]["text"]) <= BUTTON_TEXT_LIMIT
        if button["action_id"] in (blocks.ACTION_RAISE, blocks.ACTION_SHARE):
            assert isinstance(json.loads(button["value"]).get("q"), str)
    for text in _texts(block):
        assert not RAW_SLACK.search(text), text[:200]


def _check_teams(answer: Answer) -> None:
    card = cards.answer_card(present(answer))
    wire = json.dumps(card, ensure_ascii=False)
    assert len(wire.encode("utf-8")) <= TEAMS_BYTES
    assert json.loads(wire) == card
    assert card["type"] == "AdaptiveCard"
    assert '"TextBlock"' not in wire  # user and policy text only ever in a plain TextRun
    activity = cards.answer_message(present(answer))
    json.dumps(activity.model_dump(mode="json", by_alias=True, exclude_none=True))


def _texts(node: Any, key: str = "") -> list[str]:
    if isinstance(node, dict):
        return [t for k, v in node.items() for t in _texts(v, k)]
    if isinstance(node, list):
        return [t for item in node for t in _texts(item, key)]
    return [node] if key == "text" and isinstance(node, str) else []
