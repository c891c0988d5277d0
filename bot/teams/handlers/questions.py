"""Typed messages: a question in a 1:1 chat or an @mention in a channel or group chat.

A question the concern classifier flags, asked anywhere but a 1:1 chat, is answered in the
asker's 1:1 chat, with only "I've sent you a private reply" where it was asked. "setup dsl"
(from a DSL listed in TEAMS_DSL_AAD_IDS) makes this conversation the DSL destination.
"""

from __future__ import annotations

import logging

from microsoft_agents.activity import ActivityTypes
from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState

from bot import messages
from bot.answering.presenter import present
from bot.teams.cards import answer_message, text_message
from bot.teams.deps import TeamsDeps
from bot.teams.directory import is_personal, person_id
from bot.teams.text import question_from_teams

log = logging.getLogger(__name__)
SETUP_COMMANDS = ("setup dsl",)
HELP_COMMANDS = ("help",)


def register(app: AgentApplication[TurnState], deps: TeamsDeps) -> None:
    async def on_message(context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        if not deps.first_time(activity):
            log.info("Teams activity %s already handled; redelivery ignored", activity.id)
            return
        deps.directory.remember(activity)
        question = question_from_teams(activity.text)
        command = question.lower().strip(" .!")
        if command in SETUP_COMMANDS:
            await setup_dsl(context, deps)
        elif not question or command in HELP_COMMANDS:
            await context.send_activity(text_message(messages.TEAMS_HELP))
        else:
            await answer(context, deps, question)

    app.add_route(_typed_message, on_message)


def _typed_message(context: TurnContext) -> bool:
    """A message someone typed (a card's Action.Submit comes as a message with a value)."""
    activity = context.activity
    return activity.type == ActivityTypes.message and activity.value is None


async def answer(context: TurnContext, deps: TeamsDeps, question: str) -> None:
    view = present(await deps.answer(question, deps.school_for(context.activity)))
    if view.sensitive and not is_personal(context.activity):
        await deps.send_private(context, answer_message(view))
        await deps.send_private(context, text_message(messages.TEAMS_DELETE_PUBLIC))
        await context.send_activity(text_message(messages.TEAMS_PRIVATE_REPLY_SENT))
    else:
        await context.send_activity(answer_message(view))


async def setup_dsl(context: TurnContext, deps: TeamsDeps) -> None:
    if not deps.is_dsl(context.activity):
        log.warning("setup dsl refused for user %s", person_id(context.activity))
        await context.send_activity(text_message(messages.TEAMS_SETUP_REFUSED))
        return
    deps.directory.set_dsl_destination(context.activity)
    log.info("Teams DSL destination set by %s", person_id(context.activity))
    await context.send_activity(text_message(messages.TEAMS_SETUP_DONE))
