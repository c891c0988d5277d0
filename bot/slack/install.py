"""Slack OAuth install: many workspaces, one deployment, each with its own bot token.

On when ``SLACK_CLIENT_ID`` and ``SLACK_CLIENT_SECRET`` are set (``settings.slack_oauth``):

* ``GET /slack/install`` -> Slack's consent page (Bolt's ``AsyncOAuthFlow``) with a one-time
  ``state`` kept in the database and in a cookie; ``GET /slack/oauth_redirect`` exchanges
  the code (``oauth.v2.access``), saves the installation, and registers the school
  (:meth:`bot.store.schools.SchoolRegistry.create_for_install`: the installer is its admin),
  whom policybot then tells by DM how to finish setting up.
* Every request is authorised with its workspace's token from the installation store, so
  every listener's ``client`` speaks for that workspace; the outbox (escalations,
  reminders) picks the token by the escalation's ``team_id`` (:class:`TeamClients`).
* ``app_uninstalled`` / ``tokens_revoked``: the installation is deleted and the school's
  registry row marked uninstalled. Its escalations are not deleted then: the retention
  purge removes their details as for any other (``policybot escalations purge``).

The stores are slack_sdk's own SQLAlchemy ones, on the project's database (tables created
by migration 0006). They are synchronous; Bolt's async app gets them through
:class:`AsyncStores`, which runs each call in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncSuccessArgs
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine

from bot import messages
from bot.errors import DeliveryError
from bot.slack.settings import SlackSettings
from bot.store.schools import SchoolRegistry

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 600
# Least privilege: each scope is used by a call named in the README's scope table.
BOT_SCOPES = (
    "app_mentions:read",  # app_mention events (questions in channels)
    "channels:read",  # conversations.info: tell a public channel apart, to refuse it
    "chat:write",  # chat.postMessage / chat.update / chat.postEphemeral / chat.getPermalink
    "commands",  # /policy
    "files:read",  # files.info + url_private_download: policy files an admin sends by DM
    "groups:history",  # conversations.history in the private DSL channel
    "groups:read",  # conversations.info: check the DSL channel is private
    "im:history",  # message.im events and conversations.history of DMs
    "im:write",  # conversations.open: DM the DSL, the reporter, the installer
    "users:read",  # users.info: names on answers, doctor's checks of who may act
)


class AsyncStores(AsyncInstallationStore, AsyncOAuthStateStore):
    """slack_sdk's SQLAlchemy installation and state stores, for Bolt's async app."""

    def __init__(self, client_id: str, engine: Engine) -> None:
        self.installations = SQLAlchemyInstallationStore(client_id, engine)
        self.states = SQLAlchemyOAuthStateStore(STATE_SECONDS, engine)

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        await asyncio.to_thread(self.installations.save, installation)

    async def async_save_bot(self, bot: Bot) -> None:
        await asyncio.to_thread(self.installations.save_bot, bot)

    async def async_find_bot(self, **kwargs: Any) -> Bot | None:
        return await asyncio.to_thread(lambda: self.installations.find_bot(**kwargs))

    async def async_find_installation(self, **kwargs: Any) -> Installation | None:
        return await asyncio.to_thread(lambda: self.installations.find_installation(**kwargs))

    async def async_delete_bot(self, **kwargs: Any) -> None:
        await asyncio.to_thread(lambda: self.installations.delete_bot(**kwargs))

    async def async_delete_installation(self, **kwargs: Any) -> None:
        await asyncio.to_thread(lambda: self.installations.delete_installation(**kwargs))

    async def async_delete_all(self, **kwargs: Any) -> None:
        await asyncio.to_thread(lambda: self.installations.delete_all(**kwargs))

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        return await asyncio.to_thread(self.states.issue)

    async def async_consume(self, state: str) -> bool:
        return await asyncio.to_thread(self.states.consume, state)


@dataclass
class Installs:
    """What OAuth mode needs: the stores and the school registry."""

    stores: AsyncStores
    registry: SchoolRegistry
    api_url: str = "https://slack.com/api/"
    school_map: Mapping[str, str] = field(default_factory=dict)  # POLICYBOT_SCHOOL_MAP


def oauth_settings(settings: SlackSettings, installs: Installs) -> AsyncOAuthSettings:
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        redirect_uri=settings.slack_redirect_uri,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=installs.stores,
        installation_store_bot_only=True,
        state_store=installs.stores,
        state_expiration_seconds=STATE_SECONDS,
        callback_options=AsyncCallbackOptions(success=_on_success(installs), failure=_failure),
    )


def _on_success(installs: Installs) -> Any:
    async def success(args: AsyncSuccessArgs) -> BoltResponse:
        """Register the school (the installer its admin), welcome them, then Bolt's page."""
        inst = args.installation
        if inst.team_id and inst.user_id:
            school = await asyncio.to_thread(
                installs.registry.create_for_install,
                inst.team_id,
                inst.team_name or "",
                inst.user_id,
                installs.school_map.get(inst.team_id),  # the operator's slug for it, if any
            )
            log.info("workspace %s installed: school %s", inst.team_id, school.slug)
            await _welcome(installs.api_url, inst, school.name)
        return await args.default.success(args)

    return success


async def _failure(args: Any) -> BoltResponse:
    log.warning("Slack install failed: %s", args.reason)
    return await args.default.failure(args)


async def _welcome(api_url: str, inst: Installation, school: str) -> None:
    """A DM to the installer; an install is complete even if Slack refuses it."""
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.async_client import AsyncWebClient

    client = AsyncWebClient(inst.bot_token, base_url=api_url, timeout=10)
    try:
        opened = await client.conversations_open(users=inst.user_id)
        text = messages.INSTALL_WELCOME.format(school=school)
        await client.chat_postMessage(channel=opened["channel"]["id"], text=text)
    except SlackApiError as exc:
        log.warning("welcome DM not sent: %s", exc.response.get("error"))


def register_uninstall(app: AsyncApp, installs: Installs | None) -> None:
    """``app_uninstalled`` and ``tokens_revoked``: delete the installation, mark the school.
    Single-workspace mode (no ``installs``): logged only; SLACK_BOT_TOKEN is the operator's."""
    if installs is None:

        async def logged(context: AsyncBoltContext) -> None:
            log.warning("workspace %s removed policybot's token", context.team_id)

        app.event("app_uninstalled")(logged)
        app.event("tokens_revoked")(logged)
        return

    async def uninstalled(context: AsyncBoltContext) -> None:
        await installs.stores.async_delete_all(
            enterprise_id=context.enterprise_id, team_id=context.team_id
        )
        await _forget_school(installs, context.team_id)

    async def revoked(event: dict[str, Any], context: AsyncBoltContext) -> None:
        if event.get("tokens", {}).get("bot"):
            await installs.stores.async_delete_bot(
                enterprise_id=context.enterprise_id, team_id=context.team_id
            )
            await _forget_school(installs, context.team_id)

    app.event("app_uninstalled")(uninstalled)
    app.event("tokens_revoked")(revoked)


async def _forget_school(installs: Installs, team_id: str | None) -> None:
    if team_id:
        school = await asyncio.to_thread(installs.registry.remove_installation, team_id=team_id)
        log.info("workspace %s uninstalled (school %s)", team_id, school.slug if school else None)


class TeamClients:
    """A sync WebClient per workspace, with its bot token from the installation store (the
    outbox's notifier, doctor). ``for_team(None)`` or an unknown team: DeliveryError, kept
    pending (a workspace reinstalled later gets its messages)."""

    def __init__(self, stores: AsyncStores, base_url: str) -> None:
        self.stores = stores
        self.base_url = base_url

    def token(self, team_id: str | None) -> str | None:
        if not team_id:
            return None
        bot = self.stores.installations.find_bot(enterprise_id=None, team_id=team_id)
        return bot.bot_token if bot else None

    def for_team(self, team_id: str | None) -> WebClient:
        token = self.token(team_id)
        if not token:
            raise DeliveryError(f"workspace {team_id} is not installed", 3600)
        return WebClient(token, base_url=self.base_url, timeout=10)
