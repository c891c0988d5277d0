"""Settings -> objects. The core (answering, escalation) and the skins take plain arguments;
this module is where the settings bag is read to build them.

    answerer = build_answerer(settings)          # loads (builds, when stale) the index once
    service = escalation_service(store, settings)
    reminders = build_reminders(store, settings)
    notifier = teams_notifier(settings, store)    # and slack_notifier(settings)
    if slack_enabled(settings): ...               # which skins this deployment serves
    usage = question_usage(store, settings)       # counts questions for the admin's summary
    is_admin = admin_check(settings)              # (school, user id) -> sees the summary
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from bot.answering.answerer import Answerer
from bot.serve.config import Settings
from bot.teams import teams_enabled
from indexer.build import BuildReport
from indexer.embedding import ModelChoice

if TYPE_CHECKING:  # imported where used, so `policybot ask` does not load SQLAlchemy
    from bot.chat.catalogue import IndexCatalogue
    from bot.chat.skin import IsAdmin
    from bot.chat.usage import Usage
    from bot.escalation.people import People
    from bot.escalation.reminders import Reminders
    from bot.escalation.service import EscalationService
    from bot.policies.answers import SchoolAnswers
    from bot.policies.library import SchoolLibrary
    from bot.policies.sources import Sources
    from bot.slack.install import Installs
    from bot.slack.notifier import SlackNotifier
    from bot.store import Store
    from bot.store.records import Clock
    from bot.store.schools import SchoolRegistry
    from bot.teams.directory import Refs
    from bot.teams.notifier import TeamsNotifier
    from bot.teams.registrations import RegistrationsNotifier


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


def school_library(store: Store, settings: Settings) -> SchoolLibrary:
    """Each school's own policies and index under POLICYBOT_DATA_DIR/schools/<slug>/."""
    from bot.policies.library import SchoolLibrary
    from bot.store.school_docs import SchoolDocs

    return SchoolLibrary(
        SchoolDocs(store), settings.data_dir, settings.parse_memory_mb, model=model_choice(settings)
    )


def sources(library: SchoolLibrary, settings: Settings) -> Sources:
    """Web sources (``policybot sources``), allowed to link to POLICYBOT_SOURCE_HOSTS too."""
    from bot.policies.sources import Sources

    return Sources(library, allow_hosts=settings.source_hosts)


def school_answers(settings: Settings, library: SchoolLibrary, base: object) -> SchoolAnswers:
    """Answers from a school's own index when it has one, else from ``base`` (the corpus
    index); at most POLICYBOT_MAX_LOADED_SCHOOLS school indexes in memory."""
    from bot.policies.answers import SchoolAnswers

    model = model_choice(settings)
    answers = SchoolAnswers(
        base,
        library.docs,
        settings.data_dir,
        settings.max_loaded_schools,
        encoder=lambda: _encoder(model),
    )
    library.on_change.append(answers.changed)  # this worker's own builds: at once
    return answers


def _encoder(model: ModelChoice) -> object:
    from indexer.embedding import default_encoder

    return default_encoder(model).encoder


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
    store: Store,
    settings: Settings,
    clock: Clock | None = None,
    registry: SchoolRegistry | None = None,
) -> EscalationService:
    """``registry`` (OAuth mode): each installed school's people as its admin set them."""
    from bot.escalation.schools import LiveSchoolPeople, all_school_people
    from bot.escalation.service import EscalationService

    schools: Mapping[str, People] = all_school_people(settings.corpus_dir)
    if registry is not None:
        schools = LiveSchoolPeople(schools, registry)
    who = people(settings)
    return EscalationService(
        store,
        who.dsl_ids,
        who.headteacher_ids,
        who.chair_ids,
        clock=clock or store.clock,
        dsl_destination=bool(settings.dsl_channel_id),
        schools=schools,  # a trust, or installed schools: each school's own people
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


def slack_notifier(
    settings: Settings, answerer: Answerer | None = None, installs: Installs | None = None
) -> SlackNotifier:
    """Delivers escalations raised on Slack (SLACK_BOT_TOKEN, SLACK_API_URL); with the
    ``answerer``, the DSL's post names the school and quotes the clause; in OAuth mode
    (``installs``) with each escalation's workspace token and its school's own people."""
    from slack_sdk import WebClient

    from bot.escalation.schools import LiveSchoolPeople, school_people
    from bot.slack.install import TeamClients
    from bot.slack.notifier import SlackNotifier

    client = WebClient(settings.slack_bot_token, base_url=settings.slack_api_url, timeout=10)
    schools: Mapping[str, People] = school_people(settings.corpus_dir, "slack")
    if installs is None:
        return SlackNotifier(client, settings, schools, catalogue(answerer))
    clients = TeamClients(installs.stores, settings.slack_api_url)
    live = LiveSchoolPeople(schools, installs.registry)
    return SlackNotifier(client, settings, live, catalogue(answerer), clients=clients.for_team)


def slack_installs(store: Store, settings: Settings) -> Installs | None:
    """OAuth mode (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET): the installation and state
    stores on the project's database, and the school registry; else None."""
    if not settings.slack_oauth:
        return None
    from bot.slack.install import AsyncStores, Installs
    from bot.store.schools import SchoolRegistry

    stores = AsyncStores(str(settings.slack_client_id), store.engine)
    registry = SchoolRegistry(store)
    return Installs(stores, registry, settings.slack_api_url, settings.school_map)


def teams_registry(
    store: Store, settings: Settings, registry: SchoolRegistry | None = None
) -> SchoolRegistry | None:
    """``registry`` (OAuth mode's), or one of its own for several Teams bots
    (POLICYBOT_TEAMS_BOTS), with each bot recorded against its school and the admins the
    configuration names; None when neither."""
    if not settings.teams_bots:
        return registry
    from bot.store.schools import SchoolRegistry
    from bot.teams.registrations import record_registrations

    registry = registry or SchoolRegistry(store)
    record_registrations(settings, registry, school_names(settings))
    return registry


def school_names(settings: Settings) -> dict[str, str]:
    """The name each Teams bot's school has in its school.toml (its corpus folder), by slug."""
    from indexer.corpus import read_school

    folders = (settings.corpus_dir / bot.school for bot in settings.teams_bots)
    return {f.name: read_school(f).name for f in folders if (f / "school.toml").is_file()}


def teams_notifier(
    settings: Settings,
    refs: Refs | None = None,
    answerer: Answerer | None = None,
    registry: SchoolRegistry | None = None,
) -> TeamsNotifier | RegistrationsNotifier:
    """Delivers escalations raised on Teams, reaching people through the store's directory;
    with the ``answerer``, the DSL's card names the school and quotes the clause. Several
    bots (POLICYBOT_TEAMS_BOTS, with the ``registry``): each school's through its own bot."""
    if settings.teams_bots and registry is not None:
        from bot.teams.registrations import registrations_notifier

        return registrations_notifier(settings, refs, registry, catalogue(answerer))
    from bot.escalation.schools import school_people
    from bot.teams.auth import build_adapter
    from bot.teams.connector import TeamsConnector
    from bot.teams.directory import Directory
    from bot.teams.notifier import TeamsNotifier

    connector = TeamsConnector(build_adapter(settings), settings.microsoft_app_id)
    notifier = TeamsNotifier(connector, Directory(refs), settings)
    notifier.schools = school_people(settings.corpus_dir, "teams")  # a trust: per school
    notifier.catalogue = catalogue(answerer)
    return notifier


def catalogue(answerer: Answerer | None) -> IndexCatalogue | None:
    """Names for the DSL's post (the school's, the clause's text) from the loaded index."""
    from bot.chat.catalogue import IndexCatalogue

    return IndexCatalogue(answerer) if answerer is not None else None


def slack_enabled(settings: Settings) -> bool:
    """Slack is served when SLACK_BOT_TOKEN (or OAuth's SLACK_CLIENT_ID / _SECRET) is set, or
    when Teams is not configured either (then the missing token is the first thing
    ``policybot doctor`` and ``serve`` report)."""
    return bool(settings.slack_bot_token or settings.slack_oauth) or not teams_enabled(settings)


def question_usage(store: Store, settings: Settings) -> Usage:
    """Counts every answered question (never its text) for the admin's monthly summary.
    POLICYBOT_UNANSWERED_SAMPLE=1 also keeps the 30-day sample of unanswered, non-concern
    questions, for every school on this deployment (per school once schools have settings)."""
    from bot.chat.usage import Usage
    from bot.store.question_stats import QuestionStats

    sample = settings.unanswered_sample
    return Usage(QuestionStats(store), sample_for=lambda school: sample)


def admin_check(settings: Settings, registry: SchoolRegistry | None = None) -> IsAdmin:
    """Who is a school's admin (its summary, settings, documents): in OAuth mode the school's
    registered admins (the installer, and whoever they add); otherwise, and for a school the
    registry does not know, that school's DSLs (its school.toml's, else DSL_USER_IDS /
    TEAMS_DSL_AAD_IDS)."""
    from bot.escalation.schools import all_school_people

    schools = all_school_people(settings.corpus_dir)
    everyone = people(settings).dsl_ids

    def is_admin(school: str | None, user_id: str) -> bool:
        if not user_id:
            return False
        if registry is not None and school and registry.get(school) is not None:
            return registry.is_admin(school, user_id)
        own = schools.get(school) if school else None
        return user_id in (own.dsl_ids if own else everyone)

    return is_admin
