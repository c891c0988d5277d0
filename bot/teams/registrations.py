"""Several Teams bot registrations in one deployment, each bound to one school
(``POLICYBOT_TEAMS_BOTS``): new multi-tenant Azure bots can no longer be created, so each
school registers its own bot and the deployment serves them all at ``POST /api/messages``.

    registered = record_registrations(settings, registry)   # each in the school registry
    mount = registrations_mount(settings, answerer, store, registry, escalations=service)
    notifier = registrations_notifier(settings, store, registry)   # the outbox's Teams side

* **Which bot**: the activity's ``recipient.id`` (``28:<app id>``) picks the registration;
  an app id this deployment does not serve gets 401. The bearer token is then checked against
  THAT registration's app id (its audience) and tenant, so a token for one school's bot is
  never accepted for another's.
* **Whose school**: every question, "Raise with DSL" and summary in a registration's chats is
  its school's; its DSLs, headteacher and chair are the school's settings (the settings card,
  bot.teams.handlers.school_settings), read live through the registry's cache.
* **Whose credentials**: replies, and the outbox's posts for the school's escalations, go out
  with the registration's own app id, secret and tenant; each keeps its own directory keys
  (its DSL destination from "setup dsl", the people it has seen, what it posted).
* **Admins** come only from the configuration (``POLICYBOT_TEAMS_ADMINS_<SLUG>``), made the
  school's Teams admins at each start (its Slack admins kept): the first person to message
  a new bot is not made an admin, since anyone in the school's tenant could be first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from microsoft_agents.hosting.core import Connections

from bot.errors import DeliveryError
from bot.escalation.service import EscalationService
from bot.store import Store
from bot.store.records import DeliveryReceipt, Escalation, OutboxItem
from bot.store.schools import SchoolRecord, SchoolRegistry
from bot.teams.app import TEAMS_PATH, Mount, TeamsBot, build_teams
from bot.teams.auth import build_adapter, build_connections, refuse, token_policy
from bot.teams.connector import TeamsConnector
from bot.teams.deps import Answers
from bot.teams.directory import Directory, Refs
from bot.teams.guard import Refused, TokenPolicy, is_entra_id
from bot.teams.notifier import TeamsNotifier
from bot.teams.registration import TeamsRegistration
from bot.teams.settings import TeamsSettings

log = logging.getLogger(__name__)
BOT_PREFIX = "28:"  # a bot's Teams id is "28:" and its app id
PolicyFor = Callable[[TeamsSettings], TokenPolicy]
ConnectionsFor = Callable[[TeamsSettings], Connections]


class RegistrationSettings:
    """The deployment's settings as one registration sees them: its app id, secret and
    tenant; its school as the only school; its DSLs, headteacher and chair from the school's
    settings in the registry (live, so the settings card takes effect without a restart)."""

    def __init__(
        self, base: TeamsSettings, bot: TeamsRegistration, registry: SchoolRegistry
    ) -> None:
        self._base = base
        self.bot = bot
        self._registry = registry

    microsoft_app_id = property(lambda self: self.bot.app_id)
    microsoft_app_password = property(lambda self: self.bot.password)
    microsoft_app_tenant_id = property(lambda self: self.bot.tenant_id)
    default_school = property(lambda self: self.bot.school)
    school_map: Mapping[str, str] = property(lambda self: {})  # type: ignore[assignment]
    teams_dsl_aad_ids = property(lambda self: self._ids("dsl_ids"))
    teams_headteacher_aad_ids = property(lambda self: self._ids("headteacher_ids"))
    teams_chair_aad_ids = property(lambda self: self._ids("chair_ids"))
    teams_insecure_dev = property(lambda self: False)

    def _ids(self, key: str) -> tuple[str, ...]:
        school = self._registry.get(self.bot.school)
        return tuple(school.setting(key) or ()) if school else ()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._base, name)


def record_registrations(
    settings: TeamsSettings, registry: SchoolRegistry, names: Mapping[str, str] | None = None
) -> list[SchoolRecord]:
    """Each configured registration recorded in the registry (its school's row linked to the
    app id, created when new, named from ``names`` (slug -> school.toml's name) or its slug).
    Its Teams admins (Entra object ids) become exactly those the configuration names, so
    taking someone off the list takes their admin rights away at the next start; its Slack
    admins (Slack user ids) are kept."""
    records = []
    for bot in settings.teams_bots:
        name = (names or {}).get(bot.school) or bot.school
        registry.register_teams_app(bot.app_id, name, slug=bot.school)
        school = registry.get(bot.school)
        others = [a for a in (school.admin_ids if school else ()) if not is_entra_id(a)]
        records.append(registry.set_admins(bot.school, [*others, *bot.admins]))
        log.info("Teams bot %s serves school %s", bot.app_id, bot.school)
    return records


@dataclass
class Registrations:
    """The bots of every registration, by app id (lower case)."""

    bots: dict[str, TeamsBot]

    def bot_for(self, activity: Any) -> TeamsBot | None:
        recipient = activity.get("recipient") if isinstance(activity, dict) else None
        bot_id = recipient.get("id") if isinstance(recipient, dict) else None
        if not isinstance(bot_id, str) or not bot_id.startswith(BOT_PREFIX):
            return None
        return self.bots.get(bot_id[len(BOT_PREFIX) :].lower())

    async def handle(self, request: web.Request) -> web.Response:
        try:
            activity = await request.json()
        except ValueError:
            return refuse(Refused("body is not JSON", 400))
        bot = self.bot_for(activity)
        if bot is None:
            return refuse(Refused("recipient is not a bot served here"))
        return await bot.handle(request)


REGISTRATIONS_KEY = web.AppKey("teams_registrations", Registrations)


def build_registrations(
    settings: TeamsSettings,
    answerer: Answers,
    store: Store | None,
    registry: SchoolRegistry,
    *,
    escalations: EscalationService | None = None,
    kick: Callable[[], None] | None = None,
    usage: Any = None,
    is_admin: Any = None,
    library: Any = None,
    policy_for: PolicyFor | None = None,
    connections_for: ConnectionsFor | None = None,
) -> Registrations:
    """One bot per registration; ``policy_for`` / ``connections_for`` (tests: the loopback
    JWKS and token fakes) default to the registration's real token policy and MSAL."""
    bots: dict[str, TeamsBot] = {}
    for bot in settings.teams_bots:
        own: Any = RegistrationSettings(settings, bot, registry)
        bots[bot.app_id.lower()] = build_teams(
            own,
            answerer,
            store,
            escalations=escalations,
            kick=kick,
            policy=(policy_for or token_policy)(own),
            usage=usage,
            is_admin=is_admin,
            library=library,
            connections=connections_for(own) if connections_for else None,
            school=bot.school,
            registry=registry,
        )
    return Registrations(bots)


def registrations_mount(
    settings: TeamsSettings,
    answerer: Answers,
    store: Store | None,
    registry: SchoolRegistry,
    **options: Any,
) -> Mount:
    """A mount adding ``POST /api/messages`` that serves every registration (options: those
    of :func:`build_registrations`)."""

    def mount(app: web.Application) -> None:
        registrations = build_registrations(settings, answerer, store, registry, **options)
        app[REGISTRATIONS_KEY] = registrations
        app.router.add_post(TEAMS_PATH, _messages)
        log.info("Teams endpoint mounted at %s for %d bots", TEAMS_PATH, len(registrations.bots))

    return mount


async def _messages(request: web.Request) -> web.Response:
    return await request.app[REGISTRATIONS_KEY].handle(request)


class RegistrationsNotifier:
    """The outbox's Teams notifier with several registrations: each escalation goes out
    through its school's registration (its credentials, its directory, its people)."""

    def __init__(self, notifiers: Mapping[str, TeamsNotifier]) -> None:
        self.notifiers = dict(notifiers)  # school slug -> its registration's notifier

    def deliver(self, item: OutboxItem, escalation: Escalation) -> DeliveryReceipt | None:
        return self._for(escalation).deliver(item, escalation)

    def find_existing(self, item: OutboxItem, escalation: Escalation) -> DeliveryReceipt | None:
        return self._for(escalation).find_existing(item, escalation)

    def _for(self, escalation: Escalation) -> TeamsNotifier:
        notifier = self.notifiers.get(escalation.school or "")
        if notifier is None:
            raise DeliveryError(f"no Teams bot serves school {escalation.school}", 300)
        return notifier


def registrations_notifier(
    settings: TeamsSettings,
    refs: Refs | None,
    registry: SchoolRegistry,
    catalogue: Any = None,
    connections_for: ConnectionsFor | None = None,
    policy_for: PolicyFor | None = None,
) -> RegistrationsNotifier:
    notifiers = {}
    for bot in settings.teams_bots:
        own: Any = RegistrationSettings(settings, bot, registry)
        connections = connections_for(own) if connections_for else build_connections(own)
        policy = (policy_for or token_policy)(own)
        adapter = build_adapter(own, connections, policy)
        connector = TeamsConnector(adapter, bot.app_id)
        notifier = TeamsNotifier(connector, Directory(refs, scope=bot.app_id), own)
        notifier.catalogue = catalogue
        notifiers[bot.school] = notifier
    return RegistrationsNotifier(notifiers)
