"""Action.Execute on the DSL's card: Claim, Resolve, Record as logged.

Only the people the escalation service allows (``TEAMS_DSL_AAD_IDS``, and the headteacher /
chair for their own route) may act. Anyone else gets a refusal shown only to them (an invoke
"message" response) and nothing changes: the card stays as it is, for everyone. A change
answers with the updated card, and the outbox updates every copy and tells the reporter.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from microsoft_agents.activity import AdaptiveCardInvokeResponse
from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState
from microsoft_agents.hosting.core.app.adaptive_card import factory

from bot import messages
from bot.errors import NotFound, PermissionDenied, StoreError
from bot.escalation_form import text_field
from bot.teams.deps import TeamsDeps
from bot.teams.directory import person_id
from bot.teams.escalation_cards import VERB_CLAIM, VERB_RECORD, VERB_RESOLVE, dsl_card

log = logging.getLogger(__name__)
Handler = Callable[[TurnContext, TurnState, Any], Awaitable[AdaptiveCardInvokeResponse]]
CHANGES = ((VERB_CLAIM, "claim"), (VERB_RESOLVE, "resolve"), (VERB_RECORD, "record_logged"))


def register(app: AgentApplication[TurnState], deps: TeamsDeps) -> None:
    for verb, change in CHANGES:
        app.adaptive_card.action_execute(verb)(_handler(deps, change))


def _handler(deps: TeamsDeps, change: str) -> Handler:
    async def act(context: TurnContext, state: TurnState, data: Any) -> AdaptiveCardInvokeResponse:
        deps.directory.remember(context.activity)
        data = data if isinstance(data, dict) else {}
        ref, user = text_field(data, "ref") or "", person_id(context.activity)
        extra = (text_field(data, "record") or "",) if change == "record_logged" else ()
        if deps.escalations is None:
            return factory.message(messages.STORE_UNAVAILABLE)
        try:
            esc = await asyncio.to_thread(getattr(deps.escalations, change), ref, user, *extra)
        except PermissionDenied:
            return factory.message(messages.ESCALATION_NOT_ALLOWED)
        except NotFound:
            return factory.message(messages.ESCALATION_NOT_FOUND.format(ref=ref))
        except StoreError:
            return factory.message(messages.SOMETHING_WENT_WRONG)
        deps.kick()
        if change == "claim" and esc.claimed_by and esc.claimed_by != user:
            actor = deps.directory.name(esc.claimed_by)
            return factory.message(
                messages.ESCALATION_ALREADY_CLAIMED.format(ref=esc.ref, actor=actor)
            )
        return factory.adaptive_card(dsl_card(esc, deps.directory.name))  # type: ignore[arg-type]

    return act
