"""Buttons for raising a concern: "Raise with DSL" (opens the modal; also the global
shortcut and App Home's "Raise a safeguarding concern", with no question first), the
immediate-risk radio (shows "call 999" before submitting), the "about a member of staff"
radio (the form then says who it goes to), and the DSL's Claim / Unassign / Resolve / Reopen /
Record as logged (Slack asks to confirm Resolve and Unassign before it sends the click).

Only DSLs (and the headteacher / chair for their own route) may act; anyone else gets a
polite private refusal and nothing changes (the escalation service decides).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot import messages
from bot.chat.skin import ButtonValue
from bot.errors import NotFound, StoreError
from bot.escalation.actions import Change, act
from bot.slack import blocks
from bot.slack import escalation_blocks as eb
from bot.slack.deps import SlackDeps

log = logging.getLogger(__name__)
Body = dict[str, Any]


def register(app: AsyncApp, deps: SlackDeps) -> None:
    async def raise_dsl(ack: AsyncAck, body: Body, action: Body, client: AsyncWebClient) -> None:
        await ack()
        here = deps.school_for(body.get("channel", {}).get("id"), body.get("team", {}).get("id"))
        value = ButtonValue.read(blocks.read_value(action.get("value")), fallback_school=here)
        meta, clause = await deps.raise_form(value)
        modal = eb.raise_modal(meta, clause, meta["d"])
        await client.views_open(trigger_id=body["trigger_id"], view=modal)

    async def raise_shortcut(ack: AsyncAck, body: Body, client: AsyncWebClient) -> None:
        """The global shortcut "Raise a safeguarding concern": the form, no question first."""
        await ack()
        here = deps.school_for(None, (body.get("team") or {}).get("id"))
        meta, clause = await deps.raise_form(ButtonValue("", here, None))
        await client.views_open(
            trigger_id=body["trigger_id"], view=eb.raise_modal(meta, clause, meta["d"])
        )

    async def form_changed(ack: AsyncAck, body: Body, action: Body, client: AsyncWebClient) -> None:
        """The risk answer shows or hides "call 999"; the about-staff answer changes where
        the form says it goes (title and button included)."""
        await ack()
        view, chosen = body["view"], (action.get("selected_option") or {}).get("value")
        if not view.get("id"):
            return
        if action.get("action_id") == eb.ACTION_ABOUT:
            updated = eb.with_destination(view, chosen)
        else:
            updated = eb.with_risk_warning(view, chosen)
        await client.views_update(view_id=view["id"], hash=view.get("hash"), view=updated)

    async def claim(ack: AsyncAck, body: Body, action: Body, client: AsyncWebClient) -> None:
        await ack()
        await _act(deps, body, action, client, "claim")

    async def resolve(ack: AsyncAck, body: Body, action: Body, client: AsyncWebClient) -> None:
        await ack()
        await _act(deps, body, action, client, "resolve")

    async def reopen(ack: AsyncAck, body: Body, action: Body, client: AsyncWebClient) -> None:
        await ack()
        await _act(deps, body, action, client, "reopen")

    async def unassign(ack: AsyncAck, body: Body, action: Body, client: AsyncWebClient) -> None:
        await ack()
        ref, claimant = eb.read_unassign(str(action.get("value", "")))
        await _act(deps, body, {"value": ref}, client, "unassign", *filter(None, [claimant]))

    async def record(ack: AsyncAck, body: Body, action: Body, client: AsyncWebClient) -> None:
        await ack()
        ref, user = str(action.get("value", "")), body["user"]["id"]
        try:
            esc = await asyncio.to_thread(deps.escalations.get, ref)
        except (NotFound, StoreError, AttributeError):
            await _tell(client, body, messages.ESCALATION_NOT_FOUND.format(ref=blocks.escape(ref)))
            return
        if not deps.escalations.can_act(user, esc):
            await _tell(client, body, messages.ESCALATION_NOT_ALLOWED)
            return
        await client.views_open(trigger_id=body["trigger_id"], view=eb.record_modal(ref))

    app.action(blocks.ACTION_RAISE)(raise_dsl)
    app.action(eb.ACTION_RISK)(form_changed)
    app.action(eb.ACTION_ABOUT)(form_changed)
    app.shortcut(eb.SHORTCUT_RAISE)(raise_shortcut)
    app.action(eb.ACTION_CLAIM)(claim)
    app.action(eb.ACTION_RESOLVE)(resolve)
    app.action(eb.ACTION_RECORD)(record)
    app.action(eb.ACTION_REOPEN)(reopen)
    app.action(eb.ACTION_UNASSIGN)(unassign)


async def _act(
    deps: SlackDeps, body: Body, action: Body, client: AsyncWebClient, change: Change, *args: str
) -> None:
    """Claim, resolve, reopen or unassign through the core; refuse privately when the user
    may not."""
    ref, user = str(action.get("value", "")), body["user"]["id"]
    outcome = await act(
        deps.escalations, change, ref, user, *args, name=eb.mention, text=blocks.escape
    )
    if outcome.refusal:
        await _tell(client, body, outcome.refusal)
    if outcome.changed:
        deps.kick()


async def _tell(client: AsyncWebClient, body: Body, text: str) -> None:
    """A message only the clicking user sees, where they clicked (or in a DM)."""
    user = body["user"]["id"]
    channel = (body.get("channel") or {}).get("id")
    if channel:
        await client.chat_postEphemeral(channel=channel, user=user, text=text)
    else:
        opened = await client.conversations_open(users=user)
        await client.chat_postMessage(channel=opened["channel"]["id"], text=text)
