"""Who gets in: unsigned, stale, replayed, oversized and forged requests are refused with
nothing changed; secrets never appear in logs or responses. Slack over real HTTP against the
served runtime (real index, real SQLite); Teams through its public /api/messages."""

from __future__ import annotations

import json
import socket
import time
from dataclasses import dataclass, replace
from typing import Any

import pytest
from sqlalchemy import text

from bot import messages
from bot.serve.runtime import Runtime
from bot.serve.web import MAX_BODY_BYTES, build_web_app
from bot.teams.app import teams_mount
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_signing import SIGNING_SECRET, action_body, command_body, event_body, sign
from tests.hardening.conftest import BOT_TOKEN, DSL_CHANNEL, TEAMS_PASSWORD, Everything
from tests.slack.live import LiveServer
from tests.slack.test_escalation_flow import click, open_modal, submit, wait_until

FORM = "application/x-www-form-urlencoded"
TABLES = ("escalations", "audit", "outbox", "processed_events", "feedback")
MENTION = {
    "type": "app_mention",
    "user": "U100",
    "ts": "1.1",
    "channel": "C100",
    "text": "<@UBOT> can I follow an ex-pupil on Instagram?",
}


def snapshot(runtime: Runtime) -> dict[str, list[Any]]:
    with runtime.store.engine.connect() as conn:
        return {t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t}"))] for t in TABLES}


def raw_post(live: LiveServer, body: str, headers: dict[str, str]) -> Reply:
    return post(f"{live.url}/slack/events", body.encode(), headers)


@dataclass
class Reply:
    status_code: int
    text: str


def post(url: str, data: bytes, headers: dict[str, str]) -> Reply:
    """POST over a plain socket with ``Connection: close`` and read to the end: a server that
    refused the body early closes at once (with requests, aiohttp lingered 10 s draining it)."""
    host_port, _, path = url.removeprefix("http://").partition("/")
    host, _, port = host_port.partition(":")
    head = [
        f"POST /{path} HTTP/1.1",
        f"Host: {host_port}",
        f"Content-Length: {len(data)}",
        "Connection: close",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + data)
        raw = b"".join(iter(lambda: sock.recv(65536), b""))
    status_line, _, rest = raw.partition(b"\r\n")
    return Reply(int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2].decode())


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no signature at all
        {"X-Slack-Request-Timestamp": str(int(time.time()))},
        sign("{}", secret="not-the-secret"),
        sign("a different body"),
        sign("{}", timestamp=int(time.time()) - 6 * 60),  # older than 5 minutes
        sign("{}", timestamp=int(time.time()) + 6 * 60),  # from the future
        {"X-Slack-Request-Timestamp": "yesterday", "X-Slack-Signature": "v0=00"},
    ],
    ids=["missing", "no-signature", "wrong-secret", "other-body", "stale", "future", "garbage"],
)
def test_unsigned_or_stale_requests_are_refused_and_change_nothing(
    live: LiveServer, runtime: Runtime, fake_slack: FakeSlackAPI, headers: dict[str, str]
) -> None:
    before = snapshot(runtime)
    claim = {
        "type": "block_actions",
        "user": {"id": "UDSL"},
        "actions": [{"action_id": "escalation_claim", "value": "ESC-2026-0001"}],
    }
    for body, ctype in (
        (event_body(MENTION, "EvForged"), "application/json"),
        (command_body("can I post photos?", fake_slack.response_url("f")), FORM),
        (action_body(claim), FORM),
    ):
        response = raw_post(live, body, {"Content-Type": ctype, **headers})
        assert response.status_code == 401
        assert SIGNING_SECRET not in response.text and BOT_TOKEN not in response.text
    time.sleep(0.2)
    assert fake_slack.calls == []
    assert snapshot(runtime) == before


def test_a_replayed_event_is_answered_once(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime
) -> None:
    body = event_body(MENTION, "EvReplay")
    headers = {"Content-Type": "application/json", **sign(body)}
    for retry in range(3):  # the very same signature and timestamp, as a replay would be
        extra = (
            {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
            if retry
            else {}
        )
        assert raw_post(live, body, {**headers, **extra}).status_code == 200
    fake_slack.wait_for("chat.postMessage")
    time.sleep(0.5)
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert snapshot(runtime)["processed_events"][0][0] == "EvReplay"


@pytest.mark.parametrize("size", [MAX_BODY_BYTES + 1, 5 * MAX_BODY_BYTES])
def test_an_oversized_body_gets_413_and_is_not_processed(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime, size: int
) -> None:
    before = snapshot(runtime)
    event = {**MENTION, "text": "<@UBOT> " + "x" * size}
    body = event_body(event, "EvHuge")
    response = raw_post(live, body, {"Content-Type": "application/json", **sign(body)})
    assert response.status_code == 413
    assert fake_slack.calls == [] and snapshot(runtime) == before


def _escalation(live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime) -> str:
    submit(live, open_modal(live, fake_slack), "A pupil sent me a friend request.")
    (esc,) = runtime.escalations.list_all()
    fake_slack.wait_for_where("chat.postMessage", channel=DSL_CHANNEL)
    assert wait_until(lambda: runtime.outbox.pending() == 0)
    return esc.ref


@pytest.mark.parametrize(
    "user, team",
    [("U100", "T0001"), ("UEVIL", "T0001"), ("UEVIL", "TOTHER"), ("", "T0001"), ("UDSL ", "T0001")],
    ids=["reporter", "stranger", "stranger-other-team", "no-user", "lookalike-id"],
)
@pytest.mark.parametrize("verb", ["escalation_claim", "escalation_resolve"])
def test_claim_or_resolve_by_a_non_dsl_is_refused_and_nothing_changes(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime, user: str, team: str, verb: str
) -> None:
    ref = _escalation(live, fake_slack, runtime)
    before, updates = snapshot(runtime), len(fake_slack.calls_to("chat.update"))
    click(live, verb, ref, user=user, channel={"id": DSL_CHANNEL}, team={"id": team})
    (refusal,) = fake_slack.wait_for("chat.postEphemeral")
    assert refusal.body["text"] == messages.ESCALATION_NOT_ALLOWED
    time.sleep(0.3)
    assert snapshot(runtime) == before
    assert len(fake_slack.calls_to("chat.update")) == updates
    assert runtime.escalations.get(ref).status == "new"


def test_a_forged_reference_is_not_found_and_shown_escaped(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime
) -> None:
    before = snapshot(runtime)
    forged = "ESC-2026-0001' OR 1=1; -- <!channel>"
    click(live, "escalation_claim", forged, user="UDSL", channel={"id": DSL_CHANNEL})
    (reply,) = fake_slack.wait_for("chat.postEphemeral")
    assert "<!channel>" not in reply.body["text"] and "&lt;!channel&gt;" in reply.body["text"]
    assert snapshot(runtime) == before


def test_a_dsl_from_another_workspace_is_still_the_dsl(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime
) -> None:
    """Slack user ids are unique across workspaces (and signed by Slack): the DSL check is by
    user id, so a claim arriving with another team id is the DSL's own click."""
    ref = _escalation(live, fake_slack, runtime)
    click(
        live,
        "escalation_claim",
        ref,
        user="UDSL",
        channel={"id": DSL_CHANNEL},
        team={"id": "TOTHER"},
    )
    assert wait_until(lambda: runtime.escalations.get(ref).status == "claimed")


def test_secrets_never_reach_logs_or_responses(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime, all_logs: Everything
) -> None:
    ref = _escalation(live, fake_slack, runtime)
    click(live, "escalation_claim", ref, user="UEVIL", channel={"id": DSL_CHANNEL})
    fake_slack.valid_tokens = {"xoxb-some-other-token"}  # Slack now refuses our token
    body = command_body("can I post photos?", fake_slack.response_url("x"))
    live.command(body)
    live.event(event_body(MENTION, "EvAuthFails"))
    raw_post(live, "{}", {"Content-Type": "application/json", **sign("{}", secret="wrong")})
    time.sleep(1.0)
    logged = all_logs.text()
    assert logged  # the flows above did log
    for secret in (BOT_TOKEN, SIGNING_SECRET, TEAMS_PASSWORD):
        assert secret not in logged
    for call in fake_slack.calls:
        assert SIGNING_SECRET not in call.text() and TEAMS_PASSWORD not in call.text()


# --- Teams: /api/messages ----------------------------------------------------------------


@pytest.fixture
def teams_live(settings, real_answerer, runtime: Runtime):
    secured = replace(
        settings,
        microsoft_app_id="5f0c4a9e-1111-4222-8333-944445555666",
        microsoft_app_tenant_id="tenant-1",
    )
    app = build_web_app(
        secured,
        real_answerer,
        mounts=[
            teams_mount(secured, real_answerer, runtime.store, escalations=runtime.escalations)
        ],
    )
    with LiveServer(app) as server:
        yield server


@pytest.mark.parametrize("size", [100, MAX_BODY_BYTES + 1])
@pytest.mark.parametrize(
    "auth", [None, "Bearer not.a.jwt", f"Bearer {TEAMS_PASSWORD}", "Basic Zm9vOmJhcg=="]
)
def test_teams_refuses_requests_without_a_valid_token(
    teams_live: LiveServer, runtime: Runtime, all_logs: Everything, auth: str | None, size: int
) -> None:
    before = snapshot(runtime)
    activity = {
        "type": "message",
        "text": "x" * size,
        "from": {"id": "29:x"},
        "conversation": {"id": "a:1"},
        "serviceUrl": "http://127.0.0.1:9/",
    }
    headers = {"Authorization": auth} if auth else {}
    headers["Content-Type"] = "application/json"
    url = f"{teams_live.url}/api/messages"
    response = post(url, json.dumps(activity).encode(), headers)
    assert response.status_code in (401, 413)
    assert TEAMS_PASSWORD not in response.text and TEAMS_PASSWORD not in all_logs.text()
    assert snapshot(runtime) == before


def test_teams_oversized_body_is_refused_even_when_anonymous(
    settings, real_answerer, runtime: Runtime
) -> None:
    app = build_web_app(
        settings,
        real_answerer,
        mounts=[
            teams_mount(settings, real_answerer, runtime.store, escalations=runtime.escalations)
        ],
    )
    before = snapshot(runtime)
    with LiveServer(app) as server:
        activity = {
            "type": "message",
            "text": "x" * (MAX_BODY_BYTES + 1),
            "from": {"id": "29:x"},
            "conversation": {"id": "a:1"},
            "serviceUrl": "http://127.0.0.1:9/",
        }
        data = json.dumps(activity).encode()
        response = post(f"{server.url}/api/messages", data, {"Content-Type": "application/json"})
    # aiohttp refuses the body (413); the Agents SDK reports any unreadable body as 400
    assert response.status_code in (400, 413)
    assert snapshot(runtime) == before
