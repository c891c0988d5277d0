"""Raising a concern through Slack, over real HTTP, with a real SQLite store and the outbox
worker running as ``policybot serve`` runs it, against the fake Slack Web API."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest

from bot import messages
from bot.serve.config import Settings
from bot.serve.runtime import Runtime
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_signing import action_body, command_body
from tests.slack.answers import CLAUSE, StubAnswerer
from tests.slack.live import LiveServer, running

DSL_CHANNEL = "GDSL"


@pytest.fixture
def runtime(settings: Settings, tmp_path, answerer: StubAnswerer) -> Iterator[Runtime]:
    settings = replace(
        settings,
        database_url=f"sqlite:///{tmp_path / 'policybot.db'}",
        dsl_channel_id=DSL_CHANNEL,
        headteacher_user_ids=("UHEAD",),
        chair_user_ids=("UCHAIR",),
    )
    with running(settings, answerer) as rt:
        yield rt


@pytest.fixture
def live(runtime: Runtime) -> Iterator[LiveServer]:
    with LiveServer(runtime.web_app()) as server:
        yield server


def click(live: LiveServer, action_id: str, value: str, user: str = "U100", **extra) -> None:
    payload = {
        "type": "block_actions",
        "user": {"id": user},
        "trigger_id": "trig",
        "actions": [{"action_id": action_id, "value": value, "block_id": "b"}],
        **extra,
    }
    assert live.action(action_body(payload)).status_code == 200


def submit(live: LiveServer, view: dict, details: str, risk="no", about="no", told="no") -> dict:
    state = {
        "details": {"details": {"type": "plain_text_input", "value": details}},
        "risk": {"risk": {"selected_option": {"value": risk}}},
        "about": {"about": {"selected_option": {"value": about}}},
        "told": {"told": {"selected_option": {"value": told}}},
    }
    payload = {
        "type": "view_submission",
        "user": {"id": "U100"},
        "view": {**view, "id": "V1", "state": {"values": state}},
    }
    response = live.action(action_body(payload))
    assert response.status_code == 200
    return response.json()


def open_modal(live: LiveServer, fake: FakeSlackAPI) -> dict:
    live.command(command_body("can I follow an ex-pupil?", fake.response_url("q")))
    (answer,) = fake.wait_for("response_url")
    raise_value = next(
        e["value"]
        for b in answer.body["blocks"]
        for e in b.get("elements", [])
        if isinstance(e.get("text"), dict) and e["text"]["text"] == "Raise with DSL"
    )
    click(live, "raise_dsl", raise_value)
    return fake.wait_for("views.open")[-1].body["view"]


def wait_until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def posts_to(fake: FakeSlackAPI, channel: str) -> list:
    return [c for c in fake.calls_to("chat.postMessage") if c.body["channel"] == channel]


def test_full_flow_raise_claim_resolve(live: LiveServer, fake_slack: FakeSlackAPI, runtime):
    modal = open_modal(live, fake_slack)
    shown = json.dumps(modal)
    assert "can I follow an ex-pupil?" in shown and CLAUSE in shown
    assert messages.RAISE_DETAILS_HINT in shown

    click(
        live,
        "risk",
        "",
        view={**modal, "id": "V1", "hash": "h1"},
        actions=[{"action_id": "risk", "block_id": "risk", "selected_option": {"value": "unsure"}}],
    )
    (update,) = fake_slack.wait_for("views.update")
    assert "call 999 and find the DSL now" in update.text() and "01234 567890" in update.text()

    reply = submit(live, modal, "Pupil X showed me messages from a teacher's account.")
    (esc,) = runtime.escalations.list_all()
    assert reply["response_action"] == "update" and esc.ref in json.dumps(reply)
    (dsl_post,) = fake_slack.wait_for_where("chat.postMessage", channel=DSL_CHANNEL)
    assert esc.ref in dsl_post.shown() and "Pupil X showed me" in dsl_post.shown()
    assert "Claim" in dsl_post.shown() and "Resolve" in dsl_post.shown()
    (receipt,) = fake_slack.wait_for_where("chat.postMessage", channel="D100")
    assert esc.ref in receipt.shown() and "delivering to" in receipt.shown()
    (delivered,) = fake_slack.wait_for_where("chat.update", channel="D100")
    assert delivered.body["ts"] == fake_slack.messages["D100"][0]["ts"]  # the same message
    assert f"{esc.ref}: Delivered to the Designated Safeguarding Lead at" in delivered.shown()

    click(live, "escalation_claim", esc.ref, user="U200", channel={"id": DSL_CHANNEL})
    (refusal,) = fake_slack.wait_for("chat.postEphemeral")
    assert refusal.body["text"] == messages.ESCALATION_NOT_ALLOWED
    assert refusal.body["user"] == "U200"
    assert runtime.escalations.get(esc.ref).status == "new"

    click(live, "escalation_claim", esc.ref, user="UDSL", channel={"id": DSL_CHANNEL})
    (claimed,) = fake_slack.wait_for_where("chat.update", channel=DSL_CHANNEL)
    assert "claimed by <@UDSL>" in claimed.shown()
    fake_slack.wait_for_where("chat.postMessage", 2, channel="D100")

    click(live, "escalation_resolve", esc.ref, user="UDSL", channel={"id": DSL_CHANNEL})
    updates = fake_slack.wait_for_where("chat.update", 2, channel=DSL_CHANNEL)
    assert "resolved by <@UDSL>" in updates[-1].shown()
    to_reporter = fake_slack.wait_for_where("chat.postMessage", 3, channel="D100")
    assert "resolved" in to_reporter[-1].shown()
    assert runtime.escalations.get(esc.ref).status == "resolved"
    assert len(posts_to(fake_slack, DSL_CHANNEL)) == 1


def test_slack_outage_during_submission_delivers_once_after_recovery(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime
):
    fake_slack.fail_next("chat.postMessage", times=3, status=500)
    fake_slack.fail_next("conversations.open", times=1, status=429, retry_after=1)
    modal = open_modal(live, fake_slack)
    reply = submit(live, modal, "details", risk="yes")
    (esc,) = runtime.escalations.list_all()
    assert esc.ref in json.dumps(reply)
    fake_slack.wait_for_where("chat.postMessage", channel=DSL_CHANNEL)
    fake_slack.wait_for_where("chat.postMessage", channel="D100")
    runtime.outbox.deliver_due()
    assert len(posts_to(fake_slack, DSL_CHANNEL)) == 1
    assert len(posts_to(fake_slack, "D100")) == 1
    failed = [
        c for c in fake_slack.calls_to("chat.postMessage", include_failed=True) if c.status != 200
    ]
    assert len(failed) == 3
    assert wait_until(lambda: runtime.outbox.pending() == 0)


def test_allegation_about_staff_goes_to_the_headteacher_only(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime
):
    modal = open_modal(live, fake_slack)
    submit(live, modal, "A colleague messages pupils privately.", about="staff")
    (post,) = fake_slack.wait_for_where("chat.postMessage", channel="DHEAD")
    assert "A colleague messages pupils" in post.shown()
    fake_slack.wait_for_where("chat.postMessage", channel="D100")
    assert posts_to(fake_slack, DSL_CHANNEL) == []


def test_mentions_in_details_are_escaped(live: LiveServer, fake_slack: FakeSlackAPI, runtime):
    modal = open_modal(live, fake_slack)
    submit(live, modal, "<!channel> <@U999> <https://evil.test|click> & more")
    (post,) = fake_slack.wait_for_where("chat.postMessage", channel=DSL_CHANNEL)
    for token in ("<!channel>", "<@U999>", "<https://evil"):
        assert token not in post.shown()
    assert "&lt;!channel&gt; &lt;@U999&gt;" in post.shown()


def test_store_failure_tells_the_reporter_to_go_in_person(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime
):
    modal = open_modal(live, fake_slack)
    with runtime.store.engine.begin() as conn:  # the database breaks under us
        conn.exec_driver_sql("ALTER TABLE escalations RENAME TO escalations_gone")
    reply = submit(live, modal, "details")
    assert messages.STORE_UNAVAILABLE in json.dumps(reply)
    assert posts_to(fake_slack, DSL_CHANNEL) == []


def test_dsl_app_home_lists_open_escalations(live: LiveServer, fake_slack: FakeSlackAPI, runtime):
    from tests.fakes.slack_signing import event_body

    modal = open_modal(live, fake_slack)
    submit(live, modal, "details", risk="yes")
    (esc,) = runtime.escalations.list_all()
    live.event(event_body({"type": "app_home_opened", "user": "UDSL", "tab": "home"}, "EvH1"))
    live.event(event_body({"type": "app_home_opened", "user": "U100", "tab": "home"}, "EvH2"))
    homes = {c.body["user_id"]: c for c in fake_slack.wait_for("views.publish", 2)}
    assert esc.ref in homes["UDSL"].shown() and "urgent" in homes["UDSL"].shown()
    assert esc.ref not in homes["U100"].shown()
