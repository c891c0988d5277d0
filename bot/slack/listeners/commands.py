"""``/policy <question>``: ack at once, then answer privately through ``response_url``."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot import messages
from bot.answering.presenter import present
from bot.slack import blocks
from bot.slack.deps import SlackDeps
from bot.slack.text import question_from_message

COMMAND = "/policy"
log = logging.getLogger(__name__)


def register(app: AsyncApp, deps: SlackDeps) -> None:
    async def policy_command(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        question = question_from_message(command.get("text"))
        if not question:
            await respond(blocks=blocks.help_blocks(), text=messages.SLACK_HELP)
            return
        school = deps.school_for(command.get("channel_id"), command.get("team_id"))
        try:
            view = present(await deps.ask(question, school, "slack"))
        except Exception:
            log.exception("answering /policy failed (channel %s)", command.get("channel_id"))
            await respond(text=messages.SOMETHING_WENT_WRONG)
            return
        await respond(
            blocks=blocks.answer_blocks(view),
            text=blocks.fallback_text(view),
            response_type="ephemeral",
        )

    app.command(COMMAND)(policy_command)
