"""Action.Submit from cards: "Raise with DSL" (the form, sent privately), the form's
submission (store first, then tell the reporter), and "Helpful" / "Not helpful".

The form always opens in the person's 1:1 chat with the bot, so nobody else sees what they
type or that they raised anything. On submit the escalation is written by
the same :class:`~bot.escalation.service.EscalationService` as Slack's, in one transaction,
before the reporter is told it was received; if the store fails they are told to go to the
DSL in person.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes, InvokeResponse
from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState
from microsoft_agents.hosting.core.app.adaptive_card import factory

from bot import messages
from bot.chat.skin import ButtonValue
from bot.escalation.actions import submit as store
from bot.escalation.form import about_of, form_title, report_from_form, text_field
from bot.teams.cards import CONTENT_TYPE, VERB_FEEDBACK, VERB_RAISE, card_message, text_message
from bot.teams.deps import TeamsDeps
from bot.teams.directory import is_personal, person_id, tenant_of
from bot.teams.escalation_cards import VERB_SUBMIT, raise_form, sent_card

log = logging.getLogger(__name__)


def register(app: AgentApplication[TurnState], deps: TeamsDeps) -> None:
    async def open_form(context: TurnContext, state: TurnState, data: Any) -> None:
        data = data if isinstance(data, dict) else {}
        deps.directory.remember(context.activity)
        value = ButtonValue.read(data, fallback_school=deps.school_for(context.activity))
        meta, clause = await deps.raise_form(value)
        form = card_message(raise_form(meta, clause), messages.RAISE_TITLE)
        await deps.send_private(context, form)

    async def submit_form(context: TurnContext, state: TurnState, data: Any) -> None:
        data = data if isinstance(data, dict) else {}
        deps.directory.remember(context.activity)
        await submit(context, deps, data)

    async def feedback(context: TurnContext, state: TurnState, data: Any) -> None:
        if await _record_feedback(deps, data):
            if is_personal(context.activity):
                await context.send_activity(text_message(messages.FEEDBACK_THANKS))

    async def open_dialog(context: TurnContext, state: TurnState) -> None:
        """task/fetch: the form as a dialog, seen only by the person who clicked (works in
        channels and group chats as in a 1:1 chat)."""
        deps.directory.remember(context.activity)
        data = _dialog_data(context.activity)
        value = ButtonValue.read(data, fallback_school=deps.school_for(context.activity))
        meta, clause = await deps.raise_form(value)
        form = raise_form(meta, clause)
        title = form_title(about_of(meta))
        task = {
            "type": "continue",
            "value": {"title": title, "card": {"contentType": CONTENT_TYPE, "content": form}},
        }
        await _invoke_reply(context, {"task": task})

    async def submit_dialog(context: TurnContext, state: TurnState) -> None:
        """task/submit: store the concern, and only then say (in the dialog) it is stored."""
        deps.directory.remember(context.activity)
        data = _dialog_data(context.activity)
        activity = context.activity
        report = report_from_form("teams", person_id(activity), tenant_of(activity), data, data)
        outcome = await store(
            deps.escalations, replace(report, submission_key=submission_key(activity))
        )
        esc = outcome.escalation
        if esc is None:
            text = outcome.refusal or messages.STORE_UNAVAILABLE
        else:
            deps.kick()
            text = messages.TEAMS_RAISE_SENT.format(
                ref=esc.ref, route_name=messages.ROUTE_NAMES[esc.route]
            )
        await _invoke_reply(context, {"task": {"type": "message", "value": text}})

    async def feedback_execute(context: TurnContext, state: TurnState, data: Any) -> Any:
        """Helpful / Not helpful as Action.Execute: recorded, and thanked privately (an
        invoke "message" reply only the clicker sees), in a channel as in a 1:1 chat."""
        await _record_feedback(deps, data)
        return factory.message(messages.FEEDBACK_THANKS)

    app.adaptive_card.action_submit(VERB_RAISE)(open_form)
    app.adaptive_card.action_submit(VERB_SUBMIT)(submit_form)
    app.adaptive_card.action_submit(VERB_FEEDBACK)(feedback)
    app.adaptive_card.action_execute(VERB_FEEDBACK)(feedback_execute)
    app.invoke("task/fetch")(open_dialog)
    app.invoke("task/submit")(submit_dialog)


async def _record_feedback(deps: TeamsDeps, data: Any) -> bool:
    """Count Helpful / Not helpful against the clause (never the question); False when the
    click named no clause or there is no store."""
    data = data if isinstance(data, dict) else {}
    passage_id = text_field(data, "p")
    if not passage_id or deps.records is None:
        return False
    helpful, school = data.get("h") is True, text_field(data, "s")
    await asyncio.to_thread(deps.records.record_feedback, passage_id, helpful, "teams", school)
    return True


def _dialog_data(activity: Activity) -> dict[str, Any]:
    value = activity.value if isinstance(activity.value, dict) else {}
    data = value.get("data")
    return data if isinstance(data, dict) else {}


async def _invoke_reply(context: TurnContext, body: dict[str, Any]) -> None:
    reply = Activity(
        type=ActivityTypes.invoke_response, value=InvokeResponse(status=200, body=body)
    )
    await context.send_activity(reply)


async def submit(context: TurnContext, deps: TeamsDeps, data: dict[str, Any]) -> None:
    """Store the concern, and only then tell the reporter (privately) that it is on its way."""
    activity = context.activity
    form_id = activity.reply_to_id
    earlier = deps.directory.form_ref(form_id) if form_id else None
    if earlier:
        await context.send_activity(
            text_message(messages.TEAMS_RAISE_ALREADY_SENT.format(ref=earlier))
        )
        return
    report = report_from_form("teams", person_id(activity), tenant_of(activity), data, data)
    report = replace(report, submission_key=submission_key(activity))
    outcome = await store(deps.escalations, report)
    esc = outcome.escalation
    if esc is None:
        await context.send_activity(text_message(outcome.refusal or messages.STORE_UNAVAILABLE))
        return
    if form_id:
        deps.directory.record_form(form_id, esc.ref)
    await _replace_form(context, form_id, card_message(sent_card(esc.ref, esc.route), esc.ref))
    deps.kick()


async def _replace_form(context: TurnContext, form_id: str | None, sent: Activity) -> None:
    """Put the "sent" card where the form was (so it is not sent twice); else post it."""
    if form_id:
        try:
            sent.id = form_id
            await context.update_activity(sent)
            return
        except Exception as error:  # the form may be gone; the reporter must still be told
            log.warning("Teams form %s could not be replaced: %s", form_id, type(error).__name__)
            sent.id = None
    await context.send_activity(sent)


def submission_key(activity: Activity) -> str | None:
    """Teams' own ids for this submission: the form's message (``replyToId``) in its
    conversation; without one, the submitting activity's id (a redelivery has the same)."""
    conversation = activity.conversation.id if activity.conversation else ""
    if activity.reply_to_id:
        return f"teams:{conversation}:{activity.reply_to_id}"
    return f"teams:{conversation}:activity:{activity.id}" if activity.id else None
