"""One ``policybot serve`` process: index, store, escalation service, Slack app, outbox worker.

    runtime = build_runtime(settings)           # loads the index once; opens the store
    stop = runtime.start_outbox()               # delivers pending escalations first
    await serve_http(runtime, "0.0.0.0", 3000)  # or: await serve_socket(runtime)

Tests build the same runtime against a fake Slack Web API and serve it on a loopback port.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncApp

from bot import messages
from bot.chat.school_settings import SchoolSettingsAnswers
from bot.errors import StoreError
from bot.escalation.outbox import Notifier, Outbox, PlatformNotifier
from bot.escalation.reminders import Reminders
from bot.escalation.service import EscalationService
from bot.serve.config import Settings
from bot.serve.web import Mount, build_web_app, start_site
from bot.serve.wiring import (
    admin_check,
    build_answerer,
    build_reminders,
    escalation_service,
    question_usage,
    school_answers,
    school_library,
    slack_enabled,
    slack_installs,
    slack_notifier,
    sources,
    teams_notifier,
    teams_registry,
)
from bot.slack.app import build_app
from bot.store import Store
from bot.store.schools import SchoolRegistry
from bot.teams import teams_enabled

log = logging.getLogger(__name__)
OUTBOX_INTERVAL = 2.0
SOURCES_INTERVAL = 600.0  # how often the scheduler looks for sources due a re-check


@dataclass
class Runtime:
    settings: Settings
    answerer: Any
    store: Store
    escalations: EscalationService
    outbox: Outbox
    reminders: Reminders
    slack_app: AsyncApp | None
    library: Any = None  # bot.policies.library.SchoolLibrary: each school's own policies
    is_admin: Any = None  # (school, user id) -> bool: bot.serve.wiring.admin_check
    usage: Any = None  # bot.chat.usage.Usage: one question counter for both skins
    stops: list[threading.Event] = field(default_factory=list)
    registry: SchoolRegistry | None = None  # OAuth installs or several Teams bots

    def web_app(self, mounts: Iterable[Mount] = ()) -> web.Application:
        mounts = [*self.teams_mounts(), *mounts]
        return build_web_app(self.settings, self.answerer, slack_app=self.slack_app, mounts=mounts)

    def teams_mounts(self) -> list[Mount]:
        """POST /api/messages when Teams is configured (bot.teams.teams_enabled)."""
        if not teams_enabled(self.settings):
            return []
        options: dict[str, Any] = {
            "escalations": self.escalations,
            "kick": self.kick,
            "usage": self.usage or question_usage(self.store, self.settings),
            "library": self.library,
            "is_admin": self.is_admin or admin_check(self.settings, self.registry),
        }
        if self.settings.teams_bots and self.registry is not None:  # a bot per school
            from bot.teams.registrations import registrations_mount

            args = (self.settings, self.answerer, self.store, self.registry)
            return [registrations_mount(*args, **options)]
        from bot.teams.app import teams_mount

        return [teams_mount(self.settings, self.answerer, self.store, **options)]

    def kick(self) -> None:
        """Wake the outbox worker now (after a submit or a claim), not after its interval."""
        self.outbox.kick()

    def start_outbox(self, interval: float = OUTBOX_INTERVAL) -> threading.Event:
        stop = self.outbox.start_thread(interval=interval, on_tick=self.reminders.enqueue_due)
        self.stops.append(stop)
        return stop

    def start_sources(self, interval: float = SOURCES_INTERVAL) -> threading.Event:
        """Re-check each web source once it is POLICYBOT_SOURCES_REFRESH_HOURS old (one worker
        per source, claimed in the database), in a daemon thread; 0 hours: never."""
        stop = threading.Event()
        hours = self.settings.sources_refresh_hours
        if hours <= 0 or self.library is None:
            return stop
        checker = sources(self.library, self.settings)

        def run() -> None:
            while not stop.wait(interval):
                try:
                    for report in checker.refresh(older_than_seconds=hours * 3600):
                        log.info(
                            "source of %s re-checked: %d changed, %d removed, %d not read",
                            report.school,
                            report.fetched,
                            report.removed,
                            len(report.problems) + bool(report.page_error),
                        )
                except Exception as error:  # the next run tries again
                    log.error("re-checking web sources failed: %s", type(error).__name__)

        threading.Thread(target=run, name="policybot-sources", daemon=True).start()
        self.stops.append(stop)
        return stop

    def close(self) -> None:
        for stop in self.stops:
            stop.set()
        self.store.close()


def build_runtime(
    settings: Settings,
    answerer: Any = None,
    *,
    socket_mode: bool = False,
    slack: bool = True,
    outbox_backoff: float = 2.0,
) -> Runtime:
    """Everything a serving process needs; the index is loaded here, once."""
    if answerer is None:
        answerer = build_answerer(settings)
    try:
        store = Store.open(settings.database_url)
    except StoreError:
        scheme = settings.database_url.split(":", 1)[0]
        raise StoreError(messages.STORE_OPEN_FAILED.format(scheme=scheme)) from None
    library = school_library(store, settings)
    answerer = school_answers(settings, library, answerer)
    slack = slack and slack_enabled(settings)
    installs = slack_installs(store, settings) if slack else None
    registry = teams_registry(store, settings, installs.registry if installs else None)
    service = escalation_service(store, settings, registry=registry)
    if registry is not None:  # answers show each school's own people and phone numbers
        answerer = SchoolSettingsAnswers(answerer, registry)
    notifiers: dict[str, Notifier] = {}
    if slack:
        notifiers["slack"] = slack_notifier(settings, answerer, installs)
    if teams_enabled(settings):
        notifiers["teams"] = teams_notifier(settings, store, answerer, registry)
    outbox = Outbox(store, PlatformNotifier(notifiers), backoff_base=outbox_backoff)
    runtime = Runtime(
        settings, answerer, store, service, outbox, build_reminders(store, settings), None, library
    )
    runtime.registry = registry
    runtime.is_admin = admin_check(settings, registry)
    runtime.usage = question_usage(store, settings)
    if slack:
        runtime.slack_app = build_app(
            settings,
            answerer,
            events=store,
            feedback=store,
            escalations=service,
            socket_mode=socket_mode,
            kick=runtime.kick,
            usage=runtime.usage,
            is_admin=runtime.is_admin,
            installs=installs,
            library=library,
        )
    return runtime


async def serve_http(runtime: Runtime, host: str, port: int, mounts: Iterable[Mount] = ()) -> None:
    """Serve /slack/events and /healthz until cancelled."""
    runner, bound = await start_site(runtime.web_app(mounts), host, port)
    log.info("policybot listening on http://%s:%s", host, bound)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def serve_socket(runtime: Runtime) -> None:
    """Socket Mode: connect out to Slack with SLACK_APP_TOKEN (no public URL needed)."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    assert runtime.slack_app is not None
    handler = AsyncSocketModeHandler(runtime.slack_app, runtime.settings.slack_app_token)
    await handler.start_async()
