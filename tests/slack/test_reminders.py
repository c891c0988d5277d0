"""Reminders on Slack: the escalation core names roles, and the Slack notifier turns each role
into direct messages (the DSLs' own, even when concerns are posted in a DSL channel), over
real HTTP to the fake Web API."""

from __future__ import annotations

from dataclasses import replace

from bot import messages
from bot.escalation.outbox import Outbox, PlatformNotifier
from bot.serve.wiring import build_reminders, escalation_service, slack_notifier
from tests.fakes.concerns import make_report


def test_normal_reminders_dm_the_dsls_and_the_last_one_the_headteacher_too(
    fake_slack, settings, store, clock
) -> None:
    settings = replace(
        settings,
        dsl_channel_id="GDSL",
        dsl_user_ids=("UDSL", "UDEPUTY"),
        headteacher_user_ids=("UHEAD",),
    )
    esc = escalation_service(store, settings, clock).submit(make_report())
    outbox = Outbox(store, PlatformNotifier({"slack": slack_notifier(settings)}), clock=clock)
    reminders = build_reminders(store, settings, clock)
    outbox.deliver_due()  # the DSL channel's message and the reporter's receipt

    def reminded(channel: str) -> list[str]:
        texts = [m["text"] for m in fake_slack.messages.get(channel, [])]
        return [t for t in texts if t.startswith("Reminder:")]

    clock.advance(minutes=60)
    reminders.enqueue_due()
    outbox.deliver_due()
    first = messages.ESCALATION_REMINDER.format(ref=esc.ref, minutes=60)
    assert [reminded(c) for c in ("DDSL", "DDEPUTY", "DHEAD", "GDSL")] == [[first], [first], [], []]

    clock.advance(minutes=60)
    reminders.enqueue_due()
    outbox.deliver_due()
    last = messages.ESCALATION_REMINDER.format(ref=esc.ref, minutes=120)
    assert [reminded(c) for c in ("DDSL", "DDEPUTY", "DHEAD")] == [[first, last]] * 2 + [[last]]
