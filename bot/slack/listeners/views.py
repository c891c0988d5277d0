"""Modal submissions: "Raise with DSL" (store first, then ack) and "Record as logged"."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot import messages
from bot.escalation.actions import act, submit
from bot.escalation.form import report_from_form
from bot.slack import escalation_blocks as eb
from bot.slack.blocks import escape
from bot.slack.deps import SlackDeps
from bot.store.records import ConcernReport

log = logging.getLogger(__name__)
Body = dict[str, Any]
SUBMIT_DEADLINE = 2.5  # seconds: Slack shows its own error if a modal is not answered in 3


def register(app: AsyncApp, deps: SlackDeps) -> None:
    async def raise_submitted(ack: AsyncAck, body: Body, view: Body) -> None:
        """Store the concern in one transaction, and only then tell the reporter it's sent."""
        outcome = await submit(deps.escalations, concern_report(body, view), SUBMIT_DEADLINE)
        if outcome.escalation is None:
            refusal = outcome.refusal or messages.STORE_UNAVAILABLE
            await ack(response_action="update", view=eb.failed_view(refusal))
            return
        esc = outcome.escalation
        await ack(response_action="update", view=eb.sent_view(esc.ref, esc.route))
        deps.kick()

    async def record_submitted(ack: AsyncAck, body: Body, view: Body) -> None:
        ref, user = str(eb.read_meta(view).get("ref", "")), body["user"]["id"]
        state = view.get("state", {}).get("values", {})
        record = state.get("record", {}).get("record", {}).get("value") or ""
        outcome = await act(
            deps.escalations, "record_logged", ref, user, record, name=eb.mention, text=escape
        )
        if outcome.refusal:
            await ack(response_action="update", view=eb.failed_view(outcome.refusal))
            return
        await ack()
        deps.kick()

    app.view(eb.RAISE_CALLBACK)(raise_submitted)
    app.view(eb.RECORD_CALLBACK)(record_submitted)


def concern_report(body: Body, view: Body) -> ConcernReport:
    """The submitted modal as the core's ConcernReport (bot.escalation.form reads the answers)."""
    user, team = body.get("user") or {}, body.get("team") or {}
    meta, values = eb.read_meta(view), eb.form_values(view)
    report = report_from_form("slack", str(user.get("id", "")), team.get("id"), meta, values)
    return replace(report, submission_key=submission_key(view))


def submission_key(view: Body) -> str | None:
    """Slack's own ids for this submission: the view's id and its hash (the same view sent
    twice, by a double click or a retry, has both the same)."""
    view_id, view_hash = view.get("id"), view.get("hash")
    return f"slack:{view_id}:{view_hash}" if view_id and view_hash else None
