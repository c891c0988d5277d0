"""Policies sent to the bot in a direct message: an admin's files are indexed for the school.

Slack puts the files in the ``message`` event (``files``, subtype ``file_share``); each is
described by ``files.info`` (scope ``files:read``) and downloaded from its
``url_private_download`` with the bot token. Type and size are checked before a byte is
downloaded (:func:`bot.policies.library.file_problem`); reading runs in the indexer's parse
workers, off the event loop. The reply lists what was indexed (title, clauses, review date)
and, one line each, what could not be read. Someone who is not an admin of the school gets a
polite refusal and nothing is downloaded. No file content and no file name is logged.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot import messages
from bot.errors import StoreError
from bot.policies.library import (
    MAX_FILES_PER_MESSAGE,
    AddReport,
    Incoming,
    file_problem,
    report_text,
)
from bot.slack.blocks import escape
from bot.slack.deps import SlackDeps

log = logging.getLogger(__name__)
DOWNLOAD_TIMEOUT = 60.0
REPLACE_KEY = "replace-document:{school}:{user}"


def has_files(event: dict[str, Any]) -> bool:
    return bool(event.get("files")) and event.get("subtype") in (None, "file_share")


async def on_files(
    deps: SlackDeps, client: AsyncWebClient, event: dict[str, Any], team_id: str | None
) -> None:
    channel, user = event["channel"], event.get("user") or ""
    school = deps.school_for(channel, team_id)
    if not school or deps.library is None:
        await client.chat_postMessage(channel=channel, text=messages.UPLOAD_NO_SCHOOL)
        return
    if not deps.is_admin(school, user):
        log.info("policy upload refused: user %s is not an admin of %s", user, school)
        await client.chat_postMessage(channel=channel, text=messages.UPLOAD_NOT_ADMIN)
        return
    registered = deps.registered_school(team_id)
    name = registered.name if registered and registered.slug == school else school
    files = list(event.get("files") or [])
    problems: list[tuple[str, str]] = []
    for extra in files[MAX_FILES_PER_MESSAGE:]:
        name = str(extra.get("name") or extra.get("id"))
        problems.append((name, messages.UPLOAD_TOO_MANY.format(limit=MAX_FILES_PER_MESSAGE)))
    files = files[:MAX_FILES_PER_MESSAGE]
    await client.chat_postMessage(
        channel=channel, text=messages.UPLOAD_WORKING.format(count=len(files), school=name)
    )
    incoming = []
    for item in files:
        got = await _fetch(client, item, deps.library.max_file_mb)
        if isinstance(got, Incoming):
            incoming.append(got)
        else:
            problems.append(got)
    replace = _take_replace(deps, school, user)
    report = AddReport()
    if incoming:
        try:
            report = await asyncio.to_thread(deps.library.add, school, incoming, user, replace)
        except Exception as error:  # never a traceback to the person; nothing half-kept
            log.error("indexing sent files for %s failed: %s", school, type(error).__name__)
            await client.chat_postMessage(channel=channel, text=messages.UPLOAD_FAILED_ALL)
            return
    report.problems[:0] = problems
    text = report_text(report, name, escape, bold=lambda line: f"*{line}*")
    if replace and report.indexed:
        text = messages.UPLOAD_REPLACED.format(old=replace) + "\n" + text
    await client.chat_postMessage(channel=channel, text=text)
    log.info(
        "policy upload for %s: %d indexed, %d not read",
        school,
        len(report.indexed),
        len(report.problems),
    )


async def _fetch(
    client: AsyncWebClient, item: dict[str, Any], limit_mb: int
) -> Incoming | tuple[str, str]:
    """The file's bytes, or (name, why not)."""
    name = str(item.get("name") or item.get("id") or "file")
    try:
        info = (await client.files_info(file=str(item.get("id"))))["file"]
    except (SlackApiError, KeyError, TypeError):
        return name, messages.UPLOAD_DOWNLOAD_FAILED
    name = str(info.get("name") or name)
    problem = file_problem(name, int(info.get("size") or 0), limit_mb)
    if problem is not None:
        return name, problem
    url = info.get("url_private_download") or info.get("url_private")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return name, messages.UPLOAD_DOWNLOAD_FAILED
    data = await download(url, client.token or "", limit_mb * 1_000_000)
    if data is None:
        return name, messages.UPLOAD_DOWNLOAD_FAILED
    if len(data) > limit_mb * 1_000_000:
        return name, messages.UPLOAD_TOO_BIG.format(limit=limit_mb)
    return Incoming(name, data)


async def download(url: str, token: str, limit: int) -> bytes | None:
    """GET ``url`` with the bot token; at most ``limit`` + 1 bytes are read."""
    timeout = aiohttp.ClientTimeout(total=DOWNLOAD_TIMEOUT)
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(url, headers=headers) as response:
                if response.status != 200:
                    log.warning("file download failed: HTTP %s", response.status)
                    return None
                data = bytearray()
                async for chunk in response.content.iter_chunked(1 << 16):
                    data.extend(chunk)
                    if len(data) > limit:
                        break
                return bytes(data)
    except (aiohttp.ClientError, TimeoutError) as error:
        log.warning("file download failed: %s", type(error).__name__)
        return None


def ask_for_replacement(deps: SlackDeps, school: str, user: str, file_name: str) -> None:
    """Remember that this person's next file replaces ``file_name`` (any worker sees it)."""
    if deps.refs is not None:
        key = REPLACE_KEY.format(school=school, user=user)
        deps.refs.save_conversation_ref(key, {"file": file_name})


def _take_replace(deps: SlackDeps, school: str, user: str) -> str | None:
    if deps.refs is None:
        return None
    key = REPLACE_KEY.format(school=school, user=user)
    try:
        pending = deps.refs.get_conversation_ref(key)
        if pending and pending.get("file"):
            deps.refs.save_conversation_ref(key, {"file": None})
            return str(pending["file"])
    except StoreError:
        log.warning("could not read a pending Replace (database unavailable)")
    return None
