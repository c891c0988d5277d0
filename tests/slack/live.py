"""Run the aiohttp app on a loopback port in a background thread, as ``policybot serve`` does
(the same ``bot.serve.web.start_site``), and post signed requests at it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from aiohttp import web

from bot.serve.config import Settings
from bot.serve.runtime import Runtime, build_runtime
from bot.serve.web import start_site
from tests.fakes.slack_signing import sign


@contextmanager
def running(settings: Settings, answerer: Any) -> Iterator[Runtime]:
    """A runtime whose outbox worker polls every 50 ms (tests wait less), closed afterwards."""
    runtime = build_runtime(settings, answerer, outbox_backoff=0.05)
    runtime.start_outbox(interval=0.05)
    try:
        yield runtime
    finally:
        runtime.close()


class LiveServer:
    def __init__(self, app: web.Application) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(start_site(self.app, "127.0.0.1", 0), self.loop)
        self._runner, self.port = future.result(timeout=10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self.loop).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def post_slack(
        self, body: str, content_type: str, headers: dict[str, str] | None = None, **sign_kw: Any
    ) -> requests.Response:
        """POST ``body`` to /slack/events, signed as Slack signs it (override with headers)."""
        all_headers = {"Content-Type": content_type, **sign(body, **sign_kw), **(headers or {})}
        return requests.post(f"{self.url}/slack/events", data=body.encode(), headers=all_headers)

    def command(self, body: str, **kw: Any) -> requests.Response:
        return self.post_slack(body, "application/x-www-form-urlencoded", **kw)

    def event(self, body: str, **kw: Any) -> requests.Response:
        return self.post_slack(body, "application/json", **kw)

    action = command
