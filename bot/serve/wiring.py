"""Settings -> objects. The core (answering, escalation) and the skins take plain arguments;
this module is where the settings bag is read to build them.

    answerer = build_answerer(settings)          # loads (builds, when stale) the index once
    service = escalation_service(store, settings)
    reminders = build_reminders(store, settings)
    notifier = teams_notifier(settings, store)    # and slack_notifier(settings)
    if slack_enabled(settings): ...               # which skins this deployment serves
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.answering.answerer import Answerer
from bot.serve.config import Settings
from bot.teams import teams_enabled
from indexer.build import BuildReport
from indexer.embedding import ModelChoice

if TYPE_CHECKING:  # imported where used, so `policybot ask` does not load SQLAlchemy
    from bot.escalation.people import People
    from bot.escalation.reminders import Reminders
    from bot.escalation.service import EscalationService
    from bot.slack.notifier import SlackNotifier
    from bot.store import Store
    from bot.store.records import Clock
    from bot.teams.directory import Refs
    from bot.teams.notifier import TeamsNotifier


def build_answerer(
    settings: Settings, on_build: Callable[[BuildReport], None] | None = None
) -> Answerer:
    """The answer core over POLICYBOT_INDEX, refreshed from POLICYBOT_CORPUS when stale."""
    return Answerer.from_corpus(
        settings.corpus_dir,
        settings.index_path,
        settings.default_school,
        on_build,
        model=model_choice(settings),
    )


def model_choice(settings: Settings) -> ModelChoice:
    """The embedding model POLICYBOT_EMBEDDING_MODEL / POLICYBOT_EMBEDDING_SHA256 name."""
    return ModelChoice(settings.embedding_model, settings.embedding_sha256)


def people(settings: Settings) -> People:
    """Who holds each role (DSL and deputies, headteacher, chair of governors) by the ids they
    act under: Slack user ids and Teams AAD object ids."""
    from bot.escalation.people import People

    def both(slack: tuple[str, ...], teams: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*slack, *teams)))

    return People(
        both(settings.dsl_user_ids, settings.teams_dsl_aad_ids),
        both(settings.headteacher_user_ids, settings.teams_headteacher_aad_ids),
        both(settings.chair_user_ids, settings.teams_chair_aad_ids),
    )


def escalation_service(
    store: Store, settings: Settings, clock: Clock | None = None
) -> EscalationService:
    from bot.escalation.schools import all_school_people
    from bot.escalation.service import EscalationService

    who = people(settings)
    return EscalationService(
        store,
        who.dsl_ids,
        who.headteacher_ids,
        who.chair_ids,
        clock=clock or store.clock,
        dsl_destination=bool(settings.dsl_channel_id),
        schools=all_school_people(settings.corpus_dir),  # a trust: each school's own people
    )


def build_reminders(store: Store, settings: Settings, clock: Clock | None = None) -> Reminders:
    """POLICYBOT_REMINDERS_URGENT / _NORMAL: minutes after raising, for unclaimed concerns;
    POLICYBOT_DELIVERY_DEADLINE_MINUTES / _URGENT_MINUTES: then "not delivered yet";
    POLICYBOT_URGENT_WIDEN_MINUTES: then urgent reminders add the headteacher (or chair)."""
    from bot.escalation.reminders import Reminders

    return Reminders(
        store,
        settings.reminder_urgent_minutes,
        settings.reminder_normal_minutes,
        clock or store.clock,
        (settings.delivery_deadline_minutes, settings.delivery_deadline_urgent_minutes),
        settings.urgent_widen_minutes,
    )


def slack_notifier(settings: Settings) -> SlackNotifier:
    """Delivers escalations raised on Slack (SLACK_BOT_TOKEN, SLACK_API_URL)."""
    from slack_sdk import WebClient

    from bot.escalation.schools import school_people
    from bot.slack.notifier import SlackNotifier

    client = WebClient(settings.slack_bot_token, base_url=settings.slack_api_url, timeout=10)
    return SlackNotifier(client, settings, school_people(settings.corpus_dir, "slack"))


def teams_notifier(settings: Settings, refs: Refs | None = None) -> TeamsNotifier:
    """Delivers escalations raised on Teams, reaching people through the store's directory."""
    from bot.escalation.schools import school_people
    from bot.teams.auth import build_adapter
    from bot.teams.connector import TeamsConnector
    from bot.teams.directory import Directory
    from bot.teams.notifier import TeamsNotifier

    connector = TeamsConnector(build_adapter(settings), settings.microsoft_app_id)
    notifier = TeamsNotifier(connector, Directory(refs), settings)
    notifier.schools = school_people(settings.corpus_dir, "teams")  # a trust: per school
    return notifier


def slack_enabled(settings: Settings) -> bool:
    """Slack is served when SLACK_BOT_TOKEN is set, or when Teams is not configured either
    (then the missing token is the first thing ``policybot doctor`` and ``serve`` report)."""
    return bool(settings.slack_bot_token) or not teams_enabled(settings)
