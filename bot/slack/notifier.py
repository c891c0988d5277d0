"""Delivers escalation outbox items to Slack (Slack's :class:`bot.escalation.outbox.Notifier`).

Where things go (Keeping Children Safe in Education):

* a concern (route ``dsl``) -> ``DSL_CHANNEL_ID`` (a private channel), or a DM to each of
  ``DSL_USER_IDS`` when no channel is set;
* about a member of staff (``headteacher``) -> DMs to ``HEADTEACHER_USER_IDS``; about the
  headteacher (``chair``) -> DMs to ``CHAIR_USER_IDS``; never the DSL channel;
* reminders (and an urgent concern's alert at once) -> a DM to each person of the roles the
  reminder names (the DSL channel when no DSL is listed);
* an urgent concern's post @-mentions the people holding its route, and its notification
  text starts "URGENT";
* receipts and updates -> a DM to the reporter.

Every post carries ``metadata`` with the outbox item's idempotency key, so
:meth:`SlackNotifier.find_existing` (and a retry of a multi-recipient post) can find a
message already sent with ``conversations.history``. Slack failures (5xx, 429, timeouts,
network, and refusals such as ``channel_not_found``) become :class:`DeliveryError` so the
outbox keeps the item and retries; nothing is dropped.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Mapping
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.errors import DeliveryError
from bot.escalation.delivery import retry_delay, targets_for
from bot.escalation.people import People
from bot.escalation.view import (
    RECEIPT_EDITS,
    Catalogue,
    purged_text,
    reminder_text,
    reporter_text,
)
from bot.slack import escalation_blocks as eb
from bot.slack.blocks import escape
from bot.slack.settings import SlackSettings
from bot.store.records import DeliveryReceipt, Escalation, OutboxItem

log = logging.getLogger(__name__)
EVENT_TYPE = "policybot_escalation"
HISTORY_LIMIT = 200


class SlackNotifier:
    def __init__(
        self,
        client: WebClient,
        settings: SlackSettings,
        schools: Mapping[str, People] | None = None,
        catalogue: Catalogue | None = None,
        clients: Callable[[str | None], WebClient] | None = None,
    ) -> None:
        self.client = client
        self.settings = settings
        # a trust or many installed schools: each school's own channel and people (a live
        # mapping in OAuth mode: bot.escalation.schools.LiveSchoolPeople)
        self.schools: Mapping[str, People] = schools if schools is not None else {}
        self.catalogue = catalogue  # school names and clause text for the DSL's post
        self.clients = clients  # OAuth mode: the workspace's own token (bot.slack.install)

    # --- the Notifier protocol --------------------------------------------------------

    def deliver(self, item: OutboxItem, escalation: Escalation) -> DeliveryReceipt | None:
        def send() -> DeliveryReceipt | None:
            notifier = self._for_team(escalation.team_id)
            handler: Callable[[OutboxItem, Escalation], DeliveryReceipt | None] = {
                "destination_post": notifier._destination_post,
                "destination_update": notifier._destination_update,
                "reporter_receipt": notifier._reporter_message,
                "reporter_update": notifier._reporter_message,
                "reminder": notifier._reminder,
            }[item.kind]
            return handler(item, escalation)

        return _guard(send, item)

    def _for_team(self, team_id: str | None) -> SlackNotifier:
        """This notifier speaking with ``team_id``'s bot token (OAuth mode), else itself."""
        if self.clients is None:
            return self
        speaking = copy.copy(self)
        speaking.client = self.clients(team_id)
        return speaking

    def find_existing(self, item: OutboxItem, escalation: Escalation) -> DeliveryReceipt | None:
        """The receipt if every target already has the message, else None (deliver retries
        per target, skipping those that have it)."""

        def find_all() -> DeliveryReceipt | None:
            notifier = self._for_team(escalation.team_id)
            targets = notifier._targets(item, escalation)
            found = [notifier._find(t, item.idempotency_key) for t in targets]
            return found[0] if found and all(found) else None

        return _guard(find_all, item)

    # --- where ------------------------------------------------------------------------

    def addresses(self, reminder: bool = False, school: str | None = None) -> dict[str, list[str]]:
        """Channel or user ids for each role (see the module's docstring); in a trust, a
        school naming its own people (bot.escalation.schools): only theirs."""
        own = self.schools.get(school or "")
        ids = self._people(school)
        channel = own.dsl_channel if own else self.settings.dsl_channel_id
        dsl = list(ids.dsl_ids) if reminder else []
        if not dsl:
            dsl = [channel] if channel else list(ids.dsl_ids)
        return {
            "dsl": dsl,
            "headteacher": list(ids.headteacher_ids),
            "chair": list(ids.chair_ids),
        }

    def holders(self, escalation: Escalation) -> tuple[str, ...]:
        """The user ids holding the escalation's route (to @-mention on an urgent post)."""
        return self._people(escalation.school).holders(escalation.route)

    def _people(self, school: str | None) -> People:
        """A school's own people (in a trust), else those the settings list."""
        s = self.settings
        own = self.schools.get(school or "")
        return own or People(s.dsl_user_ids, s.headteacher_user_ids, s.chair_user_ids)

    def _targets(self, item: OutboxItem, escalation: Escalation) -> list[str]:
        addresses = self.addresses(item.kind == "reminder", escalation.school)
        return targets_for(item, escalation, addresses, escalation.reporter_id)

    # --- what -------------------------------------------------------------------------

    def _destination_post(self, item: OutboxItem, esc: Escalation) -> DeliveryReceipt:
        blocks, text = eb.dsl_post(esc, self.holders(esc), self.catalogue)
        receipts = [
            self._post_once(target, item, blocks=blocks, text=text)
            for target in self._targets(item, esc)
        ]
        return receipts[0]

    def _destination_update(self, item: OutboxItem, esc: Escalation) -> None:
        blocks, text = eb.dsl_post(esc, self.holders(esc), self.catalogue)
        purged = purged_text(item, esc, text=escape)
        if purged is not None:  # edited down to the reference: no details stay in Slack
            blocks, text = [{"type": "section", "text": {"type": "mrkdwn", "text": purged}}], purged
        for target in self._targets(item, esc):
            if esc.destination_message_id and target == esc.destination_channel:
                found: DeliveryReceipt | None = DeliveryReceipt(
                    esc.destination_channel, esc.destination_message_id
                )
            else:
                found = self._find(target, f"{esc.ref}/post")
            if found is None or not found.message_id:
                raise DeliveryError(f"{esc.ref}: destination message not found yet", 30)
            self._call(
                "chat_update", channel=found.channel, ts=found.message_id, blocks=blocks, text=text
            )

    def _reporter_message(self, item: OutboxItem, esc: Escalation) -> DeliveryReceipt:
        text = reporter_text(item, esc, name=eb.mention, text=escape)
        if item.payload.get("event") in RECEIPT_EDITS:
            receipt = self._find(esc.reporter_id, f"{esc.ref}/receipt")
            if receipt is not None:  # the same message now says what happened
                self._call("chat_update", channel=receipt.channel, ts=receipt.message_id, text=text)
                return receipt
        return self._post_once(esc.reporter_id, item, text=text)

    def _reminder(self, item: OutboxItem, esc: Escalation) -> DeliveryReceipt | None:
        text = reminder_text(item, esc, text=escape)
        blocks = eb.reminder(esc, text, self._permalink(esc))
        receipts = [
            self._post_once(t, item, text=text, blocks=blocks) for t in self._targets(item, esc)
        ]
        return receipts[0] if receipts else None

    # --- Slack calls ------------------------------------------------------------------

    def _post_once(self, target: str, item: OutboxItem, **content: Any) -> DeliveryReceipt:
        """Post to ``target`` unless a retry finds the message already there."""
        channel = self._open(target)
        if item.may_have_been_sent:
            found = self._find(channel, item.idempotency_key)
            if found is not None:
                return found
        metadata = {
            "event_type": EVENT_TYPE,
            "event_payload": {"key": item.idempotency_key, "ref": item.ref},
        }
        response = self._call("chat_postMessage", channel=channel, metadata=metadata, **content)
        return DeliveryReceipt(str(response["channel"]), str(response["ts"]))

    def _permalink(self, esc: Escalation) -> str | None:
        """A link to the escalation's post (chat.getPermalink), or None when it is not known
        yet or Slack refuses (a reminder still goes out, without the link)."""
        if not (esc.destination_channel and esc.destination_message_id):
            return None
        try:
            response = self._call(
                "chat_getPermalink",
                channel=esc.destination_channel,
                message_ts=esc.destination_message_id,
            )
        except SlackApiError as exc:
            log.warning("no permalink for %s: %s", esc.ref, exc.response.get("error"))
            return None
        return str(response.get("permalink") or "") or None

    def _find(self, target: str, key: str) -> DeliveryReceipt | None:
        channel = self._open(target)
        history = self._call(
            "conversations_history", channel=channel, include_all_metadata=True, limit=HISTORY_LIMIT
        )
        for message in history.get("messages") or []:
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get("key") == key:
                return DeliveryReceipt(channel, str(message["ts"]))
        return None

    def _open(self, target: str) -> str:
        """A user id becomes their DM channel; a channel id stays as it is."""
        if not target.startswith(("U", "W")):
            return target
        return str(self._call("conversations_open", users=target)["channel"]["id"])

    def _call(self, method: str, **kwargs: Any) -> Any:
        return getattr(self.client, method)(**kwargs)


def _guard(call: Callable[[], Any], item: OutboxItem) -> Any:
    """Run a Slack call; turn every Slack or network failure into DeliveryError."""
    try:
        return call()
    except SlackApiError as exc:
        status = exc.response.status_code
        retry_after = exc.response.headers.get("Retry-After")
        error = (
            (exc.response.data or {}).get("error") if isinstance(exc.response.data, dict) else None
        )
        log.warning(
            "Slack refused outbox item %s (%s): HTTP %s %s", item.id, item.ref, status, error
        )
        delay = retry_delay(status, retry_after)
        raise DeliveryError(f"Slack API HTTP {status} {error or ''}".strip(), delay) from None
    except (SlackClientError, OSError) as exc:
        log.warning(
            "Slack unreachable for outbox item %s (%s): %s", item.id, item.ref, type(exc).__name__
        )
        raise DeliveryError(f"Slack unreachable: {type(exc).__name__}") from None
