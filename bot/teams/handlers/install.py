"""The bot added to a 1:1 chat, group chat, channel or team: remember the conversation (and
the person, in a 1:1 chat, so they can be messaged privately later) and say how to ask."""

from __future__ import annotations

from microsoft_agents.activity import ActivityTypes
from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState

from bot import messages
from bot.teams.cards import text_message
from bot.teams.deps import TeamsDeps
from bot.teams.directory import is_personal


def register(app: AgentApplication[TurnState], deps: TeamsDeps) -> None:
    async def on_members_added(context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        if not any(member.id == bot_id for member in activity.members_added or []):
            return
        deps.directory.installed(activity)
        if is_personal(activity):
            deps.directory.remember(activity)
            await context.send_activity(text_message(messages.TEAMS_HELP))

    async def on_installation(context: TurnContext, state: TurnState) -> None:
        if str(context.activity.action or "").startswith("add"):
            deps.directory.installed(context.activity)
            deps.directory.remember(context.activity)

    app.conversation_update("membersAdded")(on_members_added)
    app.activity(ActivityTypes.installation_update)(on_installation)
