"""Several Teams bot registrations in one deployment (POLICYBOT_TEAMS_BOTS), over real HTTP:
two schools' bots, tokens from the loopback JWKS, the loopback fake connector, a real SQLite
store and the real index of the bundled corpus. Each bot answers with its own school's
policies and contacts, sends with its own credentials, and its escalations reach only its
own DSL; a token minted for one school's bot is refused for the other's."""

from __future__ import annotations

from bot import messages
from bot.escalation.form import submit_label
from bot.escalation.service import EscalationService
from tests.fakes.teams_connector import FakeTeamsConnector
from tests.teams.activities import action_data
from tests.teams.registrations import (
    APP_A,
    BOT_A,
    BOT_B,
    BOTS,
    DSL_A,
    DSL_B,
    PHONE_A,
    PHONE_B,
    QUESTION,
    SCHOOL_A,
    SCHOOL_B,
    STAFF_A,
    STAFF_B,
    TENANT_B,
    Bot,
    Deployment,
    chat,
    deployment_fixture,  # noqa: F401  (the "deployment" fixture)
    issuer_fixture,  # noqa: F401  (the "issuer" fixture)
    message,
    submit,
)

DETAILS = "Pupil X said at 10:15 that her stepfather hit her last night."


def test_startup_records_each_bot_against_its_school_with_the_configured_admins(
    deployment: Deployment,
) -> None:
    a = deployment.registry.by_teams_app(APP_A)
    assert a is not None and a.slug == SCHOOL_A
    assert a.admin_ids == BOTS[0].admins
    b = deployment.registry.get(SCHOOL_B)
    assert b is not None and b.teams_app_id == BOTS[1].app_id


def test_each_bot_answers_with_its_own_schools_policies_and_contacts(
    deployment: Deployment, teams: FakeTeamsConnector
) -> None:
    for bot, staff in ((BOT_A, STAFF_A), (BOT_B, STAFF_B)):
        assert deployment.server.post(message(bot, teams.url, QUESTION, staff)).status_code < 300

    [answer_a], [answer_b] = chat(teams, BOT_A, STAFF_A), chat(teams, BOT_B, STAFF_B)
    assert PHONE_A in answer_a.shown() and PHONE_B not in answer_a.shown()
    assert PHONE_B in answer_b.shown() and PHONE_A not in answer_b.shown()
    top = {s: deployment.answerer.answer(QUESTION, s).hits[0].passage for s in (SCHOOL_A, SCHOOL_B)}
    assert top[SCHOOL_A].school == SCHOOL_A and top[SCHOOL_B].school == SCHOOL_B
    assert top[SCHOOL_A].text != top[SCHOOL_B].text  # the two policies word it differently
    assert top[SCHOOL_A].text in answer_a.shown() and top[SCHOOL_B].text not in answer_a.shown()
    assert top[SCHOOL_B].text in answer_b.shown() and top[SCHOOL_A].text not in answer_b.shown()
    # each reply went out with its own bot's credentials
    assert answer_a.headers["Authorization"] == f"Bearer token-for-{APP_A}"
    assert answer_b.headers["Authorization"] == f"Bearer token-for-{BOT_B.app_id}"


def test_a_token_for_one_schools_bot_is_refused_for_the_others(
    deployment: Deployment, teams: FakeTeamsConnector
) -> None:
    to_b = message(BOT_B, teams.url, QUESTION, STAFF_B)

    refused = deployment.server.post(to_b, audience=APP_A)  # a genuine token, for bot A

    assert refused.status_code == 401
    assert teams.calls == []
    accepted = deployment.server.post(message(BOT_B, teams.url, QUESTION, STAFF_B))
    assert accepted.status_code < 300  # the same activity with B's own token is answered


def test_an_activity_for_a_bot_not_served_here_is_refused(
    deployment: Deployment, teams: FakeTeamsConnector
) -> None:
    stranger = Bot("0f0f0f0f-0000-4000-8000-000000000000", TENANT_B, "nobody")

    response = deployment.server.post(message(stranger, teams.url, QUESTION, STAFF_B))

    assert response.status_code == 401
    assert teams.calls == []


def test_a_token_from_the_other_schools_tenant_is_refused(
    deployment: Deployment, teams: FakeTeamsConnector
) -> None:
    response = deployment.server.post(message(BOT_A, teams.url, QUESTION, STAFF_A), tenant=TENANT_B)

    assert response.status_code == 401
    assert teams.calls == []


def raise_concern(deployment: Deployment, teams: FakeTeamsConnector, bot: Bot, staff: dict) -> None:
    """Ask, click "Raise with DSL", fill in the form and send it."""
    server = deployment.server
    server.post(message(bot, teams.url, QUESTION, staff))
    answer = chat(teams, bot, staff)[-1].cards()[0]
    server.post(submit(bot, teams.url, action_data(answer, messages.BUTTON_RAISE), staff))
    form = chat(teams, bot, staff)[-1].cards()[0]
    values = {"details": DETAILS, "risk": "yes", "about": "no", "told": "no"}
    data = {**action_data(form, submit_label("no")), **values}
    server.post(submit(bot, teams.url, data, staff, replyToId=f"m-form-{bot.app_id[:4]}"))


def test_an_escalation_from_each_school_reaches_only_its_own_dsl_with_its_own_credentials(
    deployment: Deployment, teams: FakeTeamsConnector
) -> None:
    for bot, dsl in ((BOT_A, DSL_A), (BOT_B, DSL_B)):  # each DSL has said hello to their bot
        deployment.server.post(message(bot, teams.url, "hello", dsl))
    raise_concern(deployment, teams, BOT_A, STAFF_A)
    raise_concern(deployment, teams, BOT_B, STAFF_B)

    deployment.outbox.deliver_due()

    esc = {e.school: e for e in escalation_list(deployment)}
    assert set(esc) == {SCHOOL_A, SCHOOL_B}
    for bot, dsl, other in ((BOT_A, DSL_A, BOT_B), (BOT_B, DSL_B, BOT_A)):
        sent = [c for c in chat(teams, bot, dsl) if c.kind == "send"]
        [card] = [c for c in sent if DETAILS in c.shown()]  # the DSL's card, with the details
        assert esc[bot.school].ref in card.shown()
        assert not any(esc[other.school].ref in c.shown() for c in sent)
        assert {c.headers["Authorization"] for c in sent} == {f"Bearer token-for-{bot.app_id}"}
    posts = [c for c in teams.of_kind("send") if DETAILS in c.shown()]
    assert len(posts) == 2  # one card per concern, each in its own DSL's chat only


def escalation_list(deployment: Deployment) -> list:
    return EscalationService(deployment.store, ()).list_all()
