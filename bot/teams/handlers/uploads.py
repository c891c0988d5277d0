"""Policies sent to the bot in the 1:1 chat: an admin's file attachments are indexed for the
school (:mod:`bot.policies.library`), with one reply listing what was indexed and, one line
each, what could not be read. Teams puts each file on the message as a
``application/vnd.microsoft.teams.file.download.info`` attachment whose ``downloadUrl`` is
pre-authorised (the app package sets ``supportsFiles``). Type and size are checked before
the download; reading runs in the indexer's parse workers, off the event loop. Someone who
is not an admin of the school is refused politely and nothing is downloaded. The turn is
answered at once ("reading N files"); the result follows in the 1:1 chat when indexing ends."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core import TurnContext

from bot import messages
from bot.policies.library import (
    MAX_FILES_PER_MESSAGE,
    AddReport,
    Incoming,
    file_problem,
    report_text,
)
from bot.policies.sources import FetchError, fetch_url
from bot.teams.cards import text_message
from bot.teams.deps import TeamsDeps
from bot.teams.directory import is_personal, person_id

log = logging.getLogger(__name__)
FILE_INFO = "application/vnd.microsoft.teams.file.download.info"
_running: set[asyncio.Task[None]] = set()


def sent_files(activity: Activity) -> list[Any]:
    """The file attachments of a message in a 1:1 chat (none anywhere else)."""
    if not is_personal(activity):
        return []
    return [a for a in activity.attachments or [] if a.content_type == FILE_INFO]


async def on_files(context: TurnContext, deps: TeamsDeps, files: list[Any]) -> None:
    activity = context.activity
    school, user = deps.school_for(activity), person_id(activity)
    if not school or deps.library is None:
        await context.send_activity(text_message(messages.UPLOAD_NO_SCHOOL))
        return
    if not deps.is_admin(school, user):
        log.info("policy upload refused: Teams user %s is not an admin of %s", user, school)
        await context.send_activity(text_message(messages.UPLOAD_NOT_ADMIN))
        return
    problems = [
        (str(extra.name), messages.UPLOAD_TOO_MANY.format(limit=MAX_FILES_PER_MESSAGE))
        for extra in files[MAX_FILES_PER_MESSAGE:]
    ]
    files = files[:MAX_FILES_PER_MESSAGE]
    await context.send_activity(
        text_message(messages.UPLOAD_WORKING.format(count=len(files), school=school))
    )
    task = asyncio.create_task(_index_and_reply(deps, school, user, files, problems))
    _running.add(task)  # a reference until done: Teams wants the turn answered in seconds
    task.add_done_callback(_running.discard)


async def _index_and_reply(
    deps: TeamsDeps, school: str, user: str, files: list[Any], problems: list[tuple[str, str]]
) -> None:
    """Download, index, then tell the person in their 1:1 chat (after the turn has ended)."""
    text = messages.UPLOAD_FAILED_ALL
    try:
        incoming = []
        for attachment in files:
            got = await asyncio.to_thread(_fetch, attachment, deps.library.max_file_mb)
            if isinstance(got, Incoming):
                incoming.append(got)
            else:
                problems.append(got)
        report = AddReport()
        if incoming:
            report = await asyncio.to_thread(deps.library.add, school, incoming, user)
        report.problems[:0] = problems
        text = report_text(report, school)
    except Exception as error:  # never a traceback to the person; nothing half-kept
        log.error("indexing sent files for %s failed: %s", school, type(error).__name__)
    try:
        await deps.connector.post_to_person(deps.directory, user, text_message(text))
    except Exception as error:
        log.error("upload reply to Teams user %s failed: %s", user, type(error).__name__)


def _fetch(attachment: Any, limit_mb: int) -> Incoming | tuple[str, str]:
    name = str(attachment.name or "file")
    content = attachment.content if isinstance(attachment.content, dict) else {}
    problem = file_problem(name, 0, limit_mb)
    url = content.get("downloadUrl")
    if problem is not None:
        return name, problem
    if not isinstance(url, str):
        return name, messages.UPLOAD_DOWNLOAD_FAILED
    try:
        got = fetch_url(url, {}, limit_mb * 1_000_000)
    except FetchError:
        return name, messages.UPLOAD_DOWNLOAD_FAILED
    problem = file_problem(name, len(got.body), limit_mb)
    return (name, problem) if problem is not None else Incoming(name, got.body)
