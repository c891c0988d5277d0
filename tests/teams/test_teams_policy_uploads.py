"""Policies sent in the Teams 1:1 chat (issue 18): a DSL's PDF and Word attachments are
downloaded from their downloadUrl, indexed for the school and answer staff questions; a
member of staff who sends a file is refused and nothing is downloaded."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot import messages
from bot.answering.answerer import Answerer
from bot.serve.config import Settings
from bot.serve.web import build_web_app
from bot.serve.wiring import admin_check, school_answers, school_library
from bot.store import Store
from bot.teams.app import teams_mount
from indexer.build import index_from_passages
from tests.builders import make_passage
from tests.fakes.teams_connector import FakeTeamsConnector
from tests.policies.docs import LUNCH_CLAUSE, PHONE_CLAUSE, docx_file_bytes, pdf_bytes
from tests.slack.test_escalation_flow import wait_until
from tests.teams.activities import DSL, STAFF, message, personal
from tests.teams.conftest import TeamsServer


@pytest.fixture
def server(settings: Settings, teams_store: Store, tmp_path: Path) -> Iterator[TeamsServer]:
    settings = replace(settings, data_dir=tmp_path / "data", corpus_dir=tmp_path / "corpus")
    base = Answerer(index_from_passages([make_passage("Visitors sign in.", school="x")]), {})
    library = school_library(teams_store, settings)
    answers = school_answers(settings, library, base)
    mount = teams_mount(
        settings, answers, teams_store, library=library, is_admin=admin_check(settings)
    )
    with TeamsServer(build_web_app(settings, answers, mounts=[mount])) as live:
        yield live


def test_a_dsl_s_attachments_are_indexed_and_answer_staff(
    server: TeamsServer, teams: FakeTeamsConnector, tmp_path: Path
) -> None:
    files = [
        teams.file_attachment(
            "phones.pdf", pdf_bytes(tmp_path, "Mobile Phone Policy", [PHONE_CLAUSE])
        ),
        teams.file_attachment(
            "lunch.docx", docx_file_bytes(tmp_path, "Lunch Policy", [LUNCH_CLAUSE])
        ),
        teams.file_attachment("notes.exe", b"MZ"),
    ]
    server.post(message(teams.url, "", user=DSL, attachments=files))

    def replies() -> list[str]:
        return [c.body["text"] for c in teams.calls_to(personal(DSL)["id"])]

    assert wait_until(lambda: len(replies()) == 2, timeout=60)  # "reading…", then the result
    assert len(teams.downloads) == 2  # the .exe is refused unread
    last = replies()[-1]
    assert "Mobile Phone Policy" in last and "Lunch Policy" in last
    assert "notes.exe: " + messages.UPLOAD_WRONG_TYPE in last

    server.post(message(teams.url, "can I photograph pupils with my personal mobile phone?"))
    (answer,) = teams.calls_to(personal(STAFF)["id"])
    assert PHONE_CLAUSE in answer.shown()


def test_staff_who_send_a_file_are_refused(
    server: TeamsServer, teams: FakeTeamsConnector, tmp_path: Path
) -> None:
    attachment = teams.file_attachment("phones.pdf", pdf_bytes(tmp_path, "Phones", [PHONE_CLAUSE]))
    server.post(message(teams.url, "", attachments=[attachment]))
    (reply,) = teams.calls_to(personal(STAFF)["id"])
    assert reply.body["text"] == messages.UPLOAD_NOT_ADMIN
    assert teams.downloads == []
