"""Sending to Teams outside the turn that asked for it: a new post in a conversation, an
update of a posted card, and a 1:1 chat with a person (proactive messages).

Each call runs one short proactive turn through the SDK's adapter
(``continue_conversation_with_claims``), which builds a Bot Connector client for the
serviceUrl with the bot's credentials (MSAL; none in anonymous local mode), and uses that
client directly so a post is always a new message, never a reply to the continuation event.
Connector failures surface as ``aiohttp`` errors; the notifier maps them to DeliveryError.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ChannelId,
    ConversationAccount,
    ConversationParameters,
)
from microsoft_agents.hosting.core import ChannelServiceAdapter, ClaimsIdentity, TurnContext
from microsoft_agents.hosting.core.connector import ConnectorClientBase

from bot.errors import DeliveryError
from bot.teams.directory import Directory

T = TypeVar("T")
CHANNEL = ChannelId("msteams")


class TeamsConnector:
    def __init__(self, adapter: ChannelServiceAdapter, app_id: str | None) -> None:
        self.adapter = adapter
        self.app_id = app_id

    async def post(
        self, service_url: str, conversation_id: str, activity: Activity, bot_id: str | None = None
    ) -> str:
        """Post ``activity`` as a new message; return the id Teams gave it."""
        outgoing = _addressed(activity, service_url, conversation_id, bot_id)

        async def send(client: ConnectorClientBase) -> str:
            response = await client.conversations.send_to_conversation(conversation_id, outgoing)
            return str(response.id or "")

        return await self._run(service_url, send)

    async def update(
        self,
        service_url: str,
        conversation_id: str,
        activity_id: str,
        activity: Activity,
        bot_id: str | None = None,
    ) -> None:
        outgoing = _addressed(activity, service_url, conversation_id, bot_id)
        outgoing.id = activity_id

        async def replace(client: ConnectorClientBase) -> None:
            await client.conversations.update_activity(conversation_id, activity_id, outgoing)

        await self._run(service_url, replace)

    async def members(self, service_url: str, conversation_id: str) -> list[str]:
        """Who is in a conversation (the roster API): their AAD object ids ("" for the bot
        or anyone without one). For a channel, the channel's own members."""

        async def roster(client: ConnectorClientBase) -> list[str]:
            accounts = await client.conversations.get_conversation_members(conversation_id)
            return [account.aad_object_id or "" for account in accounts]

        return await self._run(service_url, roster)

    async def open_personal(self, user: dict[str, Any]) -> str:
        """The id of the 1:1 chat between the bot and ``user`` (a directory record);
        Teams returns the existing chat when there is one."""
        tenant = user.get("tenant_id")
        parameters = ConversationParameters.model_validate(
            {
                "isGroup": False,
                "members": [{"id": user["id"]}],
                **({"bot": {"id": user["bot_id"]}} if user.get("bot_id") else {}),
                **(
                    {"tenantId": tenant, "channelData": {"tenant": {"id": tenant}}}
                    if tenant
                    else {}
                ),
            }
        )

        async def create(client: ConnectorClientBase) -> str:
            return str((await client.conversations.create_conversation(parameters)).id)

        return await self._run(user["service_url"], create)

    async def post_to_person(
        self, directory: Directory, aad_id: str, activity: Activity
    ) -> tuple[str, str]:
        """Post privately to a person the bot has seen; ``(conversation id, message id)``."""
        user = directory.user(aad_id)
        if not user:
            raise DeliveryError(f"no Teams conversation known for user {aad_id}", 300)
        conversation = user.get("conversation") or await self.open_personal(user)
        directory.set_personal(aad_id, conversation)
        sent = await self.post(user["service_url"], conversation, activity, user.get("bot_id"))
        return conversation, sent

    async def _run(
        self, service_url: str, work: Callable[[ConnectorClientBase], Awaitable[T]]
    ) -> T:
        identity = (
            self.adapter.create_claims_identity(self.app_id) if self.app_id else ClaimsIdentity()
        )
        continuation = Activity(
            type=ActivityTypes.event,
            name="continueConversation",
            channel_id=CHANNEL,
            service_url=service_url,
            conversation=ConversationAccount(id="policybot-proactive"),
        )
        results: list[T] = []
        errors: list[BaseException] = []

        async def callback(context: TurnContext) -> None:
            try:
                client = context.services.get(ConnectorClientBase)  # type: ignore[type-abstract]
                if client is None:
                    raise DeliveryError("no Teams connector client for this turn")
                results.append(await work(client))
            except Exception as exc:  # re-raised below, outside the SDK's pipeline
                errors.append(exc)

        await self.adapter.continue_conversation_with_claims(
            identity, continuation, callback, audience=identity.get_token_audience()
        )
        if errors:
            raise errors[0]
        if not results:
            raise DeliveryError("the Teams connector turn did not run")
        return results[0]


def _addressed(
    activity: Activity, service_url: str, conversation_id: str, bot_id: str | None
) -> Activity:
    outgoing = activity.model_copy(deep=True)
    outgoing.channel_id = CHANNEL
    outgoing.service_url = service_url
    outgoing.conversation = ConversationAccount(id=conversation_id)
    if bot_id:
        outgoing.from_property = ChannelAccount(id=bot_id)
    return outgoing
