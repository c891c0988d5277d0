"""The App Home tab: how to ask, who to tell, the safeguarding route; for DSLs, open escalations."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from bot import messages
from bot.answering.presenter import route_contacts
from bot.errors import StoreError
from bot.slack.blocks import ACTION_RAISE, Block, button, context, escape, section
from bot.slack.deps import SlackDeps
from bot.slack.escalation_blocks import home_lines
from bot.slack.home_documents import documents_blocks
from bot.slack.home_settings import settings_blocks
from bot.slack.home_summary import summary_blocks
from bot.store.records import utc_now

HOME_BLOCK_LIMIT = 100


async def home_view(deps: SlackDeps, user_id: str, team_id: str | None) -> dict[str, Any]:
    """The ``views.publish`` payload for ``user_id``."""
    school = deps.school_for(None, team_id)
    route = await deps.route(school)
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": messages.HOME_TITLE}},
        section(messages.HOME_HOW_TO_ASK),
        {"type": "divider"},
        section(messages.HOME_CONTACTS),
    ]
    for role, contact in route_contacts(route):
        line = messages.HOME_CONTACT_LINE.format(role=escape(role), contact=escape(contact))
        blocks.append(context(line))
    blocks.append(section(messages.HOME_ROUTE))
    raise_value = json.dumps({"q": "", "s": school, "p": None})
    blocks.append(section(messages.HOME_RAISE))
    blocks.append(
        {
            "type": "actions",
            "block_id": "home_raise",
            "elements": [button(messages.BUTTON_RAISE_CONCERN, ACTION_RAISE, raise_value)],
        }
    )
    blocks.extend(await settings_blocks(deps, user_id, team_id))  # the school's admins only
    blocks.extend(await summary_blocks(deps, user_id, school))  # before a long list is cut
    if deps.receives_escalations(user_id) and deps.escalations is not None:
        blocks.append({"type": "divider"})
        blocks.extend(await dsl_blocks(deps, user_id))
    blocks.extend(await documents_blocks(deps, user_id, school, HOME_BLOCK_LIMIT - len(blocks)))
    return {"type": "home", "blocks": blocks[:HOME_BLOCK_LIMIT]}


async def dsl_blocks(deps: SlackDeps, user_id: str) -> list[Block]:
    """Open escalations routed to this user (a DSL sees the DSL's, a headteacher theirs)."""
    service = deps.escalations
    try:
        open_ones = await asyncio.to_thread(service.list_open)
    except StoreError:
        return [context(messages.STORE_UNAVAILABLE)]
    mine = [esc for esc in open_ones if user_id in service.recipients(esc)]
    return home_lines(mine, utc_now())
