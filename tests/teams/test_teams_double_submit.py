"""Issue 15, failure 2: two concurrent sends of the same Teams form (a double click; each a
new activity replying to the same form message) store one escalation and post it once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from bot import messages
from bot.escalation.form import submit_label
from bot.escalation.service import EscalationService
from tests.teams.activities import DSL_CHANNEL, STAFF, action_data, message, personal, submit
from tests.teams.test_teams_escalations import DETAILS, setup_dsl_channel

TRIALS = 5


def _form(server, teams) -> dict:
    server.post(message(teams.url, "can I follow an ex-pupil on Instagram?"))
    answer = teams.calls_to(personal(STAFF)["id"])[-1].cards()[0]
    server.post(submit(teams.url, action_data(answer, messages.BUTTON_RAISE)))
    form = teams.calls_to(personal(STAFF)["id"])[-1].cards()[0]
    values = {"details": DETAILS, "risk": "no", "about": "no", "told": "no"}
    return {**action_data(form, submit_label("no")), **values}


def test_concurrent_sends_of_one_form_store_one_escalation(
    server, teams, teams_store, outbox
) -> None:
    setup_dsl_channel(server, teams)
    for trial in range(TRIALS):
        data, form_id = _form(server, teams), f"m-form-{trial}"
        sends = [submit(teams.url, data, replyToId=form_id) for _ in range(2)]
        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(server.post, sends))
        assert all(a.status_code < 300 for a in answers)
    stored = EscalationService(teams_store, ("0b1e2c3d-0000-4000-8000-000000000002",)).list_all()
    assert len(stored) == TRIALS
    assert outbox.deliver_due() == 3 * TRIALS  # one DSL post, one receipt, one "delivered"
    assert len(teams.calls_to(DSL_CHANNEL, "send")) == TRIALS
