"""The Slack skin: a thin slack_bolt layer over the answer and escalation cores.

    app.py              the AsyncApp: build_app(settings, answerer, ...) and its listeners
    listeners/          events (mentions, DMs, App Home), commands, actions, views, escalations
    blocks.py           Block Kit drawn from bot.answering.presenter's AnswerView
    escalation_blocks.py  the "Raise with DSL" modal, the DSL's message, receipts
    home.py             the App Home tab
    home_settings.py    App Home's Settings button and modal, for a school's admins
    install.py          OAuth install (many workspaces), uninstall events, per-team tokens
    deps.py             what the listeners need, in one object (SlackDeps)
    notifier.py         the outbox Notifier for escalations raised on Slack
    settings.py         the settings this skin reads (SlackSettings)
    text.py             a question from a message (mentions and markup removed)

Imports: bot.chat, the core (answering, escalation, store) and base. Never bot.teams, bot.serve
or bot.cli. Whether Slack is served at all is bot.serve.wiring.slack_enabled.
"""
