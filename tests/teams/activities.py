"""Activity JSON as Teams sends it to a bot, for posting at /api/messages in tests."""

from __future__ import annotations

import itertools
from typing import Any

TENANT = "7d3c1f2e-0000-4000-8000-00000000a001"
BOT = {"id": "28:policybot", "name": "policybot"}
AAD = "0b1e2c3d-0000-4000-8000-00000000000{}"  # Entra object ids are GUIDs
STAFF = {"id": "29:staff", "name": "Sam Staff", "aadObjectId": AAD.format(1)}
DSL = {"id": "29:dsl", "name": "Dana DSL", "aadObjectId": AAD.format(2)}
HEAD = {"id": "29:head", "name": "Hana Head", "aadObjectId": AAD.format(3)}
CHANNEL = "19:general@thread.tacv2"
DSL_CHANNEL = "19:dsl-private@thread.tacv2"
_ids = itertools.count(1000)
ONLY_DSLS = [{"id": "28:policybot", "name": "policybot"}, DSL]  # the private DSL channel's roster


def personal(user: dict[str, str]) -> dict[str, Any]:
    """The conversation of ``user``'s 1:1 chat with the bot."""
    return {"id": f"a:personal-{user['id']}", "conversationType": "personal", "tenantId": TENANT}


def channel(channel_id: str = CHANNEL, thread: str = "1700000000001") -> dict[str, Any]:
    return {
        "id": f"{channel_id};messageid={thread}",
        "conversationType": "channel",
        "isGroup": True,
        "tenantId": TENANT,
    }


def activity(
    service_url: str, user: dict[str, str], conversation: dict[str, Any], **fields: Any
) -> dict[str, Any]:
    data = {
        "id": f"act-{next(_ids)}",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": user,
        "recipient": BOT,
        "conversation": conversation,
        "channelData": {"tenant": {"id": TENANT}},
    }
    if conversation.get("conversationType") == "channel":
        channel_id = conversation["id"].split(";")[0]
        data["channelData"] |= {"channel": {"id": channel_id}, "team": {"id": "19:team"}}
    return data | fields


def message(
    service_url: str,
    text: str,
    user: dict[str, str] = STAFF,
    conversation: dict[str, Any] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A typed message; in a channel the bot is @mentioned, as Teams requires."""
    conversation = conversation or personal(user)
    data = activity(service_url, user, conversation, type="message", text=text, **fields)
    if conversation.get("conversationType") == "channel":
        mention = "<at>policybot</at>"
        data["text"] = f"{mention} {text}"
        data["entities"] = [{"type": "mention", "text": mention, "mentioned": BOT}]
    return data


def submit(
    service_url: str,
    data: dict[str, Any],
    user: dict[str, str] = STAFF,
    conversation: dict[str, Any] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A card's Action.Submit: a message with no text and the action's data as its value."""
    conversation = conversation or personal(user)
    return activity(service_url, user, conversation, type="message", value=data, **fields)


def execute(
    service_url: str,
    verb: str,
    data: dict[str, Any],
    user: dict[str, str] = DSL,
    conversation: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An Action.Execute click: an ``adaptiveCard/action`` invoke."""
    value = {"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"}
    conversation = conversation or channel(DSL_CHANNEL)
    return activity(
        service_url, user, conversation, type="invoke", name="adaptiveCard/action", value=value
    )


def action_data(card: dict[str, Any], title: str) -> dict[str, Any]:
    """The data of the card's action called ``title`` (looked for in ShowCards too)."""
    for action in card.get("actions") or []:
        if action.get("title") == title:
            return dict(action.get("data") or {})
        inner = action.get("card")
        if inner and (found := action_data(inner, title)):
            return found
    return {}
