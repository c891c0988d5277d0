"""App Home: the school's policy documents, for its admins, with **Remove** and **Replace**.

Each document shows its title, review date, clauses and when it was added. **Remove** asks
first (a confirm dialog, danger style), then takes the document's clauses out of the school's
index; **Replace** asks for the new file by DM, and the next file that admin sends takes the
old one's place (:mod:`bot.slack.uploads`). With many documents the list stops where App
Home's 100-block limit would be passed and says how many more there are.

    blocks.extend(await documents_blocks(deps, user_id, school, room))   # bot.slack.home
    register(app, deps)                                                   # the two buttons
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot import messages
from bot.errors import StoreError
from bot.policies.library import clause_count
from bot.slack.blocks import Block, button, context, escape, read_value, section
from bot.slack.deps import SlackDeps
from bot.slack.uploads import ask_for_replacement

log = logging.getLogger(__name__)
ACTION_REMOVE = "document_remove"
ACTION_REPLACE = "document_replace"
BLOCKS_PER_DOCUMENT = 2


async def documents_blocks(
    deps: SlackDeps, user_id: str, school: str | None, room: int
) -> list[Block]:
    """The documents section for an admin of ``school`` (nothing for anyone else), in at most
    ``room`` blocks."""
    if deps.library is None or not school or not deps.is_admin(school, user_id) or room < 4:
        return []
    try:
        docs = await asyncio.to_thread(deps.library.documents, school)
    except StoreError:
        return [context(messages.STORE_UNAVAILABLE)]
    out: list[Block] = [
        {"type": "divider"},
        section(messages.DOCS_HEADER.format(count=len(docs))),
    ]
    if not docs:
        return [*out, context(messages.DOCS_NONE)]
    out.append(context(messages.DOCS_HOW_TO_ADD))
    fits = max(0, (room - len(out) - 1) // BLOCKS_PER_DOCUMENT)
    for doc in docs[:fits]:
        out.extend(_document(doc, school))
    if len(docs) > fits:
        out.append(context(messages.DOCS_MORE.format(count=len(docs) - fits)))
    return out


def _document(doc: Any, school: str) -> list[Block]:
    line = messages.DOCS_LINE.format(
        title=escape(doc.title),
        clauses=clause_count(doc.clauses),
        review=escape(doc.review_date or messages.DOCS_NO_REVIEW),
        added=doc.added_at.strftime("%-d %b %Y"),
    )
    value = json.dumps({"s": school, "f": doc.file_name})
    remove = button(messages.DOCS_REMOVE, ACTION_REMOVE, value, style="danger")
    remove["confirm"] = {
        "title": {"type": "plain_text", "text": messages.DOCS_CONFIRM_TITLE},
        "text": {
            "type": "mrkdwn",
            "text": messages.DOCS_CONFIRM_TEXT.format(title=escape(doc.title)),
        },
        "confirm": {"type": "plain_text", "text": messages.DOCS_CONFIRM_YES},
        "deny": {"type": "plain_text", "text": messages.DOCS_CONFIRM_NO},
        "style": "danger",
    }
    actions = {
        "type": "actions",
        "block_id": f"doc_{doc.id or doc.file_name}"[:255],
        "elements": [button(messages.DOCS_REPLACE, ACTION_REPLACE, value), remove],
    }
    return [section(line), actions]


def register(app: AsyncApp, deps: SlackDeps) -> None:
    async def remove(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        found = await _allowed(deps, client, body, action)
        if found is not None:
            school, file_name, user, title = found
            await asyncio.to_thread(deps.library.remove, school, file_name)
            log.info("document removed from %s by %s", school, user)
            await _dm(client, user, messages.DOCS_REMOVED.format(title=escape(title)))
            await _republish(deps, client, user, body)

    async def replace(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        found = await _allowed(deps, client, body, action)
        if found is not None:
            school, file_name, user, title = found
            await asyncio.to_thread(ask_for_replacement, deps, school, user, file_name)
            await _dm(client, user, messages.UPLOAD_REPLACE_ASK.format(title=escape(title)))

    app.action(ACTION_REMOVE)(remove)
    app.action(ACTION_REPLACE)(replace)


async def _allowed(
    deps: SlackDeps, client: AsyncWebClient, body: dict[str, Any], action: dict[str, Any]
) -> tuple[str, str, str, str] | None:
    """(school, file name, who clicked, the document's title) when they may change it."""
    school, file_name, user = _target(deps, body, action)
    if school is None or file_name is None:
        return None
    if not deps.is_admin(school, user):
        await _dm(client, user, messages.DOCS_NOT_ADMIN)
        return None
    doc = await asyncio.to_thread(deps.library.docs.document, school, file_name)
    return school, file_name, user, doc.title if doc else file_name


def _target(
    deps: SlackDeps, body: dict[str, Any], action: dict[str, Any]
) -> tuple[str | None, str | None, str]:
    """(school, file name, who clicked); the school must be the one of this workspace."""
    value = read_value(action.get("value"))
    user = str(body.get("user", {}).get("id") or "")
    team = body.get("team", {}).get("id") if isinstance(body.get("team"), dict) else None
    school = deps.school_for(None, team)
    if deps.library is None or not school or value.get("s") != school:
        return None, None, user
    file_name = value.get("f")
    return school, file_name if isinstance(file_name, str) else None, user


async def _dm(client: AsyncWebClient, user: str, text: str) -> None:
    opened = await client.conversations_open(users=user)
    await client.chat_postMessage(channel=str(opened["channel"]["id"]), text=text)


async def _republish(
    deps: SlackDeps, client: AsyncWebClient, user: str, body: dict[str, Any]
) -> None:
    from bot.slack.home import home_view

    team = body.get("team", {}).get("id") if isinstance(body.get("team"), dict) else None
    await client.views_publish(user_id=user, view=await home_view(deps, user, team))
