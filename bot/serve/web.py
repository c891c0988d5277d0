"""The HTTP app behind ``policybot serve``: one aiohttp application for every chat platform.

    POST /slack/events   Slack's events, slash commands and interactivity (signed requests)
    GET  /slack/install, /slack/oauth_redirect   OAuth install (SLACK_CLIENT_ID / _SECRET)
    GET  /healthz        200 "ok" once the index is loaded
    POST /api/messages   mounted by the Teams skin through ``mounts`` (see build_web_app)

The answer index is loaded once per process, before the app is built, and shared by every
request. The Slack route is a translation shim: aiohttp request -> Bolt request ->
``app.async_dispatch`` -> aiohttp response (slack_bolt.adapter.aiohttp).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

log = logging.getLogger(__name__)
SLACK_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1024 * 1024
Mount = Callable[[web.Application], None]
SLACK_APP_KEY = web.AppKey("slack_app", AsyncApp)
ANSWERER_KEY = web.AppKey("answerer", object)


def build_web_app(
    settings: Any,
    answerer: Any = None,
    *,
    slack_app: AsyncApp | None = None,
    mounts: Iterable[Mount] = (),
) -> web.Application:
    """The aiohttp app: Slack (when ``slack_app`` is given), /healthz, and each of ``mounts``.

    ``answerer`` defaults to the index in ``settings`` (bot.serve.wiring.build_answerer); a
    mount is a function that adds routes (the Teams skin adds ``POST /api/messages``).
    """
    if answerer is None:
        from bot.serve.wiring import build_answerer

        answerer = build_answerer(settings)
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[ANSWERER_KEY] = answerer
    app.router.add_get(HEALTH_PATH, _healthz)
    if slack_app is not None:
        app[SLACK_APP_KEY] = slack_app
        app.router.add_post(SLACK_PATH, _slack_events)
        flow = slack_app.oauth_flow
        if flow is not None:  # OAuth mode: GET /slack/install, GET /slack/oauth_redirect
            app.router.add_get(flow.install_path, _slack_oauth)
            app.router.add_get(flow.redirect_uri_path, _slack_oauth)
    for mount in mounts:
        mount(app)
    return app


async def _healthz(request: web.Request) -> web.Response:
    return web.Response(text="ok")


_SIGNED_HEADERS = ("X-Slack-Request-Timestamp", "X-Slack-Signature")


async def _slack_events(request: web.Request) -> web.Response:
    # exactly one of each signed header: with two, this check and Bolt could read different ones
    if any(len(request.headers.getall(name, [])) != 1 for name in _SIGNED_HEADERS):
        return web.json_response({"error": "invalid request"}, status=401)  # as Bolt says it
    if not request.headers.get("X-Slack-Request-Timestamp", "").isdigit():
        return web.json_response({"error": "invalid request"}, status=401)
    slack_app = request.app[SLACK_APP_KEY]
    bolt_response = await slack_app.async_dispatch(await to_bolt_request(request))
    return await to_aiohttp_response(bolt_response)


async def _slack_oauth(request: web.Request) -> web.Response:
    """The install page and the redirect back from Slack's consent page (Bolt's OAuthFlow)."""
    flow = request.app[SLACK_APP_KEY].oauth_flow
    assert flow is not None
    bolt_request = await to_bolt_request(request)
    if request.path == flow.install_path:
        bolt_response = await flow.handle_installation(bolt_request)
    else:
        bolt_response = await flow.handle_callback(bolt_request)
    return await to_aiohttp_response(bolt_response)


async def start_site(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Start serving ``app`` on host:port (0 = any free port); return the runner and port."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    addresses = runner.addresses  # (host, port, ...) per listening socket
    bound = addresses[0][1] if addresses else port
    log.info("serving on %s:%s", host, bound)
    return runner, bound
