"""Issue 15, failure 3: ``escalations purge`` also edits the DSL channel's Slack message down
to "ESC-… — details removed after N days (retention)", through the outbox, so it survives a
Slack outage. Over real HTTP against the fake Slack Web API, as ``serve`` runs it."""

from __future__ import annotations

from click.testing import CliRunner

from bot.cli.escalations import escalations
from bot.serve.runtime import Runtime
from tests.fakes.slack_api import FakeSlackAPI
from tests.slack import test_escalation_flow as flow
from tests.slack.live import LiveServer
from tests.slack.test_escalation_flow import DSL_CHANNEL, open_modal, submit, wait_until

runtime, live = flow.runtime, flow.live  # the flow's fixtures: DSL channel, head, chair
DETAILS = "Pupil Quentin Zarathustra said his uncle locks him in."


def test_purge_edits_the_dsl_message_down_to_the_reference(
    live: LiveServer, fake_slack: FakeSlackAPI, runtime: Runtime
) -> None:
    submit(live, open_modal(live, fake_slack), DETAILS)
    (esc,) = runtime.escalations.list_all()
    assert wait_until(lambda: runtime.outbox.pending() == 0)
    runtime.escalations.resolve(esc.ref, "UDSL")
    assert wait_until(lambda: runtime.outbox.pending() == 0)
    assert DETAILS in str(fake_slack.messages[DSL_CHANNEL])

    fake_slack.fail_next("chat.update", times=2, status=500)  # Slack is down at purge time
    env = {"DATABASE_URL": runtime.settings.database_url}
    purged = CliRunner().invoke(escalations, ["purge", "--older-than", "0d"], env=env)
    assert purged.exit_code == 0, purged.output
    runtime.kick()

    expected = f"{esc.ref} \u2014 details removed after 0 days (retention)"
    assert wait_until(lambda: fake_slack.messages[DSL_CHANNEL][0]["text"] == expected, 20)
    assert len(fake_slack.calls_to("chat.update", include_failed=True)) > 2  # it retried
    assert "Quentin" not in str(fake_slack.messages[DSL_CHANNEL])
    assert runtime.escalations.get(esc.ref).details == ""
