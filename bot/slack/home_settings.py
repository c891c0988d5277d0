"""School settings from inside Slack: the admin's **Settings** button on App Home and its
modal (school name, the private channel for concerns, the DSL and deputies, the headteacher,
the chair of governors, the phone numbers shown on answers, retention).

Only a school's admins (bot.store.schools: the installer, first) see the button, and the
button and the submission both check again, so a forged request from anyone else changes
nothing. The DSL destination must be a private channel: ``conversations.info`` says so, and
a public one is refused with a sentence saying why. Settings are saved in the database and
override school.toml and the environment, for every worker within the registry's cache time.

    blocks.extend(await settings_blocks(deps, user_id, team_id))   # bot.slack.home
    register(app, deps)                                             # bot.slack.listeners
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot import messages
from bot.errors import StoreError
from bot.slack.blocks import Block, button, section
from bot.slack.deps import SlackDeps
from bot.store.schools import SchoolRecord

log = logging.getLogger(__name__)
Body = dict[str, Any]
ACTION_SETTINGS = "school_settings_open"
CALLBACK = "school_settings"
PHONES = (
    ("dsl_phone", messages.SETTINGS_DSL_PHONE),
    ("deputy_phone", messages.SETTINGS_DEPUTY_PHONE),
    ("headteacher_phone", messages.SETTINGS_HEADTEACHER_PHONE),
    ("chair_phone", messages.SETTINGS_CHAIR_PHONE),
)


async def settings_blocks(deps: SlackDeps, user_id: str, team_id: str | None) -> list[Block]:
    """The Settings button, for the school's admins only (nothing for anyone else)."""
    school = admin_school(deps, user_id, team_id)
    if school is None:
        return []
    return [
        {"type": "divider"},
        section(messages.SETTINGS_HEADER),
        section(messages.SETTINGS_INTRO.format(school=school.name)),
        {
            "type": "actions",
            "block_id": "home_settings",
            "elements": [button(messages.BUTTON_SETTINGS, ACTION_SETTINGS, school.slug)],
        },
    ]


def admin_school(deps: SlackDeps, user_id: str | None, team_id: str | None) -> SchoolRecord | None:
    """The workspace's school when ``user_id`` is one of its admins, else None."""
    school = deps.registered_school(team_id)
    if school is None or deps.registry is None:
        return None
    return school if deps.registry.is_admin(school.slug, user_id) else None


def register(app: AsyncApp, deps: SlackDeps) -> None:
    async def open_settings(
        ack: AsyncAck, body: Body, client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        await ack()
        school = admin_school(deps, body.get("user", {}).get("id"), context.team_id)
        view = settings_modal(school) if school else refusal_modal()
        await client.views_open(trigger_id=body["trigger_id"], view=view)

    async def submitted(
        ack: AsyncAck, body: Body, view: Body, client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        user = body.get("user", {}).get("id")
        school = admin_school(deps, user, context.team_id)
        if school is None or school.slug != view.get("private_metadata"):
            await ack(response_action="errors", errors={"name": messages.SETTINGS_NOT_ADMIN})
            return
        values = read_settings(view)
        errors = check_values(values) or await check_channel(client, values.get("dsl_channel"))
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        if not await _save(deps, school.slug, values):
            await ack(response_action="errors", errors={"name": messages.SETTINGS_UNAVAILABLE})
            return
        await ack()
        await _after_save(deps, client, school.slug, values, str(user), context.team_id)

    app.action(ACTION_SETTINGS)(open_settings)
    app.view(CALLBACK)(submitted)


async def _save(deps: SlackDeps, slug: str, values: dict[str, Any]) -> bool:
    assert deps.registry is not None
    try:
        await asyncio.to_thread(deps.registry.save_settings, slug, values)
    except StoreError:
        return False
    log.info("settings saved for school %s", slug)
    return True


async def _after_save(
    deps: SlackDeps,
    client: AsyncWebClient,
    slug: str,
    values: dict[str, Any],
    user: str,
    team_id: str | None,
) -> None:
    """The names shown on answers (users.info), then the admin's App Home again."""
    from bot.slack.home import home_view

    ids = [*values["dsl_ids"], *values["headteacher_ids"], *values["chair_ids"]]
    names = {i: name for i in dict.fromkeys(ids) if (name := await user_name(client, i))}
    if names:
        await _save(deps, slug, {"names": names})
    await client.views_publish(user_id=user, view=await home_view(deps, user, team_id))


async def user_name(client: AsyncWebClient, user_id: str) -> str | None:
    try:
        user = (await client.users_info(user=user_id))["user"]
    except SlackApiError:
        return None
    profile = user.get("profile") or {}
    return profile.get("real_name") or user.get("real_name") or user.get("name")


async def check_channel(client: AsyncWebClient, channel: str | None) -> dict[str, str]:
    """Errors for the DSL destination: it must be a private channel policybot can see."""
    if not channel:
        return {}
    try:
        info = (await client.conversations_info(channel=channel))["channel"]
    except SlackApiError:
        return {"dsl_channel": messages.SETTINGS_CHANNEL_UNREADABLE}
    if not (info.get("is_private") or info.get("is_group")) or info.get("is_im"):
        return {"dsl_channel": messages.SETTINGS_PUBLIC_CHANNEL}
    return {}


def check_values(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not values["dsl_ids"]:
        errors["dsl_ids"] = messages.SETTINGS_NO_DSL
    days = values.get("retention_days")
    if days is not None and not 1 <= days <= 3650:
        errors["retention_days"] = messages.SETTINGS_RETENTION_RANGE
    return errors


def read_settings(view: Body) -> dict[str, Any]:
    """The submitted modal as registry settings (bot.store.schools.SETTING_KEYS)."""
    state = view.get("state", {}).get("values", {})

    def field(key: str) -> dict[str, Any]:
        return state.get(key, {}).get(key, {}) or {}

    def one_user(key: str) -> list[str]:
        user = field(key).get("selected_user")
        return [user] if user else []

    values: dict[str, Any] = {
        "name": field("name").get("value"),
        "dsl_channel": field("dsl_channel").get("selected_conversation"),
        "dsl_ids": list(field("dsl_ids").get("selected_users") or []),
        "headteacher_ids": one_user("headteacher_ids"),
        "chair_ids": one_user("chair_ids"),
    }
    for key, _ in PHONES:
        values[key] = field(key).get("value")
    days = str(field("retention_days").get("value") or "").strip()
    values["retention_days"] = int(days) if days.isdigit() else None
    return values


def settings_modal(school: SchoolRecord) -> Block:
    s = school.settings

    def text(key: str, label: str, value: str | None, optional: bool = True) -> Block:
        element: Block = {"type": "plain_text_input", "action_id": key, "max_length": 200}
        if value:
            element["initial_value"] = value
        return _input(key, label, element, optional)

    channel: Block = {
        "type": "conversations_select",
        "action_id": "dsl_channel",
        "filter": {"include": ["private"], "exclude_bot_users": True},
    }
    if s.get("dsl_channel"):
        channel["initial_conversation"] = s["dsl_channel"]
    dsls: Block = {"type": "multi_users_select", "action_id": "dsl_ids"}
    if s.get("dsl_ids"):
        dsls["initial_users"] = list(s["dsl_ids"])
    days: Block = {
        "type": "number_input",
        "action_id": "retention_days",
        "is_decimal_allowed": False,
        "min_value": "1",
        "max_value": "3650",
    }
    if s.get("retention_days"):
        days["initial_value"] = str(s["retention_days"])
    blocks = [
        text("name", messages.SETTINGS_NAME, s.get("name") or school.name, optional=False),
        {
            **_input("dsl_channel", messages.SETTINGS_DSL_CHANNEL, channel, True),
            "hint": _plain(messages.SETTINGS_DSL_CHANNEL_HINT),
        },
        _input("dsl_ids", messages.SETTINGS_DSL_IDS, dsls, optional=False),
        _input("headteacher_ids", messages.SETTINGS_HEADTEACHER, _user(s, "headteacher_ids")),
        _input("chair_ids", messages.SETTINGS_CHAIR, _user(s, "chair_ids")),
        *(text(key, label, s.get(key)) for key, label in PHONES),
        {
            **_input("retention_days", messages.SETTINGS_RETENTION, days),
            "hint": _plain(messages.SETTINGS_RETENTION_HINT),
        },
    ]
    return {
        "type": "modal",
        "callback_id": CALLBACK,
        "private_metadata": school.slug,
        "title": _plain(messages.SETTINGS_TITLE),
        "submit": _plain(messages.SETTINGS_SAVE),
        "close": _plain(messages.SETTINGS_CANCEL),
        "blocks": blocks,
    }


def refusal_modal() -> Block:
    return {
        "type": "modal",
        "title": _plain(messages.SETTINGS_TITLE),
        "close": _plain(messages.SETTINGS_CANCEL),
        "blocks": [section(messages.SETTINGS_NOT_ADMIN)],
    }


def _user(settings: Any, key: str) -> Block:
    element: Block = {"type": "users_select", "action_id": key}
    if settings.get(key):
        element["initial_user"] = settings[key][0]
    return element


def _input(block_id: str, label: str, element: Block, optional: bool = True) -> Block:
    return {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label),
        "element": element,
        "optional": optional,
    }


def _plain(text: str) -> Block:
    return {"type": "plain_text", "text": text}
