"""Action.Execute on the DSL's card: Claim, Resolve, Record as logged.

Only the people the escalation service allows (``TEAMS_DSL_AAD_IDS``, and the headteacher /
chair for their own route) may act. Anyone else gets a refusal shown only to them (an invoke
"message" response) and nothing changes: the card stays as it is, for everyone. A change
answers with the updated card, and the outbox updates every copy and tells the reporter.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from microsoft_agents.activity import AdaptiveCardInvokeResponse
from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState
from microsoft_agents.hosting.core.app.adaptive_card import factory

from bot import messages
from bot.escalation.actions import Change, act
from bot.escalation.form import text_field
from bot.teams.deps import TeamsDeps
from bot.teams.directory import person_id
from bot.teams.escalation_cards import VERB_CLAIM, VERB_RECORD, VERB_RESOLVE, dsl_card

log = logging.getLogger(__name__)
Handler = Callable[[TurnContext, TurnState, Any], Awaitable[AdaptiveCardInvokeResponse]]
CHANGES: tuple[tuple[str, Change], ...] = (
    (VERB_CLAIM, "claim"),
    (VERB_RESOLVE, "resolve"),
    (VERB_RECORD, "record_logged"),
)


def register(app: AgentApplication[TurnState], deps: TeamsDeps) -> None:
    for verb, change in CHANGES:
        app.adaptive_card.action_execute(verb)(_handler(deps, change))


def _handler(deps: TeamsDeps, change: Change) -> Handler:
    async def on_execute(
        context: TurnContext, state: TurnState, data: Any
    ) -> AdaptiveCardInvokeResponse:
        deps.directory.remember(context.activity)
        data = data if isinstance(data, dict) else {}
        ref, user = text_field(data, "ref") or "", person_id(context.activity)
        extra = (text_field(data, "record") or "",) if change == "record_logged" else ()
        outcome = await act(deps.escalations, change, ref, user, *extra, name=deps.directory.name)
        if outcome.changed:
            deps.kick()
        if outcome.refusal is not None or outcome.escalation is None:
            return factory.message(outcome.refusal or messages.SOMETHING_WENT_WRONG)
        card = dsl_card(outcome.escalation, deps.directory.name)
        return factory.adaptive_card(card)  # type: ignore[arg-type]

    return on_execute
