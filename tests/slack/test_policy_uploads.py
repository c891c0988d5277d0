"""Policies sent by DM (issue 18): an admin's PDF and Word file, downloaded from the fake
Slack with the bot token, are indexed for the workspace's school, and a staff question there
is answered from them; someone who is not an admin is refused and nothing is downloaded."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot import messages
from bot.answering.answerer import Answerer
from bot.serve.config import Settings
from bot.serve.runtime import Runtime
from bot.store import utc_now
from bot.store.school_docs import DocumentRow
from indexer.build import index_from_passages
from tests.builders import make_passage
from tests.fakes.policy_site import PolicySite
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.slack_signing import event_body
from tests.policies.docs import LUNCH_CLAUSE, PHONE_CLAUSE, docx_file_bytes, pdf_bytes
from tests.slack import test_escalation_flow as flow
from tests.slack.live import LiveServer, running
from tests.slack.test_escalation_flow import wait_until

ADMIN, STAFF = "UDSL", "USTAFF"


@pytest.fixture
def runtime(settings: Settings, tmp_path: Path) -> Iterator[Runtime]:
    base = Answerer(index_from_passages([make_passage("Visitors sign in.", school="other")]), {})
    settings = replace(
        settings,
        data_dir=tmp_path / "data",
        corpus_dir=tmp_path / "corpus",
        database_url=f"sqlite:///{tmp_path / 'policybot.db'}",
        default_school="north",
        dsl_user_ids=(ADMIN,),
    )
    with running(settings, base) as rt:
        yield rt


live = flow.live  # served over loopback, with this module's runtime


def send_files(live: LiveServer, user: str, file_ids: list[str], event_id: str) -> None:
    event = {
        "type": "message",
        "subtype": "file_share",
        "channel_type": "im",
        "channel": "D" + user[1:],
        "user": user,
        "text": "",
        "ts": "1700000001.000100",
        "files": [{"id": file_id} for file_id in file_ids],
    }
    assert live.event(event_body(event, event_id=event_id)).ok


def ask(live: LiveServer, question: str, event_id: str) -> None:
    event = {"type": "message", "channel_type": "im", "channel": "DSTAFF", "user": STAFF}
    event |= {"text": question, "ts": "1700000002.000100"}
    assert live.event(event_body(event, event_id=event_id)).ok


def test_an_admin_s_pdf_and_word_file_answer_staff_questions(
    live: LiveServer,
    fake_slack: FakeSlackAPI,
    runtime: Runtime,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)  # serve's default LOG_LEVEL
    pdf = fake_slack.add_file(
        "Mobile phones.pdf", pdf_bytes(tmp_path, "Mobile Phone Policy", [PHONE_CLAUSE])
    )
    word = fake_slack.add_file(
        "Lunch.docx",
        docx_file_bytes(tmp_path, "Lunch Policy", [LUNCH_CLAUSE]),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    broken = fake_slack.add_file("scan.pdf", b"%PDF-1.4 broken")
    send_files(live, ADMIN, [pdf, word, broken], "EvUp1")
    reply = fake_slack.wait_for_where("chat.postMessage", 2, timeout=60, channel="DDSL")[-1]
    text = reply.body["text"]
    assert "Mobile Phone Policy" in text and "Lunch Policy" in text
    assert "review date September 2027" in text
    assert "scan.pdf:" in text  # one line for the file that could not be read
    downloads = fake_slack.calls_to("file_download")
    assert len(downloads) == 3 and all(c.status == 200 for c in downloads)
    assert [d.title for d in runtime.library.documents("north")] != []

    ask(live, "can I photograph pupils with my personal mobile phone?", "EvQ1")
    (answer,) = fake_slack.wait_for_where("chat.postMessage", 1, timeout=30, channel="DSTAFF")
    assert PHONE_CLAUSE in answer.text()
    for secret in (PHONE_CLAUSE, LUNCH_CLAUSE, "Mobile phones.pdf", "scan.pdf", "photograph"):
        assert secret not in caplog.text  # no file content, name or question in the logs


def test_a_non_admin_is_refused_and_nothing_is_downloaded(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime, tmp_path: Path
) -> None:
    pdf = fake_slack.add_file("phones.pdf", pdf_bytes(tmp_path, "Phones", [PHONE_CLAUSE]))
    send_files(live, STAFF, [pdf], "EvUp2")
    (reply,) = fake_slack.wait_for_where("chat.postMessage", 1, channel="DSTAFF")
    assert reply.body["text"] == messages.UPLOAD_NOT_ADMIN
    assert fake_slack.calls_to("file_download") == []
    assert runtime.library.documents("north") == []


def test_a_file_too_large_or_of_the_wrong_type_is_not_downloaded(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime
) -> None:
    picture = fake_slack.add_file("photo.png", b"\x89PNG....", "image/png")
    send_files(live, ADMIN, [picture], "EvUp3")
    reply = fake_slack.wait_for_where("chat.postMessage", 2, channel="DDSL")[-1]
    assert "photo.png: " + messages.UPLOAD_WRONG_TYPE in reply.body["text"]
    assert messages.UPLOAD_NOTHING in reply.body["text"]
    assert fake_slack.calls_to("file_download") == []


def open_home(live: LiveServer, fake: FakeSlackAPI, user: str, event_id: str) -> dict:
    before = len(fake.calls_to("views.publish"))
    event = {"type": "app_home_opened", "user": user, "tab": "home"}
    assert live.event(event_body(event, event_id=event_id)).ok
    return fake.wait_for("views.publish", before + 1)[-1].body["view"]


def buttons(view: dict, title: str) -> dict[str, dict]:
    """The buttons under the document whose section names ``title``."""
    blocks = view["blocks"]
    for i, block in enumerate(blocks):
        if block["type"] == "section" and f"*{title}*" in block["text"]["text"]:
            return {e["text"]["text"]: e for e in blocks[i + 1]["elements"]}
    raise AssertionError(f"{title} not listed")


def upload_two(live: LiveServer, fake: FakeSlackAPI, tmp_path: Path) -> None:
    pdf = fake.add_file("phones.pdf", pdf_bytes(tmp_path, "Mobile Phone Policy", [PHONE_CLAUSE]))
    word = fake.add_file("lunch.docx", docx_file_bytes(tmp_path, "Lunch Policy", [LUNCH_CLAUSE]))
    send_files(live, ADMIN, [pdf, word], "EvUpH")
    fake.wait_for_where("chat.postMessage", 2, timeout=60, channel="DDSL")


def test_app_home_lists_documents_and_remove_takes_one_out(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime, tmp_path: Path
) -> None:
    upload_two(live, fake_slack, tmp_path)
    view = open_home(live, fake_slack, ADMIN, "EvHome1")
    shown = json.dumps(view)
    assert "Lunch Policy" in shown and "review September 2027" in shown and "added " in shown
    remove = buttons(view, "Mobile Phone Policy")["Remove"]
    assert remove["style"] == "danger" and remove["confirm"]["style"] == "danger"
    assert "Mobile Phone Policy" in remove["confirm"]["text"]["text"]
    assert "Lunch Policy" not in json.dumps(open_home(live, fake_slack, STAFF, "EvHome2"))

    flow.click(live, remove["action_id"], remove["value"], user=ADMIN, team={"id": "T0001"})
    republished = fake_slack.wait_for_where("views.publish", 2, timeout=30, user_id=ADMIN)
    assert wait_until(lambda: len(runtime.library.documents("north")) == 1)
    assert [d.title for d in runtime.library.documents("north")] == ["Lunch Policy"]
    assert "Mobile Phone Policy" not in json.dumps(republished[-1].body["view"])
    ask(live, "can I photograph pupils with my personal mobile phone?", "EvQ2")
    (answer,) = fake_slack.wait_for_where("chat.postMessage", 1, timeout=30, channel="DSTAFF")
    assert PHONE_CLAUSE not in answer.text()


def test_replace_asks_for_the_new_file_and_puts_it_in_place(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime, tmp_path: Path
) -> None:
    upload_two(live, fake_slack, tmp_path)
    replace_button = buttons(open_home(live, fake_slack, ADMIN, "EvHome3"), "Lunch Policy")[
        "Replace"
    ]
    flow.click(live, replace_button["action_id"], replace_button["value"], user=ADMIN)
    asked = fake_slack.wait_for_where("chat.postMessage", 3, timeout=30, channel="DDSL")[-1]
    assert "new version of *Lunch Policy*" in asked.body["text"]
    new_clause = "Pupils may bring a packed lunch; fizzy drinks are not allowed."
    new = fake_slack.add_file(
        "lunch-2026.docx", docx_file_bytes(tmp_path, "Lunch Policy 2026", [new_clause])
    )
    send_files(live, ADMIN, [new], "EvUpR")
    reply = fake_slack.wait_for_where("chat.postMessage", 5, timeout=60, channel="DDSL")[-1]
    assert "Replaced" in reply.body["text"] and "Lunch Policy 2026" in reply.body["text"]
    titles = sorted(d.title for d in runtime.library.documents("north"))
    assert titles == ["Lunch Policy 2026", "Mobile Phone Policy"]


def test_many_documents_stay_within_app_home_s_block_limit(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime
) -> None:
    docs = runtime.library.docs
    for n in range(80):
        docs.save_document(
            DocumentRow("north", f"p{n}.pdf", f"Policy {n}", 10, "0" * 64, "upload", utc_now())
        )
    view = open_home(live, fake_slack, ADMIN, "EvHome4")
    assert len(view["blocks"]) <= 100
    assert "more" in view["blocks"][-1]["elements"][0]["text"]


def test_serve_s_scheduler_checks_a_source_that_is_due(runtime: Runtime, tmp_path: Path) -> None:
    with PolicySite() as site:
        site.put("/docs/phones.pdf", pdf_bytes(tmp_path, "Mobile Phone Policy", [PHONE_CLAUSE]))
        runtime.library.docs.add_source("north", site.page)  # never checked: due
        runtime.start_sources(interval=0.05)
        assert wait_until(lambda: runtime.library.documents("north") != [], timeout=60)
        assert runtime.answerer.answer("can I photograph pupils on my phone?", "north").answered


def test_only_an_admin_can_remove_a_document(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime, tmp_path: Path
) -> None:
    upload_two(live, fake_slack, tmp_path)
    remove = buttons(open_home(live, fake_slack, ADMIN, "EvHome5"), "Lunch Policy")["Remove"]
    flow.click(live, remove["action_id"], remove["value"], user=STAFF)
    (refused,) = fake_slack.wait_for_where("chat.postMessage", 1, channel="DSTAFF")
    assert refused.body["text"] == messages.DOCS_NOT_ADMIN
    assert len(runtime.library.documents("north")) == 2
