"""The escalation core: raising a concern with the DSL, delivering it exactly once, and
acting on it. Platform-free: it speaks roles ("dsl", "headteacher", "chair"); each skin turns
a role into an address.

    service.py      EscalationService: submit, claim, resolve, record; who may act
    people.py       the roles (dsl, headteacher, chair) and People, who holds each
    actions.py      a person acting from a chat skin, off the event loop, with the outcome worded
    form.py         the "Raise with DSL" form's questions and how a sent form becomes a report
    view.py         the DSL's message, the reporter's receipts and reminders, platform-neutral
    outbox.py       the worker that delivers outbox rows through a skin's Notifier
    delivery.py     which roles an outbox item goes to (the skin gives their addresses),
                    and how long to wait after a refusal
    reminders.py    reminders for escalations nobody has claimed
    export.py       export for CPOMS / MyConcern, and purging old details

Imports: bot.store, bot.errors, bot.messages. Never bot.answering's presenter, a skin or
the settings bag.
"""
