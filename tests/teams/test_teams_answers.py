"""Questions over real HTTP: Activity JSON posted at /api/messages, replies captured at the
fake Bot Connector."""

from __future__ import annotations

from bot import messages
from bot.teams.cards import passage_ids
from tests.slack.answers import CLAUSE
from tests.teams.activities import BOT, CHANNEL, STAFF, TENANT, channel, message, personal


def test_question_in_a_personal_chat_gets_a_card_with_the_clause(server, teams) -> None:
    response = server.post(message(teams.url, "can I follow an ex-pupil on Instagram?"))

    assert response.status_code in (200, 202)
    [reply] = teams.calls_to(personal(STAFF)["id"])
    [card] = reply.cards()
    assert passage_ids(card) == ["p0", "p1", "p2"]
    assert CLAUSE in reply.shown()
    assert "Staff will not:" in reply.shown()  # the lead-in
    assert "Social Media Policy" in reply.shown()  # the citation
    assert messages.ALSO_RELEVANT in reply.shown()
    assert [a["title"] for a in card["actions"]][0] == messages.BUTTON_RAISE


def test_mention_in_a_channel_is_stripped_and_answered_in_the_thread(
    server, teams, answerer
) -> None:
    activity = message(teams.url, "can I post photos of the trip?", conversation=channel())

    server.post(activity)

    assert answerer.questions[-1][0] == "can I post photos of the trip?"
    [reply] = teams.calls_to(channel()["id"])
    assert reply.kind == "reply" and reply.activity_id == activity["id"]
    assert CLAUSE in reply.shown()


def test_sensitive_question_in_a_channel_is_answered_only_in_a_private_chat(server, teams) -> None:
    question = "a pupil told me something worrying at home"
    server.post(message(teams.url, question, conversation=channel()))

    [in_channel] = teams.calls_to(channel()["id"])
    assert in_channel.body["text"] == messages.TEAMS_PRIVATE_REPLY_SENT
    assert not in_channel.cards()
    assert question not in in_channel.shown()
    [created] = teams.of_kind("create")
    assert created.body["members"] == [{"id": STAFF["id"]}]
    assert created.body["tenantId"] == TENANT and created.body["bot"]["id"] == BOT["id"]
    [private, delete] = teams.calls_to(teams.chat_with(STAFF["id"]), "send")
    assert delete.body["text"] == messages.TEAMS_DELETE_PUBLIC  # they delete the public one
    assert question in private.shown()
    assert private.shown().lstrip().startswith(messages.TEAMS_ALERT)  # the route comes first
    assert all(
        c.conversation in (channel()["id"], teams.chat_with(STAFF["id"]), "") for c in teams.calls
    )


def test_help_and_an_empty_mention_get_the_help_text(server, teams) -> None:
    server.post(message(teams.url, "help"))
    server.post(message(teams.url, "", conversation=channel()))

    assert teams.calls_to(personal(STAFF)["id"])[0].body["text"] == messages.TEAMS_HELP
    assert teams.calls_to(channel()["id"])[0].body["text"] == messages.TEAMS_HELP


def test_a_redelivered_activity_is_answered_once(server, teams, answerer) -> None:
    activity = message(teams.url, "can I use my own phone?")
    for _ in range(3):
        server.post(activity)

    assert len(teams.calls_to(personal(STAFF)["id"])) == 1
    assert len(answerer.questions) == 1


def test_expect_replies_returns_the_card_in_the_response(server, teams) -> None:
    activity = message(teams.url, "can I use my own phone?", deliveryMode="expectReplies")

    response = server.post(activity)

    assert response.status_code == 200
    [reply] = response.json()["activities"]
    assert passage_ids(reply["attachments"][0]["content"])[0] == "p0"
    assert teams.calls == []


def test_a_body_that_is_not_an_activity_is_refused_with_400(server, teams) -> None:
    import requests

    bad_json = requests.post(
        f"{server.url}/api/messages",
        data=b"{not json",
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    no_conversation = server.post({"type": "message", "text": "hi"})
    wrong_types = server.post({"type": "message", "conversation": {"id": 5}, "from": "x"})

    assert bad_json.status_code == 400
    assert no_conversation.status_code == 400
    assert wrong_types.status_code == 400
    assert "Traceback" not in wrong_types.text and "validation" not in wrong_types.text.lower()
    assert teams.calls == []


def test_channel_constant_is_the_thread_root() -> None:
    assert channel()["id"].startswith(CHANNEL)


def test_feedback_is_counted_against_the_clause_without_the_question(
    server, teams, teams_store
) -> None:
    """Helpful / Not helpful are Action.Execute: counted, and thanked in the invoke reply
    (seen only by the clicker), in a channel as in a 1:1 chat; nothing is posted."""
    from tests.teams.activities import action_data, channel, execute

    server.post(message(teams.url, "can I follow an ex-pupil on Instagram?"))
    card = teams.calls_to(personal(STAFF)["id"])[-1].cards()[0]
    posted = len(teams.calls)
    replies = [
        server.post(
            execute(teams.url, "feedback", action_data(card, title), STAFF, channel())
        ).json()
        for title in (messages.BUTTON_HELPFUL, messages.BUTTON_NOT_HELPFUL)
    ]
    assert teams_store.feedback_counts() == {"p0": (1, 1)}
    assert [r["value"] for r in replies] == [messages.FEEDBACK_THANKS] * 2
    assert {r["type"] for r in replies} == {"application/vnd.microsoft.activity.message"}
    assert len(teams.calls) == posted
