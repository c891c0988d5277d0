"""The Slack skin over real HTTP: signed requests in, calls to a fake Slack Web API out."""

from __future__ import annotations

import time

from bot import messages
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_signing import action_body, command_body, event_body
from tests.slack.answers import CLAUSE, StubAnswerer
from tests.slack.live import LiveServer


def mention(text: str, ts: str = "1700000000.000100", user: str = "U100") -> dict:
    return {"type": "app_mention", "user": user, "text": text, "ts": ts, "channel": "C100"}


def dm(text: str, **extra: object) -> dict:
    event = {"type": "message", "channel_type": "im", "user": "U100", "text": text}
    return {**event, "ts": "1700000000.000200", "channel": "D100", **extra}


def test_slash_command_acks_then_answers_privately(server: LiveServer, fake_slack: FakeSlackAPI):
    reply = server.command(command_body("can I follow an ex-pupil?", fake_slack.response_url("r1")))
    assert reply.status_code == 200
    (call,) = fake_slack.wait_for("response_url")
    assert call.path_id == "r1"
    assert call.body["response_type"] == "ephemeral"
    assert CLAUSE in call.text()
    assert "Raise with DSL" in call.text() and "Share in channel" in call.text()


def test_empty_command_gets_short_help(server: LiveServer, fake_slack: FakeSlackAPI):
    server.command(command_body("   ", fake_slack.response_url("r2")))
    (call,) = fake_slack.wait_for("response_url")
    assert call.body["text"] == messages.SLACK_HELP


def test_mention_is_answered_in_the_thread(server: LiveServer, fake_slack: FakeSlackAPI):
    assert server.event(event_body(mention("<@UBOT> can I follow an ex-pupil?"))).ok
    (post,) = fake_slack.wait_for("chat.postMessage")
    assert post.body["channel"] == "C100"
    assert post.body["thread_ts"] == "1700000000.000100"
    assert CLAUSE in post.text()


def test_sensitive_mention_is_answered_only_in_private(
    server: LiveServer, fake_slack: FakeSlackAPI
):
    server.event(event_body(mention("<@UBOT> a pupil told me her uncle hits her")))
    posts = fake_slack.wait_for("chat.postMessage", 3)
    (dm_post, delete) = [p for p in posts if p.body["channel"].startswith("D")]
    assert delete.body["text"] == messages.SLACK_DELETE_PUBLIC  # they delete the public one
    (thread_post,) = [p for p in posts if p.body["channel"] == "C100"]
    assert CLAUSE in dm_post.text()
    assert thread_post.body["text"] == messages.SLACK_PRIVATE_REPLY_SENT
    assert CLAUSE not in thread_post.text() and "uncle" not in thread_post.text()
    assert fake_slack.calls_to("conversations.open")[0].body["users"] == "U100"


def test_direct_message_is_answered_in_the_dm(server: LiveServer, fake_slack: FakeSlackAPI):
    server.event(event_body(dm("can I follow an ex-pupil?")))
    (post,) = fake_slack.wait_for("chat.postMessage")
    assert post.body["channel"] == "D100" and CLAUSE in post.text()
    assert "Share in channel" not in post.text()


def test_bot_messages_are_ignored(server: LiveServer, fake_slack: FakeSlackAPI, answerer):
    server.event(event_body(dm("I am another bot", bot_id="B999"), event_id="EvBot"))
    server.event(event_body(dm("edited", subtype="message_changed"), event_id="EvEdit"))
    server.event(event_body(dm("real question"), event_id="EvReal"))
    fake_slack.wait_for("chat.postMessage")
    assert [q for q, _ in answerer.questions] == ["real question"]


def test_app_home_is_published_with_contacts(server: LiveServer, fake_slack: FakeSlackAPI):
    server.event(event_body({"type": "app_home_opened", "user": "U100", "tab": "home"}))
    (call,) = fake_slack.wait_for("views.publish")
    assert call.body["user_id"] == "U100"
    assert call.body["view"]["type"] == "home"
    assert "Sarah Miller, 01234 567890" in call.text() and "Bob Law" in call.text()


def test_bad_signature_is_refused(server: LiveServer, fake_slack: FakeSlackAPI):
    body = event_body(dm("hello"))
    assert server.event(body, secret="not-the-secret").status_code == 401
    assert server.event(body, headers={"X-Slack-Signature": "v0=00"}).status_code == 401
    assert fake_slack.calls_to("chat.postMessage") == []


def test_stale_timestamp_is_refused(server: LiveServer, fake_slack: FakeSlackAPI):
    body = command_body("hello", fake_slack.response_url("old"))
    assert server.command(body, timestamp=int(time.time()) - 6 * 60).status_code == 401


def test_retried_event_is_answered_once(
    server: LiveServer, fake_slack: FakeSlackAPI, answerer: StubAnswerer
):
    body = event_body(mention("<@UBOT> can I follow an ex-pupil?"), event_id="EvSame")
    assert server.event(body).ok
    for retry in ("1", "2"):
        headers = {"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"}
        assert server.event(body, headers=headers).status_code == 200
    fake_slack.wait_for("chat.postMessage")
    server.event(event_body(dm("a different one"), event_id="EvOther"))
    fake_slack.wait_for("chat.postMessage", 2)
    assert len(answerer.questions) == 2


def test_broadcast_in_a_question_never_reaches_output(server: LiveServer, fake_slack: FakeSlackAPI):
    server.event(event_body(dm("<!channel> &lt;!channel&gt; &lt;@U999&gt; can I follow?")))
    server.command(command_body("<!channel> hi &lt;!here&gt;", fake_slack.response_url("e")))
    posts = [*fake_slack.wait_for("chat.postMessage"), *fake_slack.wait_for("response_url")]
    for post in posts:
        for token in ("<!channel>", "<!here>", "<@U999>"):
            assert token not in post.shown()
    assert "&lt;!channel&gt;" in posts[0].shown()


def test_rate_limited_post_is_retried_after_retry_after(
    server: LiveServer, fake_slack: FakeSlackAPI
):
    fake_slack.fail_next("chat.postMessage", times=1, status=429, retry_after=1)
    server.event(event_body(mention("<@UBOT> can I follow an ex-pupil?")))
    (post,) = fake_slack.wait_for("chat.postMessage")
    assert CLAUSE in post.text()
    statuses = [c.status for c in fake_slack.calls_to("chat.postMessage", include_failed=True)]
    assert statuses == [429, 200]


def _block_action(action_id: str, value: str, response_url: str, user: str = "U100") -> str:
    return action_body(
        {
            "type": "block_actions",
            "user": {"id": user},
            "channel": {"id": "C100"},
            "trigger_id": "trig-1",
            "response_url": response_url,
            "actions": [{"action_id": action_id, "value": value, "block_id": "answer_actions"}],
        }
    )


def _button_value(call, label: str) -> str:
    for block in call.body["blocks"]:
        for element in block.get("elements", []) + [block.get("accessory") or {}]:
            label_text = element.get("text")
            if isinstance(label_text, dict) and label_text.get("text") == label:
                return element["value"]
    raise AssertionError(f"no {label!r} button")


def test_share_posts_the_answer_in_channel(server: LiveServer, fake_slack: FakeSlackAPI):
    server.command(command_body("can I follow an ex-pupil?", fake_slack.response_url("s1")))
    (answer,) = fake_slack.wait_for("response_url")
    value = _button_value(answer, "Share in channel")
    server.action(_block_action("share_answer", value, fake_slack.response_url("s2")))
    calls = fake_slack.wait_for("response_url", 3)
    shared = next(c for c in calls if c.body.get("response_type") == "in_channel")
    assert CLAUSE in shared.text() and "<@U100>" in shared.text()
    assert "Share in channel" not in shared.text()
    assert any(c.body.get("delete_original") for c in calls)


def test_feedback_is_recorded_against_the_passage_only(
    settings, fake_slack: FakeSlackAPI, answerer: StubAnswerer
):
    from bot.serve.web import build_web_app
    from bot.slack.app import build_app
    from bot.slack.deps import MemoryFeedbackLog

    feedback = MemoryFeedbackLog()
    app = build_app(settings, answerer, feedback=feedback)
    with LiveServer(build_web_app(settings, answerer, slack_app=app)) as live:
        live.action(_block_action("feedback_not_helpful", "p0", fake_slack.response_url("f")))
        (thanks,) = fake_slack.wait_for("response_url")
    assert thanks.body["text"] == messages.FEEDBACK_THANKS
    assert feedback.records == [("p0", False, "slack", "kite-college")]


def test_healthz(server: LiveServer):
    import requests

    assert requests.get(f"{server.url}/healthz").text == "ok"
