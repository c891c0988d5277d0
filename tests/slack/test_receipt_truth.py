"""Issue 15, failure 1: the reporter is never told "sent" while nothing was delivered.

Over real HTTP against the fake Slack Web API, with the outbox worker running: the DSL
channel is down (chat.postMessage to it answers 500) while the reporter's DMs work. The
modal and the DM say "Stored with reference ESC-…; delivering"; past the delivery deadline
the same DM says "Not delivered yet: please speak to the DSL in person" with the DSL's name
and phone; only after the DSL's post went out does it say "Delivered … at HH:MM"."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.serve.runtime import Runtime
from bot.store.records import utc_now
from tests.fakes.slack_api import FakeSlackAPI
from tests.slack import test_escalation_flow as flow
from tests.slack.live import LiveServer
from tests.slack.test_escalation_flow import DSL_CHANNEL, open_modal, submit, wait_until

runtime, live = flow.runtime, flow.live  # the flow's fixtures: DSL channel, head, chair
NOT_DELIVERED = "Not delivered yet: please speak to the DSL in person"


def _dm_texts(fake: FakeSlackAPI) -> list[str]:
    """Every text the reporter's DM showed, in order (posts and edits)."""
    calls = fake.calls_to("chat.postMessage") + fake.calls_to("chat.update")
    mine = [c for c in sorted(calls, key=lambda c: c.at) if c.body.get("channel") == "D100"]
    return [c.body["text"] for c in mine]


@pytest.mark.parametrize(("risk", "late", "early"), [("no", 2.5, 1.5), ("yes", 1.2, 0.5)])
def test_an_outage_of_the_dsl_channel_is_never_reported_as_delivered(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime, risk, late, early
) -> None:
    fake_slack.down.add(DSL_CHANNEL)
    reply = submit(live, open_modal(live, fake_slack), "Pupil X said he sleeps in a car.", risk)
    (esc,) = runtime.escalations.list_all()
    shown = json.dumps(reply)
    assert f"Stored with reference *{esc.ref}*; delivering to" in shown and "sent" not in shown
    fake_slack.wait_for_where("chat.postMessage", channel="D100")
    assert wait_until(lambda: len(fake_slack.calls_to("chat.postMessage", True)) >= 3)

    runtime.reminders.enqueue_due(utc_now() + timedelta(minutes=early))  # not yet late
    runtime.reminders.enqueue_due(utc_now() + timedelta(minutes=late))  # late: say so
    assert wait_until(lambda: any(NOT_DELIVERED in t for t in _dm_texts(fake_slack)))
    told = next(t for t in _dm_texts(fake_slack) if NOT_DELIVERED in t)
    assert "Sarah Miller" in told and "01234 567890" in told
    assert not any("Delivered" in t for t in _dm_texts(fake_slack))
    assert fake_slack.calls_to("chat.update")[0].body["ts"] == fake_slack.messages["D100"][0]["ts"]

    fake_slack.down.clear()  # the outage ends
    assert wait_until(lambda: any("Delivered" in t for t in _dm_texts(fake_slack)), 20)
    (post,) = [
        c for c in fake_slack.calls_to("chat.postMessage") if c.body["channel"] == DSL_CHANNEL
    ]
    delivered = next(c for c in fake_slack.calls_to("chat.update") if "Delivered" in c.body["text"])
    assert post.at <= delivered.at  # "delivered" only once the DSL's post went out
    assert f"{esc.ref}: Delivered to the Designated Safeguarding Lead at " in delivered.body["text"]
    assert len(fake_slack.messages["D100"]) == 1  # one message, edited; never a second "sent"


def test_not_delivered_is_not_said_once_the_post_went_out(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime
) -> None:
    submit(live, open_modal(live, fake_slack), "Pupil Y has bruises on her arms.")
    assert wait_until(lambda: any("Delivered" in t for t in _dm_texts(fake_slack)))
    runtime.reminders.enqueue_due(utc_now() + timedelta(minutes=10))
    assert wait_until(lambda: runtime.outbox.pending() == 0)
    assert not any(NOT_DELIVERED in t for t in _dm_texts(fake_slack))
