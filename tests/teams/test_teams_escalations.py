"""Raising a concern on Teams over real HTTP: "Raise with DSL" -> the form -> Action.Submit ->
the escalation core (real SQLite) -> the outbox -> the Teams notifier -> the fake connector;
then Claim / Resolve with Action.Execute, allowed only for TEAMS_DSL_AAD_IDS."""

from __future__ import annotations

import json
from typing import Any

from bot import messages
from bot.escalation.form import submit_label
from bot.escalation.service import EscalationService
from tests.chat_limits import adaptive_card_problems
from tests.teams.activities import (
    DSL,
    DSL_CHANNEL,
    HEAD,
    ONLY_DSLS,
    STAFF,
    action_data,
    channel,
    execute,
    message,
    personal,
    submit,
)

DSL_ROUTE = messages.ROUTE_NAMES["dsl"]
DETAILS = "Pupil X said at 10:15 that her stepfather hit her last night."


def setup_dsl_channel(server, teams) -> str:
    """A DSL sends "setup dsl" in the private DSL channel; returns the channel's id."""
    teams.rosters[DSL_CHANNEL] = ONLY_DSLS
    server.post(message(teams.url, "setup dsl", user=DSL, conversation=channel(DSL_CHANNEL)))
    [done] = teams.calls_to(channel(DSL_CHANNEL)["id"])
    assert done.body["text"] == messages.TEAMS_SETUP_DONE
    return DSL_CHANNEL


def raise_concern(server, teams, about: str = "no", risk: str = "yes") -> dict[str, Any]:
    """Ask, click "Raise with DSL", fill in the form and send it; returns the form call."""
    server.post(message(teams.url, "can I follow an ex-pupil on Instagram?"))
    answer = teams.calls_to(personal(STAFF)["id"])[-1].cards()[0]
    server.post(submit(teams.url, action_data(answer, messages.BUTTON_RAISE)))
    form_call = teams.calls_to(personal(STAFF)["id"])[-1]
    form = form_call.cards()[0]
    values = {"details": DETAILS, "risk": risk, "about": about, "told": "no"}
    form_id = "m-form-1"
    server.post(
        submit(teams.url, {**action_data(form, submit_label("no")), **values}, replyToId=form_id)
    )
    return {"form": form, "form_id": form_id}


def delivered_concern(server, teams, teams_store, outbox):
    """A concern raised by Sam Staff and already posted in the DSL channel."""
    setup_dsl_channel(server, teams)
    raise_concern(server, teams)
    outbox.deliver_due()
    [esc] = escalations(teams_store).list_all()
    return esc


def escalations(teams_store) -> EscalationService:
    return EscalationService(teams_store, (DSL["aadObjectId"],))


def test_raise_stores_then_delivers_to_the_dsl_channel_exactly_once(
    server, teams, teams_store, outbox
) -> None:
    setup_dsl_channel(server, teams)
    raised = raise_concern(server, teams)

    shown = "\n".join(str(v) for v in raised["form"]["body"])
    for label in (
        messages.RAISE_DETAILS_LABEL,
        messages.RAISE_RISK_LABEL,
        messages.RAISE_STAFF_LABEL,
        messages.RAISE_TOLD_LABEL,
    ):
        assert label in shown
    assert "call 999" in shown and "01234 567890" in shown  # the DSL's phone, before sending
    assert messages.RAISE_DETAILS_HINT in shown
    [esc] = escalations(teams_store).list_all()
    assert (esc.platform, esc.reporter_id, esc.details) == ("teams", STAFF["aadObjectId"], DETAILS)
    assert (esc.route, esc.urgent, esc.passage_id) == ("dsl", True, "p0")
    [replaced] = teams.of_kind("update")
    assert replaced.activity_id == raised["form_id"] and esc.ref in replaced.shown()

    # the DSL's post, the receipt, the urgent alert to each DSL, then "delivered"
    assert outbox.deliver_due() == 4
    assert outbox.deliver_due() == 0
    [post] = teams.calls_to(DSL_CHANNEL, "send")
    assert esc.ref in post.shown() and DETAILS in post.shown() and "Sam Staff" in post.shown()
    verbs = [a.get("verb") for a in post.cards()[0]["actions"] if a["type"] == "Action.Execute"]
    assert verbs == ["escalation_claim", "escalation_resolve"]
    receipt = teams.calls_to(personal(STAFF)["id"], "send")[-1]
    assert esc.ref in receipt.body["text"] and DETAILS not in receipt.shown()
    assert "delivering to" in receipt.body["text"]
    [delivered] = [
        c
        for c in teams.calls_to(personal(STAFF)["id"], "update")
        if c.activity_id == receipt.response_id
    ]  # the receipt itself, edited
    assert f"{esc.ref}: Delivered to" in delivered.body["text"]
    assert escalations(teams_store).get(esc.ref).destination_message_id == post.response_id


def test_claim_by_someone_not_a_dsl_is_refused_and_nothing_changes(
    server, teams, teams_store, outbox
) -> None:
    esc = delivered_concern(server, teams, teams_store, outbox)
    calls_before = len(teams.calls)
    trail_before = escalations(teams_store).audit(esc.ref)

    response = server.post(execute(teams.url, "escalation_claim", {"ref": esc.ref}, user=STAFF))

    body = response.json()
    assert response.status_code == 200
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert body["value"] == messages.ESCALATION_NOT_ALLOWED
    after = escalations(teams_store).get(esc.ref)
    assert (after.status, after.claimed_by) == ("new", None)
    assert escalations(teams_store).audit(esc.ref) == trail_before
    assert outbox.pending() == 0 and outbox.deliver_due() == 0
    assert len(teams.calls) == calls_before


def test_claim_and_resolve_by_a_dsl_update_the_card_and_tell_the_reporter(
    server, teams, teams_store, outbox
) -> None:
    esc = delivered_concern(server, teams, teams_store, outbox)

    claimed = server.post(execute(teams.url, "escalation_claim", {"ref": esc.ref}))

    body = claimed.json()
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert "claimed by Dana DSL" in str(body["value"])
    assert escalations(teams_store).get(esc.ref).claimed_by == DSL["aadObjectId"]
    assert outbox.deliver_due() == 2
    [update] = teams.calls_to(DSL_CHANNEL, "update")
    assert "claimed by Dana DSL" in update.shown()
    told = teams.calls_to(personal(STAFF)["id"], "send")[-1].body["text"]
    assert told == messages.ESCALATION_CLAIMED.format(ref=esc.ref, actor="Dana DSL")

    asked = server.post(execute(teams.url, "escalation_resolve", {"ref": esc.ref})).json()
    assert f"Resolve {esc.ref}?" in str(asked["value"])  # a confirmation first (card 1.5)
    assert escalations(teams_store).get(esc.ref).status == "claimed"
    confirmed = {"ref": esc.ref, "confirmed": True}
    server.post(execute(teams.url, "escalation_resolve", confirmed))
    outbox.deliver_due()
    assert escalations(teams_store).get(esc.ref).status == "resolved"
    assert "resolved by Dana DSL" in teams.calls_to(DSL_CHANNEL, "update")[-1].shown()


def test_setup_dsl_by_someone_not_a_dsl_is_refused(server, teams, teams_store) -> None:
    server.post(message(teams.url, "setup dsl", conversation=channel()))

    [reply] = teams.calls_to(channel()["id"])
    assert reply.body["text"] == messages.TEAMS_SETUP_REFUSED
    assert teams_store.get_conversation_ref("teams:dsl") is None


def test_allegation_about_staff_goes_to_the_headteacher_not_the_dsl_channel(
    server, teams, teams_store, outbox
) -> None:
    setup_dsl_channel(server, teams)
    server.post(message(teams.url, "hello", user=HEAD))  # the head has talked to the bot
    raise_concern(server, teams, about="staff", risk="no")

    outbox.deliver_due()

    [esc] = escalations(teams_store).list_all()
    assert esc.route == "headteacher"
    assert teams.calls_to(DSL_CHANNEL, "send") == []
    [to_head] = teams.calls_to(personal(HEAD)["id"], "send")[-1:]
    assert esc.ref in to_head.shown() and DETAILS in to_head.shown()


def test_delivery_failing_at_teams_is_retried_and_posted_once(
    server, teams, teams_store, outbox, clock
) -> None:
    setup_dsl_channel(server, teams)
    raise_concern(server, teams)
    teams.fail_next(times=3, status=503)  # the post, the receipt, the urgent alert

    assert outbox.deliver_due() == 0
    clock.advance(minutes=10)
    assert outbox.deliver_due() >= 1
    clock.advance(minutes=10)
    outbox.deliver_due()

    assert outbox.pending() == 0
    assert len(teams.calls_to(DSL_CHANNEL, "send")) == 1


def test_the_store_failing_tells_the_reporter_to_go_in_person(server, teams, teams_store) -> None:
    with teams_store.engine.begin() as conn:  # the outbox rows cannot be written any more
        conn.exec_driver_sql("DROP TABLE outbox")
    form = {"verb": "raise_submit", "q": "q", "details": DETAILS, "risk": "no", "about": "no"}

    server.post(submit(teams.url, form, replyToId="m-form-9"))

    [reply] = teams.calls_to(personal(STAFF)["id"])
    assert reply.body["text"] == messages.STORE_UNAVAILABLE
    assert escalations(teams_store).list_all() == []  # one transaction: nothing half-stored


def test_no_question_or_detail_text_reaches_the_logs(
    server, teams, teams_store, outbox, caplog
) -> None:
    caplog.set_level("DEBUG")
    setup_dsl_channel(server, teams)
    raise_concern(server, teams)
    outbox.deliver_due()
    server.post(message(teams.url, "a pupil told me a secret", conversation=channel()))

    assert "stored" in caplog.text and "Sending to conversation" in caplog.text  # it logs
    assert DETAILS not in caplog.text
    assert "ex-pupil" not in caplog.text
    assert "told me a secret" not in caplog.text


def test_record_as_logged_by_a_dsl_is_saved_and_shown(server, teams, teams_store, outbox) -> None:
    esc = delivered_concern(server, teams, teams_store, outbox)

    data = {"ref": esc.ref, "record": "CPOMS 12345"}
    refused = server.post(execute(teams.url, "escalation_record", data, user=STAFF)).json()
    saved = server.post(execute(teams.url, "escalation_record", data)).json()

    assert refused["value"] == messages.ESCALATION_NOT_ALLOWED
    assert "Recorded as: CPOMS 12345" in str(saved["value"])
    assert escalations(teams_store).get(esc.ref).record_ref == "CPOMS 12345"


def test_a_reminder_for_an_unclaimed_concern_reaches_the_dsl_channel(
    server, teams, teams_store, outbox, settings, clock
) -> None:
    from bot.serve.wiring import build_reminders

    setup_dsl_channel(server, teams)
    raise_concern(server, teams, risk="yes")
    outbox.deliver_due()
    reminders = build_reminders(teams_store, settings, clock)

    clock.advance(minutes=6)
    reminders.enqueue_due()
    outbox.deliver_due()

    [esc] = escalations(teams_store).list_all()
    reminder = teams.calls_to(DSL_CHANNEL, "send")[-1]
    reminded = messages.ESCALATION_REMINDER.format(ref=esc.ref, route_name=DSL_ROUTE, minutes=5)
    assert reminder.body["summary"] == messages.ESCALATION_URGENT_MARK + reminded


def test_on_a_teams_only_school_reminders_reach_the_dsl_and_at_last_the_headteacher(
    server, teams, teams_store, outbox, settings, clock
) -> None:
    """Only TEAMS_* settings (no Slack ids): each normal reminder reaches the DSL, and the
    last one the headteacher too, each in their own chat with the bot."""
    from bot.serve.wiring import build_reminders

    for person in (DSL, HEAD):
        server.post(message(teams.url, "hello", user=person))  # both have talked to the bot
    raise_concern(server, teams, risk="no")
    outbox.deliver_due()
    [esc] = escalations(teams_store).list_all()
    reminders = build_reminders(teams_store, settings, clock)

    def reminders_to(person: dict[str, str]) -> list[str]:
        sent = [c.body.get("summary") for c in teams.calls_to(personal(person)["id"], "send")]
        return [text for text in sent if text and text.startswith("Reminder:")]

    clock.advance(minutes=60)
    reminders.enqueue_due()
    outbox.deliver_due()
    first = messages.ESCALATION_REMINDER.format(ref=esc.ref, route_name=DSL_ROUTE, minutes=60)
    assert (reminders_to(DSL), reminders_to(HEAD)) == ([first], [])

    clock.advance(minutes=60)
    reminders.enqueue_due()
    outbox.deliver_due()
    last = messages.ESCALATION_REMINDER.format(ref=esc.ref, route_name=DSL_ROUTE, minutes=120)
    assert (reminders_to(DSL), reminders_to(HEAD)) == ([first, last], [last])


def test_raise_clicked_in_a_channel_opens_the_form_only_in_the_private_chat(server, teams) -> None:
    server.post(message(teams.url, "can I post photos of the trip?", conversation=channel()))
    answer = teams.calls_to(channel()["id"])[-1].cards()[0]
    before = len(teams.calls_to(channel()["id"]))

    server.post(
        submit(teams.url, action_data(answer, messages.BUTTON_RAISE), conversation=channel())
    )

    assert len(teams.calls_to(channel()["id"])) == before  # nothing more in the channel
    [form] = teams.calls_to(teams.chat_with(STAFF["id"]), "send")
    assert messages.RAISE_DETAILS_LABEL in form.shown()
    assert action_data(form.cards()[0], submit_label("no"))["q"] == (
        "can I post photos of the trip?"
    )


def test_an_urgent_card_mentions_the_dsls_and_each_is_told_at_once_then_the_head(
    server, teams, teams_store, outbox, settings, clock
) -> None:
    """Issue 17: mention entities on the urgent card, "URGENT" in its notification summary,
    an URGENT message in each DSL's own chat at once, and the headteacher added when it is
    still unclaimed after POLICYBOT_URGENT_WIDEN_MINUTES (default 5)."""
    from bot.serve.wiring import build_reminders

    setup_dsl_channel(server, teams)
    server.post(message(teams.url, "hello", user=HEAD))  # the headteacher has talked to the bot
    raise_concern(server, teams, risk="yes")
    outbox.deliver_due()
    [esc] = escalations(teams_store).list_all()

    [post] = teams.calls_to(DSL_CHANNEL, "send")
    card = post.cards()[0]
    assert adaptive_card_problems(card) == []
    [entity] = card["msteams"]["entities"]
    assert entity["mentioned"] == {"id": DSL["aadObjectId"], "name": DSL["name"]}
    assert entity["text"] == f"<at>{DSL['name']}</at>"
    assert post.body["summary"].startswith("URGENT") and esc.ref in post.body["summary"]
    alert = messages.ESCALATION_URGENT_ALERT.format(ref=esc.ref, risk="Yes")
    to_dsl = [c.body.get("summary") for c in teams.calls_to(teams.chat_with(DSL["id"]), "send")]
    assert to_dsl == [alert]
    assert alert not in [c.body.get("summary") for c in teams.calls_to(personal(HEAD)["id"])]

    reminders = build_reminders(teams_store, settings, clock)
    clock.advance(minutes=5)
    reminders.enqueue_due()
    outbox.deliver_due()
    reminded = messages.ESCALATION_URGENT_MARK + messages.ESCALATION_REMINDER.format(
        ref=esc.ref, route_name=DSL_ROUTE, minutes=5
    )
    assert teams.calls_to(personal(HEAD)["id"], "send")[-1].body["summary"] == reminded
    assert [a.action for a in escalations(teams_store).audit(esc.ref)] == [
        "submitted",
        "urgent_alerted",
        "reminded",
    ]


def test_a_reminder_card_has_claim_and_a_deep_link_to_the_post(
    server, teams, teams_store, outbox, settings, clock
) -> None:
    from bot.serve.wiring import build_reminders

    esc = delivered_concern(server, teams, teams_store, outbox)
    clock.advance(minutes=5)
    build_reminders(teams_store, settings, clock).enqueue_due()
    outbox.deliver_due()

    [post] = teams.calls_to(DSL_CHANNEL, "send")[:1]
    card = teams.calls_to(DSL_CHANNEL, "send")[-1].cards()[0]
    assert adaptive_card_problems(card) == []
    assert esc.ref in json.dumps(card) and messages.ROUTE_NAMES["dsl"] in json.dumps(card)
    claim, link = card["actions"]
    assert (claim["type"], claim["title"], claim["verb"]) == (
        "Action.Execute",
        messages.BUTTON_CLAIM,
        "escalation_claim",
    )
    assert claim["data"]["ref"] == esc.ref
    assert link["type"] == "Action.OpenUrl"
    assert link["url"].startswith("https://teams.microsoft.com/l/message/")
    assert link["url"].endswith("/" + post.response_id)
