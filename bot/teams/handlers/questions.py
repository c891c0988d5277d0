"""Typed messages: a question in a 1:1 chat or an @mention in a channel or group chat.

"summary" in the school admin's 1:1 chat shows this month's summary of questions (a card).

A question the concern classifier flags, asked anywhere but a 1:1 chat, is answered in the
asker's 1:1 chat, with only "I've sent you a private reply" where it was asked. "setup dsl"
(from a DSL listed in TEAMS_DSL_AAD_IDS) makes this conversation the DSL destination.
"""

from __future__ import annotations

import logging

from microsoft_agents.activity import Activity, ActivityTypes
from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState

from bot import messages
from bot.answering.presenter import present
from bot.errors import StoreError
from bot.teams.cards import answer_message, card_message, raise_card, text_message
from bot.teams.deps import TeamsDeps
from bot.teams.directory import is_personal, person_id
from bot.teams.handlers import uploads
from bot.teams.summary_card import summary_card
from bot.teams.text import question_from_teams

log = logging.getLogger(__name__)
SETUP_COMMANDS = ("setup dsl",)
HELP_COMMANDS = ("help",)
SUMMARY_COMMANDS = ("summary",)
RAISE_COMMANDS = ("raise", messages.RAISE_TITLE_LONG.lower(), messages.BUTTON_RAISE_CONCERN.lower())


def register(app: AgentApplication[TurnState], deps: TeamsDeps) -> None:
    async def on_message(context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        if not deps.first_time(activity):
            log.info("Teams activity %s already handled; redelivery ignored", activity.id)
            return
        deps.directory.remember(activity)
        files = uploads.sent_files(activity)
        if files:  # policies sent by an admin in the 1:1 chat
            await uploads.on_files(context, deps, files)
            return
        question = question_from_teams(activity.text)
        command = question.lower().strip(" .!")
        if command in SETUP_COMMANDS:
            await setup_dsl(context, deps)
        elif command in SUMMARY_COMMANDS and is_personal(activity):
            await show_summary(context, deps)
        elif command in RAISE_COMMANDS:
            await context.send_activity(card_message(raise_card(deps.school_for(activity))))
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
    view = present(await deps.ask(question, deps.school_for(context.activity), "teams"))
    if view.sensitive and not is_personal(context.activity):
        await deps.send_private(context, answer_message(view))
        await deps.send_private(context, text_message(messages.TEAMS_DELETE_PUBLIC))
        await context.send_activity(text_message(messages.TEAMS_PRIVATE_REPLY_SENT))
    else:
        await context.send_activity(answer_message(view))


async def show_summary(context: TurnContext, deps: TeamsDeps) -> None:
    """This month's summary card for the school's admin; anyone else is told it is theirs."""
    activity = context.activity
    try:
        summary = await deps.month_summary(deps.school_for(activity), person_id(activity))
    except StoreError:
        await context.send_activity(text_message(messages.SUMMARY_UNAVAILABLE))
        return
    if summary is None:
        await context.send_activity(text_message(messages.SUMMARY_ONLY_ADMIN))
        return
    await context.send_activity(card_message(summary_card(summary), messages.SUMMARY_TITLE))


async def setup_dsl(context: TurnContext, deps: TeamsDeps) -> None:
    """Concerns go where a listed DSL sends "setup dsl", but only to a private channel or a
    group chat whose members (asked of Teams' roster) are all listed DSLs; the other DSLs
    are told where concerns now go."""
    activity = context.activity
    refusal = messages.TEAMS_SETUP_REFUSED if not deps.is_dsl(activity) else None
    refusal = refusal or await _not_only_dsls(activity, deps)
    if refusal:
        log.warning("setup dsl refused for user %s", person_id(activity))
        await context.send_activity(text_message(refusal))
        return
    deps.directory.set_dsl_destination(activity)
    log.info("Teams DSL destination set by %s", person_id(activity))
    await context.send_activity(text_message(messages.TEAMS_SETUP_DONE))
    await _tell_other_dsls(activity, deps)


async def _not_only_dsls(activity: Activity, deps: TeamsDeps) -> str | None:
    """Why this conversation may not receive concerns, or None if only DSLs are in it."""
    if is_personal(activity):
        return messages.TEAMS_SETUP_PERSONAL
    conversation = activity.conversation.id.split(";")[0]
    try:
        members = await deps.connector.members(activity.service_url, conversation)
    except Exception as error:  # the roster is the proof: without it, refuse
        log.warning("Teams roster of %s unavailable: %s", conversation, type(error).__name__)
        return messages.TEAMS_SETUP_ROSTER_FAILED
    others = [m for m in members if m and m not in deps.settings.teams_dsl_aad_ids]
    if others or not any(members):
        return messages.TEAMS_SETUP_NOT_ONLY_DSLS.format(count=len(others))
    return None


async def _tell_other_dsls(activity: Activity, deps: TeamsDeps) -> None:
    who = activity.from_property.name if activity.from_property else None
    where = activity.conversation.name if activity.conversation else None
    who, where = who or messages.TEAMS_SETUP_A_DSL, where or messages.TEAMS_SETUP_THIS_CHAT
    told = text_message(messages.TEAMS_SETUP_TOLD.format(who=who, where=where))
    for aad_id in deps.settings.teams_dsl_aad_ids:
        if aad_id == person_id(activity):
            continue
        try:
            await deps.connector.post_to_person(deps.directory, aad_id, told)
        except Exception as error:  # one unreachable DSL must not undo the setup
            log.warning("DSL %s not told of the new destination: %s", aad_id, type(error).__name__)
