"""Buttons on an answer: share it, say whether it helped, show a long clause in full.

("Raise with DSL" and the DSL's Claim / Resolve buttons are in ``escalation_actions``.)
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot import messages
from bot.answering.presenter import present
from bot.chat.skin import ButtonValue
from bot.slack import blocks
from bot.slack.deps import SlackDeps

log = logging.getLogger(__name__)
Body = dict[str, Any]
_USER_ID = re.compile(r"^[UW][A-Z0-9]+$")


def register(app: AsyncApp, deps: SlackDeps) -> None:
    async def share(ack: AsyncAck, body: Body, action: Body, respond: AsyncRespond) -> None:
        await ack()
        answer = await deps.answer_again(ButtonValue.read(blocks.read_value(action.get("value"))))
        if answer is None or not body.get("response_url"):
            return
        view = present(answer)
        if not view.share_allowed:
            return
        shared = blocks.answer_blocks(view, shareable=False, limit=blocks.ANSWER_BLOCK_LIMIT - 1)
        user = body.get("user", {}).get("id", "")
        if _USER_ID.match(user):
            shared.insert(0, blocks.context(messages.SHARED_BY.format(user=f"<@{user}>")))
        await respond(
            blocks=shared,
            text=blocks.fallback_text(view),
            response_type="in_channel",
            replace_original=False,
        )
        await respond(delete_original=True)

    async def helpful(ack: AsyncAck, body: Body, action: Body, respond: AsyncRespond) -> None:
        await _feedback(deps, ack, body, action, respond, helpful=True)

    async def not_helpful(ack: AsyncAck, body: Body, action: Body, respond: AsyncRespond) -> None:
        await _feedback(deps, ack, body, action, respond, helpful=False)

    async def full_clause(ack: AsyncAck, body: Body, action: Body, client: AsyncWebClient) -> None:
        await ack()
        value = ButtonValue.read(blocks.read_value(action.get("value")))
        answer = await deps.answer_again(value)
        hits = answer.hits if answer else ()
        hit = next((h for h in hits if h.passage.id == value.passage_id), None)
        if hit is None:
            modal = blocks.full_clause_modal(messages.CLAUSE_NOT_AVAILABLE)
        else:
            modal = blocks.full_clause_modal(hit.passage.text, hit.passage.context)
        await client.views_open(trigger_id=body["trigger_id"], view=modal)

    app.action(blocks.ACTION_SHARE)(share)
    app.action(blocks.ACTION_HELPFUL)(helpful)
    app.action(blocks.ACTION_NOT_HELPFUL)(not_helpful)
    app.action(blocks.ACTION_FULL_CLAUSE)(full_clause)


async def _feedback(
    deps: SlackDeps, ack: AsyncAck, body: Body, action: Body, respond: AsyncRespond, helpful: bool
) -> None:
    await ack()
    passage_id = str(action.get("value") or "")[:255]
    if not passage_id:
        return
    school = deps.school_for(body.get("channel", {}).get("id"), body.get("team", {}).get("id"))
    deps.feedback.record_feedback(passage_id, helpful, "slack", school)
    log.info("feedback recorded for passage %s (helpful=%s)", passage_id, helpful)
    if body.get("response_url"):
        await respond(
            text=messages.FEEDBACK_THANKS, response_type="ephemeral", replace_original=False
        )
