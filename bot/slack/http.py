"""One HTTP session for every call to Slack, reused across requests.

slack_sdk's async clients open a new aiohttp session (a new connection, and in production a
new TLS handshake) for every Web API call and every ``response_url`` post unless they are
given one. Under load that was the largest cost on the event loop. ``SharedSession`` is
created lazily inside the running loop, given to the app's Web API client, and used by
``SessionRespond`` (Bolt's ``respond`` with the shared session) for ``response_url``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.context.respond.internals import _build_message
from slack_sdk.webhook import WebhookResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient


class SharedSession:
    """An aiohttp session per running event loop, made on first use, closed with the app."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def get(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            self._session, self._loop = aiohttp.ClientSession(), loop
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None


class SessionRespond(AsyncRespond):
    """Bolt's ``respond``, posting to ``response_url`` through the shared session."""

    def __init__(self, response_url: str | None, session: aiohttp.ClientSession) -> None:
        super().__init__(response_url=response_url)
        self.session = session

    async def __call__(self, text: str | dict[str, Any] = "", **fields: Any) -> WebhookResponse:
        if self.response_url is None:
            raise ValueError("response_url missing")
        whole = text if isinstance(text, dict) else {"text": text, **fields}
        client = AsyncWebhookClient(url=self.response_url, session=self.session)
        return await client.send_dict(_build_message(**whole))


def use_shared_session(app: AsyncApp, shared: SharedSession) -> None:
    """Route the app's Web API calls and ``respond`` through ``shared``; the web app that
    serves ``app`` closes it (``close_shared_session``)."""
    _SESSIONS[id(app)] = shared

    @app.middleware
    async def shared_http(context: AsyncBoltContext, next: Any) -> None:  # noqa: A002
        session = shared.get()
        app.client.session = session
        if context.client is not None:
            context.client.session = session
        if context.response_url:
            context["respond"] = SessionRespond(context.response_url, session)
        await next()


_SESSIONS: dict[int, SharedSession] = {}


async def close_shared_session(app: AsyncApp) -> None:
    shared = _SESSIONS.pop(id(app), None)
    if shared is not None:
        await shared.close()
