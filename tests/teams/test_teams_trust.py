"""Issue 15, failure 4, on Teams: in a trust, a school whose ``school.toml`` names its own
Teams people (``[escalation.teams]``, Entra object ids) has its concerns sent only to them,
privately, never to the trust-wide DSL conversation, and only its own DSLs can act."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot import messages
from bot.escalation.schools import school_people
from bot.escalation.service import EscalationService
from bot.serve.config import Settings
from tests.teams.activities import DSL_CHANNEL, STAFF, execute, message, personal, submit
from tests.teams.test_teams_escalations import setup_dsl_channel

DSL_A = {"id": "29:dsla", "name": "Ada A", "aadObjectId": "0b1e2c3d-0000-4000-8000-000000000005"}
DSL_B = {"id": "29:dslb", "name": "Ben B", "aadObjectId": "0b1e2c3d-0000-4000-8000-000000000006"}
TOML = (
    '[escalation.teams]\ndsl_user_ids = ["{dsl}"]\n'
    'headteacher_user_ids = ["0b1e2c3d-0000-4000-8000-000000000003"]\n'
)


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    corpus = tmp_path / "corpus"
    for slug, dsl in (
        ("school-a", "0b1e2c3d-0000-4000-8000-000000000005"),
        ("school-b", "0b1e2c3d-0000-4000-8000-000000000006"),
    ):
        (corpus / slug).mkdir(parents=True)
        (corpus / slug / "school.toml").write_text(TOML.format(dsl=dsl))
    return replace(settings, corpus_dir=corpus)


def test_a_school_s_concern_goes_only_to_its_own_dsl_and_only_they_may_act(
    server, teams, teams_store, outbox, settings
) -> None:
    setup_dsl_channel(server, teams)  # the trust-wide DSL conversation exists
    for dsl in (DSL_A, DSL_B):  # each DSL has said hello once (Teams' rule for bots)
        server.post(message(teams.url, "hello", user=dsl, conversation=personal(dsl)))
    form = {
        "verb": "raise_submit",
        "q": "q",
        "s": "school-a",
        "details": "facts",
        "risk": "no",
        "about": "no",
        "told": "no",
    }
    server.post(submit(teams.url, form, replyToId="m-form-a"))
    service = EscalationService(
        teams_store, settings.teams_dsl_aad_ids, schools=school_people(settings.corpus_dir, "teams")
    )
    [esc] = service.list_all()
    assert outbox.deliver_due() == 3
    assert teams.calls_to(DSL_CHANNEL, "send") == []  # not the trust-wide conversation
    [_hello, post] = teams.calls_to(personal(DSL_A)["id"])
    assert esc.ref in post.shown() and "facts" in post.shown()
    assert len(teams.calls_to(personal(DSL_B)["id"])) == 1  # only the answer to "hello"

    for outsider in (
        {"id": "29:dsl", "name": "Dana DSL", "aadObjectId": "0b1e2c3d-0000-4000-8000-000000000002"},
        DSL_B,
    ):
        refused = server.post(
            execute(teams.url, "escalation_claim", {"ref": esc.ref}, user=outsider)
        )
        assert refused.json()["value"] == messages.ESCALATION_NOT_ALLOWED
    server.post(execute(teams.url, "escalation_claim", {"ref": esc.ref}, user=DSL_A))
    assert service.get(esc.ref).claimed_by == "0b1e2c3d-0000-4000-8000-000000000005"
    assert STAFF["aadObjectId"] == esc.reporter_id
