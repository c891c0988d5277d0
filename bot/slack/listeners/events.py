"""Events: @mentions (answered in the thread, or privately when sensitive), direct messages,
App Home, and the de-duplication of Slack's retries by ``event_id``."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot import messages
from bot.answering.presenter import AnswerView, present
from bot.errors import StoreError
from bot.slack import blocks, home, uploads
from bot.slack.deps import SlackDeps
from bot.slack.text import question_from_message

log = logging.getLogger(__name__)
Event = dict[str, Any]


def register(app: AsyncApp, deps: SlackDeps) -> None:
    app.middleware(_dedupe(deps))

    async def on_mention(event: Event, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        if not _from_bot(event):
            await answer_in_thread(deps, client, event, context.team_id)

    async def on_message(event: Event, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        if event.get("channel_type") != "im" or _from_bot(event):
            return
        if uploads.has_files(event):
            await uploads.on_files(deps, client, event, context.team_id)
        elif not event.get("subtype"):
            await answer_in_dm(deps, client, event, context.team_id)

    async def on_home(event: Event, client: AsyncWebClient, context: AsyncBoltContext) -> None:
        if event.get("tab", "home") == "home":
            view = await home.home_view(deps, event["user"], context.team_id)
            await client.views_publish(user_id=event["user"], view=view)

    app.event("app_mention")(on_mention)
    app.event("message")(on_message)
    app.event("app_home_opened")(on_home)


async def answer_in_thread(
    deps: SlackDeps, client: AsyncWebClient, event: Event, team_id: str | None
) -> None:
    """Reply in the mention's thread; a flagged question is answered by DM instead."""
    channel, thread = event["channel"], event.get("thread_ts") or event["ts"]
    view = await _view(deps, event, deps.school_for(channel, team_id))
    if view is None:
        await client.chat_postMessage(channel=channel, thread_ts=thread, text=messages.SLACK_HELP)
    elif view.sensitive:  # answered privately; the public message is theirs to delete
        dm = await send_dm(client, event["user"], view)
        await client.chat_postMessage(channel=dm, text=messages.SLACK_DELETE_PUBLIC)
        await client.chat_postMessage(
            channel=channel, thread_ts=thread, text=messages.SLACK_PRIVATE_REPLY_SENT
        )
    else:
        await client.chat_postMessage(channel=channel, thread_ts=thread, **_message(view))


async def answer_in_dm(
    deps: SlackDeps, client: AsyncWebClient, event: Event, team_id: str | None
) -> None:
    view = await _view(deps, event, deps.school_for(event["channel"], team_id))
    if view is None:
        await client.chat_postMessage(channel=event["channel"], text=messages.SLACK_HELP)
    else:
        await client.chat_postMessage(channel=event["channel"], **_message(view))


async def send_dm(client: AsyncWebClient, user_id: str, view: AnswerView) -> str:
    """Send the answer to ``user_id`` privately; the DM channel's id."""
    opened = await client.conversations_open(users=user_id)
    channel = str(opened["channel"]["id"])
    await client.chat_postMessage(channel=channel, **_message(view))
    return channel


async def _view(deps: SlackDeps, event: Event, school: str | None) -> AnswerView | None:
    question = question_from_message(event.get("text"))
    if not question:
        return None
    return present(await deps.ask(question, school, "slack"))


def _message(view: AnswerView) -> dict[str, Any]:
    return {
        "blocks": blocks.answer_blocks(view, shareable=False),
        "text": blocks.fallback_text(view),
    }


def _from_bot(event: Event) -> bool:
    return bool(event.get("bot_id") or event.get("bot_profile")) or (
        event.get("subtype") == "bot_message"
    )


def _dedupe(deps: SlackDeps) -> Callable[..., Awaitable[BoltResponse]]:
    async def dedupe_events(
        body: dict[str, Any], resp: BoltResponse, next: Callable[[], Awaitable[None]]
    ) -> BoltResponse:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not _first_time(deps, event_id):
            log.info("event %s already handled; retry ignored", event_id)
            return BoltResponse(status=200, body="")
        await next()
        return resp

    return dedupe_events


def _first_time(deps: SlackDeps, event_id: str) -> bool:
    """False for a retry of an event already handled; True when the database cannot say
    (answering twice is better than not answering)."""
    try:
        return deps.events.mark_event_seen(event_id)
    except StoreError:
        log.warning("event de-duplication failed (database unavailable); answering anyway")
        return True
