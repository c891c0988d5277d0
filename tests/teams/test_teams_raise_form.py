"""The Teams form says where the concern goes before it is sent, names the destination in
its title and button, and starts "about a member of staff" as the classifier read it."""

from __future__ import annotations

from dataclasses import replace

from bot.answering.model import Concern, Person
from bot.chat.skin import form_for, people_by_answer
from bot.teams.escalation_cards import raise_form
from tests.chat_limits import adaptive_card_problems
from tests.slack.answers import ROUTE, make_answer
from tests.slack.test_raise_direct import GREEN


def texts(card: dict) -> list[str]:
    found: list[str] = []

    def walk(item: object) -> None:
        if isinstance(item, dict):
            if isinstance(item.get("text"), str):
                found.append(item["text"])
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)

    walk(card)
    return found


def test_staff_concern_form_goes_to_the_headteacher():
    concern = Concern(level="report", reason="allegation", about_staff=True)
    head = replace(ROUTE, lead=Person("Headteacher", "Mrs Green"))
    answer = replace(make_answer("a teacher hit a pupil", "report"), concern=concern, route=head)
    meta, clause = form_for(answer, answer.question, "p0", "kite-college")
    form = raise_form({**meta, "g": people_by_answer(GREEN)}, clause)
    assert adaptive_card_problems(form) == []
    shown = texts(form)
    assert shown[0] == "Raise with headteacher"
    assert "This goes to Mrs Green, headteacher, because it is about a member of staff." in shown
    assert any("it goes to Mr Black, chair of governors instead" in t for t in shown)
    (about,) = [i for i in form["body"] if i.get("id") == "about"]
    assert about["value"] == "staff"
    (send,) = form["actions"]
    assert send["title"] == "Send to headteacher"


def test_direct_form_goes_to_the_dsl():
    meta, clause = form_for(make_answer(""), "", None, "kite-college")
    form = raise_form({**meta, "g": people_by_answer(GREEN)}, clause)
    assert adaptive_card_problems(form) == []
    assert "This goes to Sarah Miller, DSL." in texts(form)
    assert form["actions"][0]["title"] == "Send to DSL"


def test_raise_command_in_a_channel_opens_a_private_dialog_and_stores(server, teams, teams_store):
    """ "raise" typed in a channel -> a button -> task/fetch: the form as a dialog only the
    clicker sees (nothing sent to their 1:1 chat) -> task/submit: stored, then told so."""
    from tests.teams.activities import STAFF, activity, channel, message, personal
    from tests.teams.test_teams_escalations import escalations

    server.post(message(teams.url, "raise", conversation=channel()))
    (reply,) = teams.calls_to(channel()["id"])
    button_card = reply.cards()[0]
    assert adaptive_card_problems(button_card) == []
    (button,) = button_card["actions"]
    assert button["title"] == "Raise a safeguarding concern"
    assert button["data"]["msteams"] == {"type": "task/fetch"}

    fetch = activity(teams.url, STAFF, channel(), type="invoke", name="task/fetch")
    fetch["value"] = {"data": button["data"]}
    task = server.post(fetch).json()["task"]
    form = task["value"]["card"]["content"]
    assert task["type"] == "continue" and adaptive_card_problems(form) == []
    assert task["value"]["title"] == "Raise with DSL"
    assert any(t.startswith("This goes to ") for t in texts(form))
    assert teams.calls_to(personal(STAFF)["id"]) == []  # no 1:1 chat opened

    (send,) = form["actions"]
    values = {"details": "Pupil X said she was hit.", "risk": "no", "about": "no", "told": "no"}
    done = activity(teams.url, STAFF, channel(), type="invoke", name="task/submit")
    done["value"] = {"data": {**send["data"], **values}}
    told = server.post(done).json()["task"]
    (esc,) = escalations(teams_store).list_all()
    assert told["type"] == "message" and esc.ref in told["value"]
    assert esc.details == "Pupil X said she was hit." and esc.route == "dsl"
