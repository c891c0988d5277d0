"""Raising a concern without asking a question first (the global shortcut and App Home's
button), and a form that says where the concern goes before it is sent: captured payloads
from ``policybot serve`` over real HTTP against the fake Slack Web API."""

from __future__ import annotations

import json
from dataclasses import replace

from bot.answering.model import Concern, Person
from bot.chat.skin import form_for, people_by_answer
from bot.slack import escalation_blocks as eb
from indexer.corpus import School
from tests.chat_limits import block_kit_problems, button_labels
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_signing import action_body, event_body
from tests.slack.answers import ROUTE, make_answer
from tests.slack.live import LiveServer
from tests.slack.test_manifest import MANIFEST

GREEN = School(
    slug="kite-college",
    name="KITE college",
    contacts={
        "dsl": Person("DSL", "Sarah Miller", "01234 567890"),
        "headteacher": Person("Headteacher", "Mrs Green"),
        "chair_of_governors": Person("Chair of Governors", "Mr Black"),
    },
)


def assert_modal_fits(modal: dict) -> None:
    shown = [b for b in modal["blocks"] if b["type"] != "input"]  # inputs: checked below
    assert modal["type"] == "modal" and block_kit_problems(shown) == []
    assert len(modal["blocks"]) <= 100
    for block in modal["blocks"]:
        if block["type"] == "input":
            assert len(block["label"]["text"]) <= 2000 and len(block["block_id"]) <= 255
    for key in ("title", "submit", "close"):
        assert 0 < len(modal[key]["text"]) <= 24, modal[key]
    assert len(modal["private_metadata"]) <= 3000


def shortcut(live: LiveServer, callback_id: str) -> int:
    payload = {"type": "shortcut", "callback_id": callback_id, "user": {"id": "U100"}}
    return live.action(action_body({**payload, "trigger_id": "trig"})).status_code


def test_every_declared_shortcut_opens_the_form(server: LiveServer, fake_slack: FakeSlackAPI):
    (declared,) = MANIFEST["features"]["shortcuts"]
    assert declared["type"] == "global" and declared["callback_id"] == eb.SHORTCUT_RAISE
    assert declared["name"] == "Raise a safeguarding concern"
    assert shortcut(server, declared["callback_id"]) == 200
    (opened,) = fake_slack.wait_for("views.open")
    modal = opened.body["view"]
    assert_modal_fits(modal)
    assert modal["callback_id"] == eb.RAISE_CALLBACK and modal["title"]["text"] == "Raise with DSL"
    assert modal["submit"]["text"] == "Send to DSL"
    assert modal["blocks"][0]["text"]["text"] == "*This goes to Sarah Miller, DSL.*"
    assert "Your question" not in json.dumps(modal)  # nothing was asked first


def test_undeclared_shortcut_is_not_handled(server: LiveServer):
    assert shortcut(server, "something_else") == 404


def test_app_home_button_opens_the_form(server: LiveServer, fake_slack: FakeSlackAPI):
    event = {"type": "app_home_opened", "user": "U100", "tab": "home"}
    assert server.event(event_body(event, event_id="Ev-home")).status_code == 200
    (published,) = fake_slack.wait_for("views.publish")
    home = published.body["view"]["blocks"]
    assert block_kit_problems(home) == []
    assert "Raise a safeguarding concern" in button_labels(home)
    (element,) = [e for b in home for e in b.get("elements", []) if e.get("type") == "button"]
    click = {"action_id": element["action_id"], "value": element["value"], "block_id": "b"}
    payload = {"type": "block_actions", "user": {"id": "U100"}, "trigger_id": "t"}
    assert server.action(action_body({**payload, "actions": [click]})).status_code == 200
    (opened,) = fake_slack.wait_for("views.open")
    assert_modal_fits(opened.body["view"])
    assert opened.body["view"]["title"]["text"] == "Raise with DSL"


def test_flagged_answer_prefills_staff_and_names_the_headteacher():
    concern = Concern(level="report", reason="allegation", about_staff=True)
    head = replace(ROUTE, lead=Person("Headteacher", "Mrs Green"))
    answer = replace(make_answer("a teacher hit a pupil", "report"), concern=concern, route=head)
    meta, clause = form_for(answer, answer.question, "p0", "kite-college")  # the answer's route
    modal = eb.raise_modal(meta, clause, meta["d"])
    assert_modal_fits(modal)
    assert modal["title"]["text"] == "Raise with headteacher"
    assert modal["submit"]["text"] == "Send to headteacher"
    goes = "This goes to Mrs Green, headteacher, because it is about a member of staff."
    assert modal["blocks"][0]["text"]["text"] == f"*{goes}*"
    (about,) = [b for b in modal["blocks"] if b.get("block_id") == "about"]
    assert about["element"]["initial_option"]["value"] == "staff" and about["dispatch_action"]


def test_long_destination_goes_in_the_body_not_the_title():
    concern = Concern(level="report", about_staff=True, about_headteacher=True)
    answer = replace(make_answer("the head shouted at a pupil", "report"), concern=concern)
    meta, clause = form_for(answer, answer.question, None, "kite-college")
    modal = eb.raise_modal({**meta, "g": people_by_answer(GREEN)}, clause, meta["d"])
    assert_modal_fits(modal)
    assert modal["title"]["text"] == "Raise a concern"  # "Raise with chair of governors" > 24
    assert (
        "Mr Black, chair of governors, because it is about the headteacher"
        in (modal["blocks"][0]["text"]["text"])
    )


def test_changing_about_staff_updates_destination(server: LiveServer, fake_slack: FakeSlackAPI):
    answer = make_answer("q")
    meta, clause = form_for(answer, "q", None, "kite-college")
    modal = eb.raise_modal({**meta, "g": people_by_answer(GREEN)}, clause, meta["d"])
    chosen = {"action_id": "about", "block_id": "about", "selected_option": {"value": "staff"}}
    view = {**modal, "id": "V1", "hash": "h1", "state": {"values": {}}}
    payload = {"type": "block_actions", "user": {"id": "U100"}, "trigger_id": "t"}
    body = action_body({**payload, "view": view, "actions": [chosen]})
    assert server.action(body).status_code == 200
    (update,) = fake_slack.wait_for("views.update")
    updated = update.body["view"]
    assert_modal_fits(updated)
    assert updated["title"]["text"] == "Raise with headteacher"
    assert "Mrs Green, headteacher" in updated["blocks"][0]["text"]["text"]


def test_route_without_named_people_still_says_where():
    meta, clause = form_for(make_answer("q"), "q", None, None)
    assert ROUTE.dsl.name and eb.raise_modal(meta, clause, meta["d"])["blocks"][0]["text"][
        "text"
    ] == ("*This goes to Sarah Miller, DSL.*")
