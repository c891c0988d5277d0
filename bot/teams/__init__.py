"""The Microsoft Teams skin: a thin layer over the answer and escalation core, built on the
Microsoft 365 Agents SDK (``microsoft_agents``), served at ``POST /api/messages`` by the same
``policybot serve`` process as Slack (see :func:`bot.teams.app.teams_mount`).

    app.py          the AgentApplication, the CloudAdapter, the aiohttp route and its auth
    auth.py         MICROSOFT_APP_ID / _PASSWORD / _TENANT_ID -> SDK auth; the bearer check
    handlers/       questions (answers, "setup dsl", help), actions (Action.Submit: raise,
                    feedback), lifecycle (Action.Execute: Claim / Resolve / Record), install,
                    school_settings ("settings": the admin's settings card and its Save)
    cards.py        Adaptive Cards drawn from bot.answering.presenter's AnswerView
    escalation_cards.py  the "Raise with DSL" form, the DSL's card, receipts
    directory.py    what the bot remembers in the store's conversation_refs table
    connector.py    sending, updating and opening 1:1 chats outside a turn (proactive)
    notifier.py     the outbox Notifier for escalations raised on Teams
    doctor.py       policybot doctor's Teams checks
    package.py      the Teams app package (manifest + icons) to sideload
    settings.py     the settings this skin reads (TeamsSettings)
    registration.py one configured bot (POLICYBOT_TEAMS_BOTS: app id -> school)
    registrations.py several bots in one deployment: routing by recipient, per-bot
                    token audience, credentials, directory and outbox notifier
    settings_card.py  the school's settings as an Adaptive Card

What is not about Teams lives in the core and is shared with Slack: the answer layout
(bot.answering.presenter), the form (bot.escalation.form), the DSL's message and the
reporter's texts (bot.escalation.view), acting on an escalation (bot.escalation.actions),
delivery targets (bot.escalation.delivery) and answering again from a button (bot.chat.skin).

Imports: bot.chat, the core (answering, escalation, store) and base. Never bot.slack,
bot.serve or bot.cli.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.teams.settings import TeamsSettings


def teams_enabled(settings: TeamsSettings) -> bool:
    """Teams is served when it is configured: MICROSOFT_APP_ID or POLICYBOT_TEAMS_BOTS
    (authenticated), or
    TEAMS_DSL_AAD_IDS / POLICYBOT_TEAMS_INSECURE_DEV=1 (refused at start without an app id
    unless POLICYBOT_TEAMS_INSECURE_DEV=1: anonymous, on 127.0.0.1, with a loud warning). A
    Slack-only deployment has none and exposes no /api/messages."""
    return bool(
        settings.microsoft_app_id
        or settings.teams_bots
        or settings.teams_dsl_aad_ids
        or settings.teams_insecure_dev
    )
