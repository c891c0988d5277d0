"""Teams handlers, one module per surface, each with ``register(app, deps)``:

questions  a typed message (1:1 or @mention): answer, "setup dsl", help
actions    Action.Submit from cards: "Raise with DSL" form, its submission, feedback
lifecycle  Action.Execute on the DSL's card: Claim, Unassign, Resolve, Reopen, Record as logged
install    the bot added to a chat, channel or team
school_settings  "settings" in the admin's 1:1 chat: the settings card and its Save
"""

from __future__ import annotations

import logging

from microsoft_agents.activity import Activity, ActivityTypes, InvokeResponse
from microsoft_agents.hosting.core import AgentApplication, RouteRank, TurnContext, TurnState

from bot import messages
from bot.teams.deps import TeamsDeps
from bot.teams.handlers import actions, install, lifecycle, questions, school_settings

log = logging.getLogger(__name__)


def register_handlers(app: AgentApplication[TurnState], deps: TeamsDeps) -> None:
    for module in (questions, actions, lifecycle, install, school_settings):
        module.register(app, deps)
    app.add_route(lambda context: True, _ignore, rank=RouteRank.LAST)
    app.error(on_error)


async def _ignore(context: TurnContext, state: TurnState) -> None:
    """Every other activity: acknowledged and dropped (so nothing logs its text)."""
    log.debug("Teams activity of type %s ignored", context.activity.type)


async def on_error(context: TurnContext, error: Exception) -> None:
    """Log the failure by type and ids only, and answer with a sentence, never the error."""
    activity = context.activity
    log.error(
        "Teams handler failed: %s (type=%s id=%s)", type(error).__name__, activity.type, activity.id
    )
    try:
        if activity.type == ActivityTypes.invoke:
            body = {
                "statusCode": 200,
                "type": "application/vnd.microsoft.activity.message",
                "value": messages.SOMETHING_WENT_WRONG,
            }
            reply = Activity(
                type=ActivityTypes.invoke_response, value=InvokeResponse(status=200, body=body)
            )
            await context.send_activity(reply)
        elif activity.type == ActivityTypes.message:
            await context.send_activity(messages.SOMETHING_WENT_WRONG)
    except Exception as again:  # the connector itself may be what failed
        log.error("Teams error reply failed: %s", type(again).__name__)
