"""``policybot doctor`` in OAuth mode: every registered school, with its own bot token.

For each school installed by OAuth (bot.store.schools): the workspace's token is stored and
Slack accepts it (``auth.test``); its DSL destination is set and private
(``conversations.info``), or its concerns go to the DSLs by DM; at least one DSL is set.
Nothing here prints a token.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot import messages
from bot.chat.check import Check
from bot.errors import PolicybotError
from bot.serve.config import Settings
from bot.store import Store
from bot.store.schools import SchoolRecord, SchoolRegistry


def school_checks(settings: Settings) -> list[Check]:
    checks = [Check("ok", messages.DOCTOR_OAUTH_OK)]
    try:
        store = Store.open(settings.database_url)
    except (PolicybotError, OSError):
        return checks  # the database check says so
    try:
        from bot.slack.install import AsyncStores, TeamClients

        stores = AsyncStores(str(settings.slack_client_id), store.engine)
        tokens = TeamClients(stores, settings.slack_api_url)
        schools = [s for s in SchoolRegistry(store).all() if s.slack_team_id]
        if not schools:
            return [*checks, Check("warn", messages.DOCTOR_NO_SCHOOLS)]
        for school in schools:
            checks.extend(one_school(school, tokens.token(school.slack_team_id), settings))
    finally:
        store.close()
    return checks


def one_school(school: SchoolRecord, token: str | None, settings: Settings) -> list[Check]:
    name = school.name
    if not school.installed:
        return [Check("warn", messages.DOCTOR_SCHOOL_UNINSTALLED.format(school=name))]
    if not token:
        text = messages.DOCTOR_SCHOOL_NO_TOKEN.format(school=name, team=school.slack_team_id)
        return [Check("fail", text)]
    client = WebClient(token, base_url=settings.slack_api_url, timeout=10)
    error = _error(lambda: client.auth_test())
    if error:
        text = messages.DOCTOR_SCHOOL_AUTH_FAILED.format(school=name, error=error)
        return [Check("fail", text)]
    checks = [Check("ok", messages.DOCTOR_SCHOOL_AUTH_OK.format(school=name))]
    checks.append(_destination(client, school))
    dsls = school.setting("dsl_ids") or []
    if dsls:
        text = messages.DOCTOR_SCHOOL_DSL_OK.format(school=name, count=len(dsls))
        checks.append(Check("ok", text))
    else:
        checks.append(Check("fail", messages.DOCTOR_SCHOOL_NO_DSL.format(school=name)))
    return checks


def _destination(client: WebClient, school: SchoolRecord) -> Check:
    channel = school.setting("dsl_channel")
    if not channel:
        return Check("warn", messages.DOCTOR_SCHOOL_NO_DESTINATION.format(school=school.name))
    info: dict = {}
    error = _error(lambda: info.update(client.conversations_info(channel=channel)["channel"]))
    names = {"school": school.name, "channel": channel}
    if error:
        return Check("fail", messages.DOCTOR_SCHOOL_CHANNEL_FAILED.format(error=error, **names))
    if not (info.get("is_private") or info.get("is_group")):
        return Check("fail", messages.DOCTOR_SCHOOL_CHANNEL_PUBLIC.format(**names))
    return Check("ok", messages.DOCTOR_SCHOOL_CHANNEL_OK.format(**names))


def _error(call: object) -> str | None:
    """None when the Slack call succeeds, else Slack's error code (or "unreachable")."""
    try:
        call()  # type: ignore[operator]
    except SlackApiError as exc:
        data = exc.response.data if isinstance(exc.response.data, dict) else {}
        return str(data.get("error", "error"))
    except (SlackClientError, OSError):
        return "unreachable"
    return None
