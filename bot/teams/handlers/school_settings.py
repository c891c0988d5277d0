"""The school's settings in the admin's 1:1 chat: "settings" shows the card
(bot.teams.settings_card) and its Save (Action.Execute) stores them with
``SchoolRegistry.save_settings``, where answers, routing and escalations read them.

Only the school's admins (the registry's; with several bots, those named by
``POLICYBOT_TEAMS_ADMINS_<SLUG>``) see the card or save it; anyone else is told, politely,
and nothing changes. Saving checks again, so a forged invoke from anyone else, or for another
school, changes nothing. Without a school registry (one bot, settings from school.toml and
the environment) "settings" says where settings are kept.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from microsoft_agents.activity import ActivityTypes, AdaptiveCardInvokeResponse
from microsoft_agents.hosting.core import AgentApplication, RouteRank, TurnContext, TurnState
from microsoft_agents.hosting.core.app.adaptive_card import factory

from bot import messages
from bot.errors import StoreError
from bot.store.schools import SchoolRecord
from bot.teams.cards import card_message, text_message
from bot.teams.deps import TeamsDeps
from bot.teams.directory import is_personal, person_id
from bot.teams.settings_card import VERB_SAVE, read_card, settings_card
from bot.teams.text import question_from_teams

log = logging.getLogger(__name__)
COMMANDS = ("settings",)


def register(app: AgentApplication[TurnState], deps: TeamsDeps) -> None:
    def selected(context: TurnContext) -> bool:
        activity = context.activity
        if activity.type != ActivityTypes.message or activity.value is not None:
            return False
        command = question_from_teams(activity.text).lower().strip(" .!")
        return command in COMMANDS and is_personal(activity)

    async def on_settings(context: TurnContext, state: TurnState) -> None:
        activity = context.activity
        if not deps.first_time(activity):
            return
        deps.directory.remember(activity)
        school, refusal = await _admin_school(deps, activity)
        if school is None:
            await context.send_activity(text_message(refusal or messages.SOMETHING_WENT_WRONG))
            return
        shown = _card(deps, school)
        await context.send_activity(card_message(shown, messages.SETTINGS_TITLE))

    async def on_save(context: TurnContext, state: TurnState, data: Any) -> Any:
        deps.directory.remember(context.activity)
        data = data if isinstance(data, dict) else {}
        school, refusal = await _admin_school(deps, context.activity)
        if school is None or data.get("school") != school.slug:
            log.warning("settings save refused for user %s", person_id(context.activity))
            return factory.message(refusal or messages.TEAMS_SETTINGS_NOT_ADMIN)
        values, problem = read_card(data)
        if problem:
            return _respond(_card(deps, school, problem, values, problem=True))
        values["names"] = {
            **(school.setting("names") or {}),
            **{i: deps.directory.name(i) for key in _PEOPLE for i in values[key]},
        }
        try:
            saved = await asyncio.to_thread(deps.registry.save_settings, school.slug, values)
        except StoreError:
            return _respond(_card(deps, school, messages.SETTINGS_UNAVAILABLE, values, True))
        log.info("settings saved for school %s", school.slug)
        done = messages.TEAMS_SETTINGS_SAVED.format(school=saved.name)
        return _respond(_card(deps, saved, done))

    app.add_route(selected, on_settings, rank=RouteRank.FIRST)
    app.adaptive_card.action_execute(VERB_SAVE)(on_save)


_PEOPLE = ("dsl_ids", "headteacher_ids", "chair_ids")


async def _admin_school(deps: TeamsDeps, activity: Any) -> tuple[SchoolRecord | None, str | None]:
    """The conversation's school when the sender is one of its admins; else why not."""
    slug = deps.school_for(activity)
    if deps.registry is None or not slug:
        return None, messages.TEAMS_SETTINGS_NOT_HERE
    try:
        school = await asyncio.to_thread(deps.registry.get, slug)
    except StoreError:
        return None, messages.SETTINGS_UNAVAILABLE
    if school is None:
        return None, messages.TEAMS_SETTINGS_NOT_HERE
    if not is_personal(activity) or not deps.registry.is_admin(slug, person_id(activity)):
        return None, messages.TEAMS_SETTINGS_NOT_ADMIN
    return school, None


def _card(
    deps: TeamsDeps,
    school: SchoolRecord,
    notice: str | None = None,
    values: dict[str, Any] | None = None,
    problem: bool = False,
) -> dict[str, Any]:
    destination = deps.directory.dsl_destination()
    where = None
    if destination:
        where = str(destination.get("name") or destination.get("conversation") or "")
    return settings_card(school, where or None, deps.directory.name, notice, values, problem)


def _respond(shown: dict[str, Any]) -> AdaptiveCardInvokeResponse:
    return factory.adaptive_card(shown)  # type: ignore[arg-type]
