"""``build_teams``: the Agents SDK application with every handler registered, and
``teams_mount``: the hook that adds ``POST /api/messages`` to ``policybot serve``'s aiohttp app.

    from bot.teams.app import teams_mount
    mount = teams_mount(settings, answerer, store, escalations=service, kick=outbox.kick)
    app = build_web_app(settings, answerer, mounts=[mount])

The route is a translation shim: bearer check (:func:`bot.teams.auth.authorize`) -> the SDK's
``CloudAdapter.process_request`` -> the handlers -> an aiohttp response. A body that is not
an Activity gets 400, and no failure ever answers with a traceback or an exception's text.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import (
    AgentApplication,
    AgentAuthConfiguration,
    ApplicationOptions,
    ClaimsIdentity,
    Connections,
    MemoryStorage,
    TurnContext,
    TurnState,
)
from pydantic import ValidationError

from bot import messages
from bot.chat.skin import IsAdmin
from bot.chat.usage import Usage
from bot.escalation.service import EscalationService
from bot.store import Store
from bot.store.schools import SchoolRegistry
from bot.teams.auth import (
    auth_configuration,
    authorize,
    build_adapter,
    build_connections,
    token_policy,
    warn_if_anonymous,
)
from bot.teams.connector import TeamsConnector
from bot.teams.deps import Answers, TeamsDeps
from bot.teams.directory import Directory
from bot.teams.guard import TokenPolicy
from bot.teams.handlers import register_handlers
from bot.teams.settings import TeamsSettings

log = logging.getLogger(__name__)
TEAMS_PATH = "/api/messages"
Mount = Callable[[web.Application], None]  # adds routes to policybot serve's web app


@dataclass
class TeamsBot:
    agent: AgentApplication[TurnState]
    adapter: CloudAdapter
    auth: AgentAuthConfiguration
    deps: TeamsDeps
    policy: TokenPolicy

    async def handle(self, request: web.Request) -> web.Response:
        identity = await authorize(request, self.policy)
        if isinstance(identity, web.Response):
            return identity
        try:
            result = await self.adapter.process_request(_Request(request, identity), self.agent)
        except ValidationError:
            log.warning("Teams request refused (400): not an Activity")
            return web.json_response({"error": "Not an Activity"}, status=400)
        except Exception as error:  # never a traceback or str(error) to the caller
            log.error("Teams request failed: %s", type(error).__name__)
            return web.json_response({"error": "Internal error"}, status=500)
        if result.body is None:
            return web.Response(status=result.status_code, headers=result.headers)
        return web.json_response(result.body, status=result.status_code, headers=result.headers)


class _Request:
    """The aiohttp request as the SDK's adapter reads it, with the identity checked above."""

    def __init__(self, request: web.Request, identity: ClaimsIdentity) -> None:
        self._request = request
        self._identity = identity
        self.method = request.method
        self.headers = request.headers

    async def json(self) -> Any:
        return await self._request.json()

    def get_claims_identity(self) -> ClaimsIdentity:
        return self._identity

    def get_path_param(self, name: str) -> str:
        return self._request.match_info[name]


TEAMS_KEY = web.AppKey("teams_bot", TeamsBot)


def build_teams(
    settings: TeamsSettings,
    answerer: Answers,
    store: Store | None = None,
    *,
    escalations: EscalationService | None = None,
    kick: Callable[[], None] | None = None,
    policy: TokenPolicy | None = None,
    usage: Usage | None = None,
    is_admin: IsAdmin | None = None,
    library: Any = None,
    connections: Connections | None = None,
    school: str | None = None,
    registry: SchoolRegistry | None = None,
) -> TeamsBot:
    """The Teams bot: adapter, application, handlers. Raises ConfigError for bad settings.

    ``escalations`` is the one escalation service the process shares with Slack (without it,
    "Raise with DSL" says escalations are not set up); ``store`` keeps the directory;
    ``policy`` (default: from the settings) says which tokens and serviceUrls are accepted;
    ``usage`` counts answered questions for the summary ``is_admin(school, aad_id)`` sees;
    ``connections`` (default: MSAL with the settings' credentials) gets outgoing tokens.
    One of several registrations (:mod:`bot.teams.registrations`) passes its ``school``
    (every question and escalation is that school's) and the ``registry`` its settings card
    saves to; its directory keeps keys of its own."""
    auth = auth_configuration(settings)
    policy = policy or token_policy(settings)
    connections = connections or build_connections(settings)
    adapter = build_adapter(settings, connections, policy)
    adapter.on_turn_error = _turn_error
    options = ApplicationOptions(
        storage=MemoryStorage(),
        bot_app_id=settings.microsoft_app_id or "",
        start_typing_timer=False,
        turn_state_factory=TurnState,  # stateless: nothing kept per conversation or user
    )
    agent = AgentApplication[TurnState](options, connection_manager=connections)
    directory = Directory(store, scope=settings.microsoft_app_id if school else None)
    deps = TeamsDeps(
        settings=settings,
        answerer=answerer,
        directory=directory,
        connector=TeamsConnector(adapter, settings.microsoft_app_id),
        escalations=escalations,
        records=store,
        kick=kick or (lambda: None),
        usage=usage,
        library=library,
        school=school,
        registry=registry,
    )
    if is_admin is not None:
        deps.is_admin = is_admin
    register_handlers(agent, deps)
    return TeamsBot(agent, adapter, auth, deps, policy)


def teams_mount(
    settings: TeamsSettings, answerer: Answers, store: Store | None = None, **options: Any
) -> Mount:
    """A mount for ``bot.serve.web.build_web_app`` adding ``POST /api/messages``; ``options``
    are :func:`build_teams`'s (escalations, kick, policy, usage, is_admin, library, ...)."""

    def mount(app: web.Application) -> None:
        bot = build_teams(settings, answerer, store, **options)
        app[TEAMS_KEY] = bot
        app.router.add_post(TEAMS_PATH, _messages)
        warn_if_anonymous(settings)
        log.info("Teams endpoint mounted at %s", TEAMS_PATH)

    return mount


async def _messages(request: web.Request) -> web.Response:
    return await request.app[TEAMS_KEY].handle(request)


async def _turn_error(context: TurnContext, error: Exception) -> None:
    """The adapter's last resort (replaces the SDK default, which shows the error text)."""
    log.error("Teams turn failed: %s", type(error).__name__)
    try:
        await context.send_activity(messages.SOMETHING_WENT_WRONG)
    except Exception as again:
        log.error("Teams error reply failed: %s", type(again).__name__)
