"""No question, detail or name text in the logs, at DEBUG, across the whole flow: a slash
command, a mention, a DM, Raise with DSL, submit, outbox delivery, claim, resolve. Every
logger is captured (policybot, slack_bolt, slack_sdk, aiohttp, sqlalchemy ...), configured
exactly as ``LOG_LEVEL=DEBUG`` configures a served process (``bot.logs.configure``)."""

from __future__ import annotations

import logging
import time

import pytest

from bot.logs import LibraryFloor
from bot.serve.runtime import Runtime
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_signing import command_body, event_body
from tests.hardening.conftest import DSL_CHANNEL, Everything
from tests.slack.live import LiveServer
from tests.slack.test_escalation_flow import click, submit, wait_until

NAME = "Zebulon Quigley-Marsh"
QUESTION = f"can I follow {NAME} on Instagram now he has left?"
DETAILS = f"{NAME} (Year 9) messaged me at 11pm saying he is scared to go home"
SECRET_WORDS = ("Zebulon", "Quigley", "scared to go home", "Instagram now he has left")


def _raise_value(call) -> str:
    return next(
        element["value"]
        for block in call.body["blocks"]
        for element in block.get("elements", [])
        if element.get("action_id") == "raise_dsl"
    )


MENTION = {
    "type": "app_mention",
    "user": "U100",
    "ts": "1.1",
    "channel": "C100",
    "text": f"<@UBOT> {QUESTION}",
}


def run_whole_flow(live: LiveServer, fake: FakeSlackAPI, runtime: Runtime) -> str:
    live.command(command_body(QUESTION, fake.response_url("cmd")))
    (answer,) = fake.wait_for("response_url")
    live.event(
        event_body(
            MENTION,
            "EvP1",
        )
    )
    live.event(
        event_body(
            {
                "type": "message",
                "channel_type": "im",
                "channel": "D100",
                "user": "U100",
                "ts": "2.2",
                "text": QUESTION,
            },
            "EvP2",
        )
    )
    fake.wait_for("chat.postMessage", 2)
    click(live, "raise_dsl", _raise_value(answer))
    modal = fake.wait_for("views.open")[-1].body["view"]
    submit(live, modal, DETAILS, risk="unsure")
    (esc,) = runtime.escalations.list_all()
    fake.wait_for_where("chat.postMessage", channel=DSL_CHANNEL)
    click(live, "escalation_claim", esc.ref, user="UDSL", channel={"id": DSL_CHANNEL})
    assert wait_until(lambda: runtime.escalations.get(esc.ref).status == "claimed")
    click(live, "escalation_resolve", esc.ref, user="UDSL", channel={"id": DSL_CHANNEL})
    assert wait_until(lambda: runtime.escalations.get(esc.ref).status == "resolved")
    assert wait_until(lambda: runtime.outbox.pending() == 0)
    dsl_post = fake.wait_for_where("chat.postMessage", channel=DSL_CHANNEL)[0]
    assert NAME in dsl_post.shown()  # the details did reach the DSL, and only there
    return esc.ref


def test_no_question_detail_or_name_text_in_debug_logs(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime, all_logs: Everything
) -> None:
    ref = run_whole_flow(live, fake_slack, runtime)
    logged = all_logs.text()
    assert ref in logged and len(all_logs.lines) >= 5  # the flow was logged, by reference
    leaks = [line[:200] for line in all_logs.lines if any(w in line for w in SECRET_WORDS)]
    assert leaks == []


def test_the_check_would_see_a_library_logging_bodies(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime, all_logs: Everything
) -> None:
    """Without bot.logs holding slack_sdk at WARNING, its DEBUG lines carry the question."""
    logging.getLogger("slack_sdk").setLevel(logging.DEBUG)
    all_logs.filters = [f for f in all_logs.filters if not isinstance(f, LibraryFloor)]
    live.event(
        event_body(
            MENTION,
            "EvP9",
        )
    )
    fake_slack.wait_for("chat.postMessage")
    assert wait_until(lambda: NAME in all_logs.text())


@pytest.mark.parametrize("refusal", ["bad-signature", "stale-timestamp"])
def test_a_refused_request_leaves_no_body_in_debug_logs(
    all_logs: Everything, fake_slack: FakeSlackAPI, live: LiveServer, refusal: str
) -> None:
    """Issue 15, failure 3: slack_bolt logs the whole body of a request whose signature it
    refuses (a clock 5 minutes off, a rotated signing secret); none of it reaches a log.
    Logging is configured first, as ``policybot serve`` does (bolt copies the root level
    into its own loggers when the app is built)."""
    body = command_body(QUESTION, fake_slack.response_url("refused"))
    if refusal == "bad-signature":
        response = live.command(body, secret="rotated-signing-secret")
    else:
        response = live.command(body, timestamp=int(time.time()) - 600)
    assert response.status_code == 401
    assert fake_slack.calls_to("response_url") == []
    leaks = [line[:200] for line in all_logs.lines if any(w in line for w in SECRET_WORDS)]
    assert leaks == []
