"""Action.Execute on the DSL's card: Claim, Unassign, Resolve, Reopen, Record as logged.

Only the people the escalation service allows (``TEAMS_DSL_AAD_IDS``, and the headteacher /
chair for their own route) may act. Anyone else gets a refusal shown only to them (an invoke
"message" response) and nothing changes: the card stays as it is, for everyone. A change
answers with the updated card, and the outbox updates every copy and tells the reporter.

Resolve and Unassign ask first (Adaptive Cards 1.5 has no confirm dialog): the first click
answers, for the clicker only, with :func:`~bot.teams.escalation_cards.confirm_card`; only
its confirming action (``"confirmed": true`` in the data) changes anything, and "Not yet"
(``escalation_show``) answers with the card as it is.
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
from bot.chat.catalogue import IndexCatalogue
from bot.errors import NotFound, StoreError
from bot.escalation.actions import Change, act
from bot.escalation.form import text_field
from bot.escalation.view import Catalogue
from bot.store.records import Escalation
from bot.teams.deps import TeamsDeps
from bot.teams.directory import person_id
from bot.teams.escalation_cards import (
    VERB_CLAIM,
    VERB_RECORD,
    VERB_REOPEN,
    VERB_RESOLVE,
    VERB_SHOW,
    VERB_UNASSIGN,
    confirm_card,
    dsl_card,
)

log = logging.getLogger(__name__)
Response = AdaptiveCardInvokeResponse
Handler = Callable[[TurnContext, TurnState, Any], Awaitable[Response]]
CHANGES: tuple[tuple[str, Change], ...] = (
    (VERB_CLAIM, "claim"),
    (VERB_UNASSIGN, "unassign"),
    (VERB_RESOLVE, "resolve"),
    (VERB_REOPEN, "reopen"),
    (VERB_RECORD, "record_logged"),
)
ASKS_FIRST = ("resolve", "unassign")  # destructive or final: a confirmation first


def register(app: AgentApplication[TurnState], deps: TeamsDeps) -> None:
    catalogue = IndexCatalogue(deps.answerer)
    for verb, change in CHANGES:
        app.adaptive_card.action_execute(verb)(_handler(deps, change, catalogue))
    app.adaptive_card.action_execute(VERB_SHOW)(_show(deps, catalogue))


def _handler(deps: TeamsDeps, change: Change, catalogue: Catalogue) -> Handler:
    async def on_execute(context: TurnContext, state: TurnState, data: Any) -> Response:
        deps.directory.remember(context.activity)
        data = data if isinstance(data, dict) else {}
        ref, user = text_field(data, "ref") or "", person_id(context.activity)
        if change in ASKS_FIRST and data.get("confirmed") is not True:
            return await _ask(deps, change, ref, user, catalogue)
        extra: tuple[str, ...] = ()
        if change == "record_logged":
            extra = (text_field(data, "record") or "",)
        elif change == "unassign" and text_field(data, "claimant"):
            extra = (text_field(data, "claimant") or "",)
        outcome = await act(deps.escalations, change, ref, user, *extra, name=deps.directory.name)
        if outcome.changed:
            deps.kick()
        if outcome.refusal is not None or outcome.escalation is None:
            return factory.message(outcome.refusal or messages.SOMETHING_WENT_WRONG)
        return _card(deps, outcome.escalation, catalogue)

    return on_execute


def _show(deps: TeamsDeps, catalogue: Catalogue) -> Handler:
    async def on_show(context: TurnContext, state: TurnState, data: Any) -> Response:
        """ "Not yet" on a confirmation: the card as it is now (for someone who may act)."""
        data = data if isinstance(data, dict) else {}
        ref, user = text_field(data, "ref") or "", person_id(context.activity)
        esc = await _readable(deps, ref, user)
        if isinstance(esc, str):
            return factory.message(esc)
        return _card(deps, esc, catalogue)

    return on_show


async def _ask(
    deps: TeamsDeps, change: Change, ref: str, user: str, catalogue: Catalogue
) -> Response:
    """The confirmation card, if ``change`` still applies; else the card as it is (a second
    click after someone else resolved or unassigned it changes nothing)."""
    esc = await _readable(deps, ref, user)
    if isinstance(esc, str):
        return factory.message(esc)
    applies = esc.status == "claimed" if change == "unassign" else esc.status != "resolved"
    if not applies:
        return _card(deps, esc, catalogue)
    return factory.adaptive_card(confirm_card(esc, change))  # type: ignore[arg-type]


async def _readable(deps: TeamsDeps, ref: str, user: str) -> Escalation | str:
    """The escalation, if ``user`` may act on it; else the sentence that says why not."""
    if deps.escalations is None:
        return messages.STORE_UNAVAILABLE
    try:
        esc: Escalation = await asyncio.to_thread(deps.escalations.get, ref)
    except NotFound:
        return messages.ESCALATION_NOT_FOUND.format(ref=ref)
    except StoreError:
        return messages.SOMETHING_WENT_WRONG
    if not await asyncio.to_thread(deps.escalations.can_act, user, esc):
        log.warning("refused to show %s to user %s", esc.ref, user)
        return messages.ESCALATION_NOT_ALLOWED
    return esc


def _card(deps: TeamsDeps, esc: Escalation, catalogue: Catalogue) -> Response:
    card = dsl_card(esc, deps.directory.name, catalogue=catalogue)
    return factory.adaptive_card(card)  # type: ignore[arg-type]
