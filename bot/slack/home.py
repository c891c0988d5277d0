"""The App Home tab: how to ask, who to tell, the safeguarding route; for DSLs, open escalations."""

from __future__ import annotations

from typing import Any

from bot import messages
from bot.presenter import route_contacts
from bot.slack.blocks import Block, context, escape, section
from bot.slack.deps import SlackDeps

HOME_BLOCK_LIMIT = 100


async def home_view(deps: SlackDeps, user_id: str, team_id: str | None) -> dict[str, Any]:
    """The ``views.publish`` payload for ``user_id``."""
    school = deps.school_for(None, team_id)
    route = (await deps.answer("", school)).route
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
    if deps.is_dsl(user_id):
        blocks.extend(await dsl_blocks(deps))
    return {"type": "home", "blocks": blocks[:HOME_BLOCK_LIMIT]}


async def dsl_blocks(deps: SlackDeps) -> list[Block]:
    """Open escalations for a DSL (filled in by the escalation skin once it is wired)."""
    return []
