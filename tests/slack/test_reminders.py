"""Reminders on Slack: the escalation core names roles, and the Slack notifier turns each role
into direct messages (the DSLs' own, even when concerns are posted in a DSL channel), over
real HTTP to the fake Web API."""

from __future__ import annotations

import json
from dataclasses import replace

from bot import messages
from bot.escalation.outbox import Outbox, PlatformNotifier
from bot.serve.wiring import build_reminders, escalation_service, slack_notifier
from tests.chat_limits import block_kit_problems
from tests.fakes.concerns import make_report

DSL_ROUTE = messages.ROUTE_NAMES["dsl"]


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
    first = messages.ESCALATION_REMINDER.format(ref=esc.ref, route_name=DSL_ROUTE, minutes=60)
    assert [reminded(c) for c in ("DDSL", "DDEPUTY", "DHEAD", "GDSL")] == [[first], [first], [], []]

    clock.advance(minutes=60)
    reminders.enqueue_due()
    outbox.deliver_due()
    last = messages.ESCALATION_REMINDER.format(ref=esc.ref, route_name=DSL_ROUTE, minutes=120)
    assert [reminded(c) for c in ("DDSL", "DDEPUTY", "DHEAD")] == [[first, last]] * 2 + [[last]]


def test_an_urgent_concern_mentions_and_dms_every_dsl_then_adds_the_headteacher(
    fake_slack, settings, store, clock
) -> None:
    """Issue 17: the urgent post @-mentions the DSLs, each gets an URGENT DM at once, and
    after POLICYBOT_URGENT_WIDEN_MINUTES unclaimed the headteacher is reminded too."""
    settings = replace(
        settings,
        dsl_channel_id="GDSL",
        dsl_user_ids=("UDSL", "UDEPUTY"),
        headteacher_user_ids=("UHEAD",),
        urgent_widen_minutes=5,
    )
    service = escalation_service(store, settings, clock)
    esc = service.submit(make_report(immediate_risk="yes"))
    outbox = Outbox(store, PlatformNotifier({"slack": slack_notifier(settings)}), clock=clock)
    reminders = build_reminders(store, settings, clock)
    outbox.deliver_due()

    [post] = fake_slack.messages["GDSL"]
    assert block_kit_problems(post["blocks"], post["text"]) == []
    assert post["text"].startswith("URGENT") and esc.ref in post["text"]
    alert = json.dumps(post["blocks"][:2])
    assert "<@UDSL>" in alert and "<@UDEPUTY>" in alert and "<@UHEAD>" not in alert
    dm = messages.ESCALATION_URGENT_ALERT.format(ref=esc.ref, risk="Yes")
    texts = {c: [m["text"] for m in fake_slack.messages.get(c, [])] for c in ("DDSL", "DDEPUTY")}
    assert texts == {"DDSL": [dm], "DDEPUTY": [dm]} and dm.startswith("URGENT")
    assert "DHEAD" not in fake_slack.messages

    clock.advance(minutes=5)
    reminders.enqueue_due()
    outbox.deliver_due()
    reminded = messages.ESCALATION_URGENT_MARK + messages.ESCALATION_REMINDER.format(
        ref=esc.ref, route_name=DSL_ROUTE, minutes=5
    )
    for channel in ("DDSL", "DDEPUTY", "DHEAD"):
        assert fake_slack.messages[channel][-1]["text"] == reminded
    actions = [(a.action, a.detail) for a in service.audit(esc.ref)]
    assert actions == [
        ("submitted", None),
        ("urgent_alerted", "dsl"),
        ("reminded", "1:dsl+headteacher"),
    ]


def test_a_normal_concern_mentions_nobody(fake_slack, settings, store, clock) -> None:
    settings = replace(settings, dsl_channel_id="GDSL", dsl_user_ids=("UDSL",))
    escalation_service(store, settings, clock).submit(make_report())
    Outbox(store, PlatformNotifier({"slack": slack_notifier(settings)}), clock=clock).deliver_due()
    [post] = fake_slack.messages["GDSL"]
    assert "<@UDSL>" not in json.dumps(post["blocks"]) and not post["text"].startswith("URGENT")
    assert "DDSL" not in fake_slack.messages


def test_a_reminder_carries_route_age_a_claim_button_and_a_link_to_the_post(
    fake_slack, settings, store, clock
) -> None:
    settings = replace(settings, dsl_channel_id="GDSL", dsl_user_ids=("UDSL",))
    esc = escalation_service(store, settings, clock).submit(make_report())
    outbox = Outbox(store, PlatformNotifier({"slack": slack_notifier(settings)}), clock=clock)
    outbox.deliver_due()
    [post] = fake_slack.messages["GDSL"]
    clock.advance(minutes=60)
    build_reminders(store, settings, clock).enqueue_due()
    outbox.deliver_due()

    [reminder] = fake_slack.messages["DDSL"]
    assert block_kit_problems(reminder["blocks"], reminder["text"]) == []
    shown = json.dumps(reminder["blocks"])
    for fact in (esc.ref, messages.ROUTE_NAMES["dsl"], "60 minutes"):
        assert fact in shown
    link = f"https://fake.slack.test/archives/GDSL/p{post['ts'].replace('.', '')}"
    assert f"<{link}|{messages.REMINDER_OPEN}>" in shown
    [actions] = [b for b in reminder["blocks"] if b["type"] == "actions"]
    [claim] = actions["elements"]
    assert (claim["text"]["text"], claim["value"]) == (messages.BUTTON_CLAIM, esc.ref)
    assert claim["action_id"] == "escalation_claim"  # the post's own Claim action
    assert fake_slack.calls_to("chat.getPermalink")
